#include "booking/consent.hpp"

namespace sh::booking {

namespace {
constexpr ConsentKind all_kinds[] = {ConsentKind::policy, ConsentKind::location};
}  // namespace

std::string_view consent_kind_name(ConsentKind k) {
    switch (k) {
        case ConsentKind::policy: return "policy";
        case ConsentKind::location: return "location";
    }
    return "policy";
}

std::optional<ConsentKind> parse_consent_kind(std::string_view s) {
    for (auto k : all_kinds)
        if (consent_kind_name(k) == s) return k;
    return std::nullopt;
}

bool is_sensitive(ConsentKind k) {
    return k != ConsentKind::policy;
}

std::optional<Consent> live_consent(const std::vector<Consent>& all, ConsentKind kind) {
    for (const auto& c : all)
        if (c.kind == kind && !c.withdrawn_at) return c;
    return std::nullopt;
}

bool agreed_to(const Principal& me, int current) {
    return me.policy_version > 0 && me.policy_version >= current;
}

std::optional<AppError> require_consent(const Principal& me, int current) {
    if (agreed_to(me, current)) return std::nullopt;
    return make_error(Errc::consent_required, {}, {{"policy_version", current}});
}

Result<Consent> give_consent(ConsentStore& s, const Principal& me, ConsentKind kind,
                             int asked_version, int current, TimePoint now) {
    if (asked_version != current)
        return make_error(Errc::policy_changed, {}, {{"policy_version", current}});
    if (!s.lock_user(me.user_id)) return make_error(Errc::unauthorized);
    auto all = s.consents_of(me.user_id);
    auto live = live_consent(all, kind);
    if (live && live->policy_version == current) return *live;
    if (is_sensitive(kind)) {
        auto guide = live_consent(all, ConsentKind::policy);
        if (!guide || guide->policy_version != current)
            return make_error(Errc::consent_required, {}, {{"policy_version", current}});
    }
    if (live) s.withdraw_consents(me.user_id, {kind}, now);  // superseded by this version's
    Consent c{kind, current, now, std::nullopt};
    s.add_consent(me.user_id, c);
    if (kind == ConsentKind::policy) s.set_policy_version(me.user_id, current);
    return c;
}

Result<bool> withdraw_consent(ConsentStore& s, const Principal& me, ConsentKind kind,
                              TimePoint now) {
    if (!s.lock_user(me.user_id)) return make_error(Errc::unauthorized);
    auto all = s.consents_of(me.user_id);
    if (!live_consent(all, kind)) return make_error(Errc::not_found);
    std::vector<ConsentKind> kinds{kind};
    if (kind == ConsentKind::policy) {
        for (auto k : all_kinds)  // the sensitive uses go with the guide
            if (is_sensitive(k) && live_consent(all, k)) kinds.push_back(k);
        s.set_policy_version(me.user_id, std::nullopt);
    }
    s.withdraw_consents(me.user_id, kinds, now);
    return true;
}

}  // namespace sh::booking
