#pragma once
// Consent to the privacy guide (用户隐私保护指引), recorded and versioned. Pure rules.
//  - `policy`: agreement to the guide as a whole, at one version. A member who has not agreed to
//    the current version may read halls and availability, but every call that collects personal
//    information (a hold or booking, a check-in, the profile, the phone, a branch request) is
//    refused with consent_required until they agree: a new version asks everyone again.
//  - Sensitive kinds (个人信息保护法 第二十九条: separate consent) are asked for one by one by the
//    feature that needs them, and only after the guide: `location` is the first (a check-in's
//    position, when that feature comes). Agreeing to the guide never implies one.
//  - Each agreement is a row kept as evidence (who, which kind, which version, when); withdrawing
//    marks the live row. Withdrawing the guide withdraws every sensitive kind with it.
#include <optional>
#include <string_view>
#include <vector>

#include "booking/errors.hpp"
#include "booking/identity.hpp"

namespace sh::booking {

enum class ConsentKind { policy, location };
std::string_view consent_kind_name(ConsentKind k);
std::optional<ConsentKind> parse_consent_kind(std::string_view s);
bool is_sensitive(ConsentKind k);

struct Consent {
    ConsentKind kind = ConsentKind::policy;
    int policy_version = 0;  // the guide's version it was given under
    TimePoint given_at;
    std::optional<TimePoint> withdrawn_at;
};

class ConsentStore {
  public:
    virtual ~ConsentStore() = default;
    // Takes the user's row lock: one member's consents change one at a time. false: no such user.
    virtual bool lock_user(UserId id) = 0;
    // Every consent the member gave, newest first (withdrawn ones too).
    virtual std::vector<Consent> consents_of(UserId id) = 0;
    virtual void add_consent(UserId id, const Consent& c) = 0;
    // Marks the live consents of these kinds withdrawn at `at`.
    virtual void withdraw_consents(UserId id, const std::vector<ConsentKind>& kinds,
                                   TimePoint at) = 0;
    // The guide's version the member's calls are checked against (users.policy_version): set on
    // agreeing, cleared (nullopt) on withdrawing.
    virtual void set_policy_version(UserId id, std::optional<int> version) = 0;
    // That version as stored now (0: none); nullopt when there is no such user.
    virtual std::optional<int> policy_version_of(UserId id) = 0;
};

// The live consent of a kind among `all` (newest first): not withdrawn.
std::optional<Consent> live_consent(const std::vector<Consent>& all, ConsentKind kind);

// Has the member agreed to the guide at `current` (or later)?
bool agreed_to(const Principal& me, int current);
// consent_required (details.policy_version) unless agreed_to.
std::optional<AppError> require_consent(const Principal& me, int current);

// POST /me/consents: the member agrees to `kind` as the guide stands at `asked_version`.
//  - policy_changed (details.policy_version) when the guide the phone showed is not the current
//    one: nobody agrees to a text they did not see;
//  - a sensitive kind before the guide itself: consent_required;
//  - agreeing again to what is live at this version changes nothing (the same record answers).
Result<Consent> give_consent(ConsentStore& s, const Principal& me, ConsentKind kind,
                             int asked_version, int current, TimePoint now);
// DELETE /me/consents/{kind}: the live consent ends (the guide takes the sensitive kinds with
// it); not_found when none is live.
Result<bool> withdraw_consent(ConsentStore& s, const Principal& me, ConsentKind kind,
                              TimePoint now);

}  // namespace sh::booking
