// Consent to the privacy guide: the domain's rules (booking/consent.hpp) against an in-memory
// store, and the guide's text as the server reads it (app/privacy.hpp).
#include <doctest/doctest.h>

#include <map>

#include "app/privacy.hpp"
#include "booking/consent.hpp"

using namespace sh::booking;

namespace {

const TimePoint t0 = TimePoint(std::chrono::seconds(1'800'000'000));

struct MemoryConsents final : ConsentStore {
    std::map<UserId, std::vector<Consent>> rows;  // newest first
    std::map<UserId, std::optional<int>> version;
    bool lock_user(UserId id) override { return id != 404; }
    std::vector<Consent> consents_of(UserId id) override { return rows[id]; }
    void add_consent(UserId id, const Consent& c) override { rows[id].insert(rows[id].begin(), c); }
    void withdraw_consents(UserId id, const std::vector<ConsentKind>& kinds,
                           TimePoint at) override {
        for (auto& c : rows[id])
            for (auto k : kinds)
                if (c.kind == k && !c.withdrawn_at) c.withdrawn_at = at;
    }
    void set_policy_version(UserId id, std::optional<int> v) override { version[id] = v; }
    std::optional<int> policy_version_of(UserId id) override { return version[id].value_or(0); }
};

Principal member(UserId id, int agreed = 0) {
    Principal p;
    p.user_id = id;
    p.policy_version = agreed;
    return p;
}

}  // namespace

TEST_CASE("a member who has not agreed to the current guide is refused with its version") {
    CHECK(require_consent(member(1, 0), 1)->code == Errc::consent_required);
    CHECK(require_consent(member(1, 0), 1)->details["policy_version"] == 1);
    CHECK(require_consent(member(1, 1), 2)->details["policy_version"] == 2);
    CHECK_FALSE(require_consent(member(1, 2), 2));
}

TEST_CASE("agreeing records the kind, the version and when; agreeing again adds nothing") {
    MemoryConsents s;
    auto r = give_consent(s, member(7), ConsentKind::policy, 1, 1, t0);
    REQUIRE(r);
    CHECK(s.rows[7].size() == 1);
    CHECK(s.version[7] == 1);
    CHECK(r.value().given_at == t0);
    REQUIRE(give_consent(s, member(7, 1), ConsentKind::policy, 1, 1, t0 + std::chrono::hours(1)));
    CHECK(s.rows[7].size() == 1);
    CHECK(s.rows[7][0].given_at == t0);  // the first agreement stands
}

TEST_CASE("nobody agrees to a version they were not shown") {
    MemoryConsents s;
    auto r = give_consent(s, member(7), ConsentKind::policy, 1, 2, t0);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::policy_changed);
    CHECK(r.error().details["policy_version"] == 2);
    CHECK(s.rows[7].empty());
}

TEST_CASE("a sensitive use is asked for apart from the guide, and only after it") {
    MemoryConsents s;
    CHECK(is_sensitive(ConsentKind::location));
    CHECK_FALSE(is_sensitive(ConsentKind::policy));
    auto early = give_consent(s, member(7), ConsentKind::location, 1, 1, t0);
    REQUIRE_FALSE(early);
    CHECK(early.error().code == Errc::consent_required);
    REQUIRE(give_consent(s, member(7), ConsentKind::policy, 1, 1, t0));
    REQUIRE(give_consent(s, member(7, 1), ConsentKind::location, 1, 1, t0));
    CHECK(s.rows[7].size() == 2);
    CHECK(live_consent(s.rows[7], ConsentKind::location));
}

TEST_CASE("a new version's agreement supersedes the old record, which is kept") {
    MemoryConsents s;
    REQUIRE(give_consent(s, member(7), ConsentKind::policy, 1, 1, t0));
    REQUIRE(give_consent(s, member(7, 1), ConsentKind::policy, 2, 2, t0 + std::chrono::hours(24)));
    REQUIRE(s.rows[7].size() == 2);
    CHECK(s.rows[7][0].policy_version == 2);
    CHECK_FALSE(s.rows[7][0].withdrawn_at);
    CHECK(s.rows[7][1].withdrawn_at);
    CHECK(s.version[7] == 2);
}

TEST_CASE("withdrawing the guide takes the sensitive uses with it; nothing live is not_found") {
    MemoryConsents s;
    REQUIRE(give_consent(s, member(7), ConsentKind::policy, 1, 1, t0));
    REQUIRE(give_consent(s, member(7, 1), ConsentKind::location, 1, 1, t0));
    CHECK(withdraw_consent(s, member(7, 1), ConsentKind::policy, t0));
    CHECK_FALSE(live_consent(s.rows[7], ConsentKind::policy));
    CHECK_FALSE(live_consent(s.rows[7], ConsentKind::location));
    CHECK(s.version[7] == std::nullopt);
    CHECK(withdraw_consent(s, member(7), ConsentKind::policy, t0).error().code == Errc::not_found);
    CHECK(withdraw_consent(s, member(404), ConsentKind::policy, t0).error().code ==
          Errc::unauthorized);
}

TEST_CASE("the built-in guide reads as a guide: a title, a version, dated sections of paragraphs") {
    auto g = sh::app::parse_guide(sh::app::built_in_guide());
    REQUIRE(g);
    CHECK(g->title == "共享空厅用户隐私保护指引");
    CHECK(g->version == 2);
    CHECK(g->updated == "2026年12月3日");
    REQUIRE(g->sections.size() >= 5);
    for (const auto& s : g->sections) CHECK(!s.paragraphs.empty());
    CHECK(g->sections[0].paragraphs[0].rfind("- ", 0) == std::string::npos);  // items unmarked
}

TEST_CASE("a text without a title or a whole version is not a guide") {
    CHECK_FALSE(sh::app::parse_guide("版本：1\n## 一\n- 段落"));
    CHECK_FALSE(sh::app::parse_guide("# 指引\n## 一\n- 段落"));
    CHECK_FALSE(sh::app::parse_guide("# 指引\n版本：1.5\n"));
    CHECK_FALSE(sh::app::parse_guide("# 指引\n版本：0\n"));
    auto g = sh::app::parse_guide("# 指引\r\n版本：3\r\n## 一\r\n第一段\r\n- 第二段\r\n");
    REQUIRE(g);
    CHECK(g->version == 3);
    CHECK(g->sections[0].paragraphs == std::vector<std::string>{"第一段", "第二段"});
}
