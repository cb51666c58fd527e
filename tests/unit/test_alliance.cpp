// Units, branches, memberships and invitations: the domain's rules against an in-memory store.
#include <doctest/doctest.h>

#include "booking/accounts.hpp"
#include "booking/branch_names.hpp"
#include "tests/support/memory_accounts.hpp"

using namespace sh::booking;

namespace {

using MemoryStore = sh::test::MemoryAccountStore;
const TimePoint now = TimePoint(std::chrono::seconds(1'800'000'000));

struct Alliance {
    MemoryStore s;
    UserId district = 0, street1 = 0, street2 = 0, member = 0;
    BranchId single = 0, joint = 0;
    UnitId company = 0, office = 0;

    Alliance() {
        district = s.upsert_by_openid("d", std::nullopt);
        s.set_role(district, {Role::district_admin, {}, std::nullopt, std::nullopt});
        street1 = s.upsert_by_openid("s1", std::nullopt);
        s.set_role(street1, {Role::street_admin, {}, StreetId{1}, std::nullopt});
        street2 = s.upsert_by_openid("s2", std::nullopt);
        s.set_role(street2, {Role::street_admin, {}, StreetId{2}, std::nullopt});
        member = s.upsert_by_openid("m", std::nullopt);
        company =
            create_unit(s, s, me(street1), {0, 1, "冠生园金融园", UnitKind::enterprise}).value().id;
        office = create_unit(s, s, me(street1), {0, 1, "江宁路街道办事处", UnitKind::government})
                     .value()
                     .id;
        single = create_branch(s, s, me(street1), {0, 1, "冠生园党支部", {company}}).value().id;
        joint = create_branch(s, s, me(street1), {0, 1, "楼宇联合党支部", {company, office}})
                    .value()
                    .id;
    }
    Principal me(UserId id) { return s.users[id].principal; }
};

}  // namespace

TEST_CASE("units and branches are made by the street's own admins and the district's") {
    Alliance a;
    auto other = create_unit(a.s, a.s, a.me(a.street2), {0, 1, "别人的单位", UnitKind::community});
    REQUIRE_FALSE(other.ok());
    CHECK(other.error().code == Errc::forbidden);
    auto by_member = create_branch(a.s, a.s, a.me(a.member), {0, 1, "自建支部", {a.company}});
    CHECK(by_member.error().code == Errc::forbidden);
    auto no_unit = create_branch(a.s, a.s, a.me(a.district), {0, 1, "无单位支部", {}});
    CHECK(no_unit.error().details["field"] == "unit_ids");
    auto missing = create_branch(a.s, a.s, a.me(a.district), {0, 1, "虚构支部", {99}});
    CHECK(missing.error().details["field"] == "unit_ids");
    CHECK(a.s.find_branch(a.joint)->joint());
}

TEST_CASE("a member's request is pending until the branch's secretary confirms it") {
    Alliance a;
    auto asked = request_membership(a.s, a.member, a.single, std::nullopt, now);
    REQUIRE(asked.ok());
    CHECK(asked.value()->state == MembershipState::pending);
    CHECK(asked.value()->unit_id == a.company);  // the branch's only unit

    // A secretary of the branch (no other role) decides; a street admin of another street may not
    // even see the request.
    auto secretary = a.s.upsert_by_openid("sec", std::nullopt);
    a.s.set_role(secretary, {Role::member, {}, std::nullopt, std::set<BranchId>{a.single}});
    auto stranger = decide_membership(a.s, a.s, a.me(a.street2), a.single, a.member, true, now);
    CHECK(stranger.error().code == Errc::not_found);
    auto self = decide_membership(a.s, a.s, a.me(a.member), a.single, a.member, true, now);
    CHECK(self.error().code == Errc::not_found);
    auto ok = decide_membership(a.s, a.s, a.me(secretary), a.single, a.member, true, now);
    REQUIRE(ok.ok());
    CHECK(a.s.membership(a.member)->state == MembershipState::confirmed);
    // Decided once: deciding again is a state conflict, and asking again changes nothing.
    auto again = decide_membership(a.s, a.s, a.me(secretary), a.single, a.member, false, now);
    CHECK(again.error().code == Errc::invalid_state);
    request_membership(a.s, a.member, a.single, std::nullopt, now);
    CHECK(a.s.membership(a.member)->state == MembershipState::confirmed);
}

TEST_CASE("a joint branch's member names their unit, one of the branch's") {
    Alliance a;
    auto unnamed = request_membership(a.s, a.member, a.joint, std::nullopt, now);
    CHECK(unnamed.error().details["field"] == "unit_id");
    auto foreign = create_unit(a.s, a.s, a.me(a.street1), {0, 1, "外单位", UnitKind::institution});
    auto wrong = request_membership(a.s, a.member, a.joint, foreign.value().id, now);
    CHECK(wrong.error().details["field"] == "unit_id");
    auto ok = request_membership(a.s, a.member, a.joint, a.office, now);
    REQUIRE(ok.ok());
    CHECK(ok.value()->unit_id == a.office);
}

TEST_CASE("a refused member may ask again, and leaving clears the branch") {
    Alliance a;
    request_membership(a.s, a.member, a.single, std::nullopt, now);
    REQUIRE(decide_membership(a.s, a.s, a.me(a.street1), a.single, a.member, false, now).ok());
    CHECK(a.s.membership(a.member)->state == MembershipState::refused);
    request_membership(a.s, a.member, a.single, std::nullopt, now);
    CHECK(a.s.membership(a.member)->state == MembershipState::pending);
    request_membership(a.s, a.member, std::nullopt, std::nullopt, now);
    CHECK_FALSE(a.s.membership(a.member));
}

TEST_CASE("an invitation is taken once, before it expires, and adds to what the taker holds") {
    Alliance a;
    RoleRequest manager{Role::manager, {1}, std::nullopt, std::nullopt};
    auto inv = create_invitation(a.s, a.me(a.street1), manager, 3, "hash-1", now);
    REQUIRE(inv.ok());
    CHECK(inv.value().expires_at == now + std::chrono::hours(72));
    // A street admin cannot invite into another street's building; a member cannot invite.
    RoleRequest elsewhere{Role::manager, {3}, std::nullopt, std::nullopt};
    CHECK(create_invitation(a.s, a.me(a.street1), elsewhere, 3, "h", now).error().code ==
          Errc::forbidden);
    CHECK(create_invitation(a.s, a.me(a.member), manager, 3, "h", now).error().code ==
          Errc::forbidden);
    CHECK(create_invitation(a.s, a.me(a.street1), manager, 15, "h", now).error().details["field"] ==
          "days");

    auto taken = accept_invitation(a.s, a.member, "hash-1", now);
    REQUIRE(taken.ok());
    CHECK(taken.value().principal.role == Role::manager);
    CHECK(taken.value().principal.building_ids == std::set<BuildingId>{1});
    auto second = a.s.upsert_by_openid("second", std::nullopt);
    CHECK(accept_invitation(a.s, second, "hash-1", now).error().code == Errc::invitation_used);
    CHECK(accept_invitation(a.s, second, "no-such", now).error().code == Errc::not_found);

    REQUIRE(create_invitation(a.s, a.me(a.street1), manager, 1, "hash-2", now).ok());
    CHECK(accept_invitation(a.s, second, "hash-2", now + std::chrono::hours(24)).error().code ==
          Errc::invitation_expired);
}

TEST_CASE("a branch's secretary invites co-secretaries of their own branch only") {
    Alliance a;
    auto secretary = a.s.upsert_by_openid("sec", std::nullopt);
    a.s.set_role(secretary, {Role::member, {}, std::nullopt, std::set<BranchId>{a.single}});
    RoleRequest own{Role::member, {}, std::nullopt, std::set<BranchId>{a.single}};
    RoleRequest other{Role::member, {}, std::nullopt, std::set<BranchId>{a.joint}};
    REQUIRE(create_invitation(a.s, a.me(secretary), own, 7, "co", now).ok());
    CHECK(create_invitation(a.s, a.me(secretary), other, 7, "x", now).error().code ==
          Errc::forbidden);
    // A manager who takes it stays a manager and becomes a secretary too.
    a.s.set_role(a.member, {Role::manager, {1}, std::nullopt, std::nullopt});
    auto taken = accept_invitation(a.s, a.member, "co", now);
    REQUIRE(taken.ok());
    CHECK(taken.value().principal.role == Role::manager);
    CHECK(taken.value().principal.branch_ids == std::set<BranchId>{a.single});
}

TEST_CASE("old branch names match their branch across spellings, and only one branch") {
    std::vector<Branch> branches{{1, 1, "第一党支部", {1}},
                                 {2, 1, "上海冠生园食品有限公司党支部", {1}},
                                 {3, 1, "新城大厦联合党支部", {1, 2}},
                                 {4, 1, "机关党总支", {3}},
                                 {5, 1, "第十二党支部", {3}},
                                 {6, 1, "ABC科技党支部", {4}},
                                 {7, 1, "二支部", {4}}};
    struct Case {
        const char* typed;
        Match how;
        BranchId branch;
    };
    const Case cases[] = {
        {"第一党支部", Match::exact, 1},
        {"第1党支部", Match::normalised, 1},
        {"第一支部", Match::normalised, 1},
        {"一支部", Match::normalised, 1},
        {" 第 一 党支部 ", Match::normalised, 1},
        {"第１党支部", Match::normalised, 1},  // full-width digit
        {"上海冠生园食品有限公司支部", Match::normalised, 2},
        {"中共上海冠生园食品有限公司支部委员会", Match::normalised, 2},
        {"新城大厦联合党支部", Match::exact, 3},
        {"机关党支部", Match::normalised, 4},
        {"机关总支", Match::normalised, 4},
        {"第12党支部", Match::normalised, 5},
        {"十二支部", Match::normalised, 5},
        {"ＡＢＣ科技党支部", Match::normalised, 6},
        {"abc科技支部", Match::normalised, 6},
        {"第二党支部", Match::normalised, 7},
        {"第三党支部", Match::none, 0},
        {"党支部", Match::none, 0},
        {"", Match::none, 0},
    };
    for (const auto& c : cases) {
        CAPTURE(c.typed);
        auto m = match_branch(c.typed, branches);
        CHECK(m.how == c.how);
        CHECK((m.branch ? m.branch->id : 0) == c.branch);
    }
    // Two branches with one normalised name: nobody guesses.
    branches.push_back({8, 1, "第1支部", {5}});
    CHECK(match_branch("第一党支部", branches).how == Match::exact);
    CHECK(match_branch("一支部", branches).how == Match::ambiguous);
    CHECK(normalise_branch_name("第一百零五党支部") == "105");
    CHECK(normalise_branch_name("三〇二支部") == "302");
}
