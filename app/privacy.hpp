#pragma once
// The privacy guide (用户隐私保护指引) members agree to, and their consents (booking/consent.hpp).
//  - The guide is docs/privacy/guide.md, built into the server (privacy.guide_file may name a
//    newer text to publish without a new build). Its "版本：N" line is the version consents are
//    given under; raising it asks every member to agree again before their next collecting call.
//  - Which calls collect, and so need the current version agreed: server/api's consenting().
//  - A member's agreed version travels with who they are (Principal, cached per instance for the
//    accounts' cache bound). A copy from before an agreement is read again before refusing, so
//    agreeing counts at once on every instance; a withdrawal reaches other instances within the
//    bound, as a sign-out does.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/accounts.hpp"
#include "app/ports.hpp"
#include "booking/consent.hpp"

namespace sh::app {

struct GuideSection {
    std::string heading;
    std::vector<std::string> paragraphs;
};

struct PrivacyGuide {
    int version = 0;
    std::string title;
    std::string updated;  // as the guide writes it: "2026年12月3日"
    std::vector<GuideSection> sections;
};

// "# title", a "版本：N" line (N ≥ 1), an optional "更新日期：..." line, then "## heading" sections
// of paragraphs (one per line; "- " items are paragraphs too). nullopt without a title or a
// version.
std::optional<PrivacyGuide> parse_guide(std::string_view markdown);
// docs/privacy/guide.md as this server was built with it.
std::string_view built_in_guide();

class Consents {
  public:
    Consents(ConsentDb& db, AccountService& accounts, const booking::Clock& clock,
             PrivacyGuide guide)
        : db_(db), accounts_(accounts), clock_(clock), guide_(std::move(guide)) {}

    const PrivacyGuide& guide() const { return guide_; }

    // policy_changed, consent_required (a sensitive kind before the guide).
    awaitable<Result<booking::Consent>> agree(const booking::Principal& me,
                                              booking::ConsentKind kind, int version);
    // not_found when that kind is not live.
    awaitable<Result<bool>> withdraw(const booking::Principal& me, booking::ConsentKind kind);
    // Every consent the member gave, newest first.
    awaitable<std::vector<booking::Consent>> of(const booking::Principal& me);
    // For a call that collects personal information: the member, or consent_required.
    awaitable<Result<booking::Principal>> require(booking::Principal me);

  private:
    ConsentDb& db_;
    AccountService& accounts_;
    const booking::Clock& clock_;
    PrivacyGuide guide_;
};

}  // namespace sh::app
