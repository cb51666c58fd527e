#include <doctest/doctest.h>

#include "booking/identity.hpp"
#include "common/utf8.hpp"

using namespace sh::booking;

namespace {
Principal member(UserId id = 10) {
    return Principal{id, Role::member, std::nullopt, {}};
}
Principal manager(std::set<BuildingId> b, UserId id = 11) {
    return Principal{id, Role::manager, std::nullopt, b};
}
Principal street_admin(StreetId s, UserId id = 12) {
    return Principal{id, Role::street_admin, s, {}};
}
Principal district_admin(UserId id = 13) {
    return Principal{id, Role::district_admin, std::nullopt, {}};
}

RoleRequest make_manager(std::set<BuildingId> b) {
    return RoleRequest{Role::manager, b, std::nullopt};
}
RoleRequest make_member() {
    return RoleRequest{Role::member, {}, std::nullopt};
}
RoleRequest make_street_admin(StreetId s) {
    return RoleRequest{Role::street_admin, {}, s};
}

// Street 1 has buildings 1 and 2; street 2 has building 3.
const std::set<BuildingId> street1 = {1, 2};

std::optional<Errc> decide(const Principal& actor, const Principal& target,
                           const RoleRequest& req) {
    auto e = authorize_role_change(actor, target, req,
                                   actor.street_id == 1 ? street1 : std::set<BuildingId>{3});
    if (!e) return std::nullopt;
    return e->code;
}
}  // namespace

TEST_CASE("a district admin may grant any role to anyone") {
    CHECK_FALSE(decide(district_admin(), member(), make_street_admin(2)));
    CHECK_FALSE(decide(district_admin(), street_admin(1), make_member()));
    CHECK_FALSE(decide(district_admin(), district_admin(99), make_member()));
}

TEST_CASE("a street admin makes and unmakes managers of its own street's buildings only") {
    CHECK_FALSE(decide(street_admin(1), member(), make_manager({1, 2})));
    CHECK_FALSE(decide(street_admin(1), manager({1}), make_member()));
    CHECK_FALSE(decide(street_admin(1), manager({1}), make_manager({2})));
    CHECK(decide(street_admin(1), member(), make_manager({1, 3})) == Errc::forbidden);
    CHECK(decide(street_admin(1), manager({3}), make_member()) == Errc::forbidden);
    CHECK(decide(street_admin(1), member(), make_street_admin(1)) == Errc::forbidden);
    CHECK(decide(street_admin(1), member(), RoleRequest{Role::district_admin, {}, std::nullopt}) ==
          Errc::forbidden);
}

TEST_CASE("a street admin can never change an admin") {
    CHECK(decide(street_admin(1), street_admin(2, 50), make_member()) == Errc::forbidden);
    CHECK(decide(street_admin(1), district_admin(), make_member()) == Errc::forbidden);
}

TEST_CASE("members and managers may not change roles") {
    CHECK(decide(member(), member(20), make_manager({1})) == Errc::forbidden);
    CHECK(decide(manager({1}), member(20), make_manager({1})) == Errc::forbidden);
}

TEST_CASE("a role request must carry exactly the scope its role needs") {
    CHECK_FALSE(validate_role_request(make_manager({1}), {1}, false));
    CHECK(validate_role_request(make_manager({}), {}, false)->details["field"] == "building_ids");
    CHECK(validate_role_request(make_manager({7}), {}, false)->details["field"] == "building_ids");
    CHECK(validate_role_request(make_street_admin(1), {}, false)->details["field"] == "street_id");
    CHECK_FALSE(validate_role_request(make_street_admin(1), {}, true));
    CHECK(validate_role_request(RoleRequest{Role::member, {1}, std::nullopt}, {1}, false)
              ->details["field"] == "building_ids");
    CHECK(validate_role_request(RoleRequest{Role::district_admin, {}, 1}, {}, true)
              ->details["field"] == "street_id");
}

TEST_CASE("roles have stable names") {
    for (Role r : {Role::member, Role::manager, Role::street_admin, Role::district_admin})
        CHECK(parse_role(role_name(r)) == r);
    CHECK_FALSE(parse_role("admin"));
}

TEST_CASE("profile names are counted in characters and must be real text") {
    CHECK_FALSE(validate_profile(std::string("张三"), std::string("新城大厦第一党支部")));
    CHECK_FALSE(validate_profile(std::string(50 * 3, 'x').substr(0, 50), std::nullopt));
    std::string fifty_han;
    for (int i = 0; i < 50; ++i) fifty_han += "汉";
    CHECK_FALSE(validate_profile(fifty_han, std::nullopt));
    CHECK(validate_profile(fifty_han + "汉", std::nullopt)->details["field"] == "name");
    CHECK(validate_profile(std::string("  "), std::nullopt)->details["field"] == "name");
    CHECK(validate_profile(std::string("a\nb"), std::nullopt)->details["field"] == "name");
    CHECK(validate_profile(std::string("\xff\xfe"), std::nullopt)->details["field"] == "name");
    CHECK(validate_profile(std::nullopt, std::string(101, 'o'))->details["field"] == "org");
    CHECK_FALSE(validate_profile(std::nullopt, std::string("")));
}

TEST_CASE("a text's length is its characters, and broken UTF-8 has no length") {
    CHECK(sh::utf8::length("abc") == 3u);
    CHECK(sh::utf8::length("江宁路") == 3u);
    CHECK(sh::utf8::length("😀") == 1u);
    CHECK_FALSE(sh::utf8::length("\xe6\xb1"));
    CHECK_FALSE(sh::utf8::length("\x80"));
}
