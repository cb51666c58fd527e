#include "app/privacy.hpp"

#include <charconv>

namespace sh::app {

using booking::Consent;
using booking::ConsentKind;
using booking::ConsentStore;
using booking::Principal;

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

bool starts(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::optional<PrivacyGuide> parse_guide(std::string_view text) {
    PrivacyGuide g;
    while (!text.empty()) {
        auto nl = text.find('\n');
        auto line = trim(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (line.empty()) continue;
        if (starts(line, "## ")) {
            g.sections.push_back({std::string(trim(line.substr(3))), {}});
        } else if (starts(line, "# ")) {
            g.title = std::string(trim(line.substr(2)));
        } else if (g.sections.empty() && starts(line, "版本：")) {
            auto n = trim(line.substr(std::string_view("版本：").size()));
            int v = 0;
            auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), v);
            if (ec != std::errc{} || end != n.data() + n.size()) return std::nullopt;
            g.version = v;
        } else if (g.sections.empty() && starts(line, "更新日期：")) {
            g.updated = std::string(trim(line.substr(std::string_view("更新日期：").size())));
        } else if (!g.sections.empty()) {
            if (starts(line, "- ")) line = trim(line.substr(2));
            g.sections.back().paragraphs.emplace_back(line);
        }
    }
    if (g.title.empty() || g.version < 1) return std::nullopt;
    return g;
}

awaitable<Result<Consent>> Consents::agree(const Principal& me, ConsentKind kind, int version) {
    const auto now = clock_.now();
    auto r = co_await transact_result<Consent>(db_, [&](ConsentStore& s) {
        return booking::give_consent(s, me, kind, version, guide_.version, now);
    });
    if (r) accounts_.forget(me.user_id);
    co_return r;
}

awaitable<Result<bool>> Consents::withdraw(const Principal& me, ConsentKind kind) {
    const auto now = clock_.now();
    auto r = co_await transact_result<bool>(
        db_, [&](ConsentStore& s) { return booking::withdraw_consent(s, me, kind, now); });
    if (r) accounts_.forget(me.user_id);
    co_return r;
}

awaitable<std::vector<Consent>> Consents::of(const Principal& me) {
    std::vector<Consent> out;
    co_await db_.read([&](ConsentStore& s) { out = s.consents_of(me.user_id); });
    co_return out;
}

awaitable<Result<Principal>> Consents::require(Principal me) {
    if (booking::agreed_to(me, guide_.version)) co_return me;
    // Perhaps agreed a moment ago on another instance: the stored version decides.
    std::optional<int> stored;
    co_await db_.read([&](ConsentStore& s) { stored = s.policy_version_of(me.user_id); });
    if (stored) me.policy_version = *stored;
    if (auto refused = booking::require_consent(me, guide_.version)) co_return *refused;
    accounts_.forget(me.user_id);
    co_return me;
}

}  // namespace sh::app
