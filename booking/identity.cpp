#include "booking/identity.hpp"
#include "common/names.hpp"
#include "common/utf8.hpp"

#include <algorithm>
#include <iterator>

namespace sh::booking {

namespace {
constexpr NameTable roles{std::pair{Role::member, std::string_view("member")},
                          std::pair{Role::manager, std::string_view("manager")},
                          std::pair{Role::street_admin, std::string_view("street_admin")},
                          std::pair{Role::district_admin, std::string_view("district_admin")}};
}  // namespace

std::string_view role_name(Role r) {
    return roles.name(r);
}
std::optional<Role> parse_role(std::string_view s) {
    return roles.parse(s);
}

std::optional<AppError> validate_role_request(const RoleRequest& req,
                                              const std::set<BuildingId>& existing_buildings,
                                              bool street_exists,
                                              const std::set<BranchId>& existing_branches) {
    if (req.branch_ids)
        for (auto b : *req.branch_ids)
            if (!existing_branches.count(b))
                return make_error(Errc::validation, "no such branch",
                                  {{"field", "branch_ids"}, {"branch_id", b}});
    switch (req.role) {
        case Role::manager:
            if (req.building_ids.empty())
                return invalid_field("building_ids", "a manager needs at least one building");
            for (auto b : req.building_ids)
                if (!existing_buildings.count(b))
                    return make_error(Errc::validation, "no such building",
                                      {{"field", "building_ids"}, {"building_id", b}});
            if (req.street_id)
                return invalid_field("street_id", "only a street_admin has a street");
            return std::nullopt;
        case Role::street_admin:
            if (!req.street_id) return invalid_field("street_id", "a street_admin needs a street");
            if (!street_exists) return invalid_field("street_id", "no such street");
            if (!req.building_ids.empty())
                return invalid_field("building_ids", "only a manager has buildings");
            return std::nullopt;
        case Role::member:
        case Role::district_admin:
            if (!req.building_ids.empty())
                return invalid_field("building_ids", "only a manager has buildings");
            if (req.street_id)
                return invalid_field("street_id", "only a street_admin has a street");
            return std::nullopt;
    }
    return invalid_field("role", "unknown role");
}

namespace {

// Whether the role part of `req` (role, buildings, street) is what `p` holds.
bool same_role(const Principal& p, const RoleRequest& req) {
    if (p.role != req.role) return false;
    switch (req.role) {
        case Role::manager: return p.building_ids == req.building_ids;
        case Role::street_admin: return p.street_id == req.street_id;
        case Role::member:
        case Role::district_admin: return true;
    }
    return false;
}

template <class Set>
bool all_in(const Set& xs, const Set& allowed) {
    return std::all_of(xs.begin(), xs.end(), [&](auto x) { return allowed.count(x) > 0; });
}

}  // namespace

std::optional<AppError> authorize_role_change(const Principal& actor, const Principal& target,
                                              const RoleRequest& req,
                                              const std::set<BuildingId>& street_buildings_of_actor,
                                              const std::set<BranchId>& street_branches_of_actor) {
    if (actor.role == Role::district_admin) return std::nullopt;
    if (actor.role != Role::street_admin || !actor.street_id)
        return make_error(Errc::forbidden, "Only administrators may change roles.");
    // The secretaries' part: every branch gained or lost is of this street.
    if (req.branch_ids) {
        std::set<BranchId> changed;
        std::set_symmetric_difference(target.branch_ids.begin(), target.branch_ids.end(),
                                      req.branch_ids->begin(), req.branch_ids->end(),
                                      std::inserter(changed, changed.end()));
        if (!all_in(changed, street_branches_of_actor))
            return make_error(Errc::forbidden, "These branches are not in your street.");
    }
    if (same_role(target, req)) return std::nullopt;

    auto in_street = [&](const std::set<BuildingId>& bs) {
        return all_in(bs, street_buildings_of_actor);
    };
    // The target as it is: a member, or a manager of buildings of this street only.
    bool target_ok = target.role == Role::member ||
                     (target.role == Role::manager && in_street(target.building_ids));
    if (target.role == Role::street_admin || target.role == Role::district_admin)
        return make_error(Errc::forbidden,
                          "A street administrator cannot change an administrator.");
    if (!target_ok)
        return make_error(Errc::forbidden, "This user manages buildings of another street.");
    // The target as it will be.
    if (req.role == Role::member) return std::nullopt;
    if (req.role == Role::manager && in_street(req.building_ids)) return std::nullopt;
    if (req.role == Role::manager)
        return make_error(Errc::forbidden, "These buildings are not in your street.");
    return make_error(Errc::forbidden, "A street administrator can only make managers.");
}

bool can_manage_building(const Principal& p, BuildingId building, StreetId street_of_building) {
    switch (p.role) {
        case Role::district_admin: return true;
        case Role::street_admin: return p.street_id && *p.street_id == street_of_building;
        case Role::manager: return p.building_ids.count(building) > 0;
        case Role::member: return false;
    }
    return false;
}

bool can_manage_street(const Principal& p, StreetId street) {
    if (p.role == Role::district_admin) return true;
    return p.role == Role::street_admin && p.street_id && *p.street_id == street;
}

std::optional<AppError> validate_text(const std::string& field, const std::string& v,
                                      std::size_t max_chars, bool required) {
    auto len = utf8::length(v);
    if (!len) return invalid_field(field, "must be valid UTF-8 text");
    if (required && v.find_first_not_of(" \t") == std::string::npos)
        return invalid_field(field, "must not be empty");
    if (*len > max_chars)
        return invalid_field(field, "must be at most " + std::to_string(max_chars) + " characters");
    for (char ch : v)
        if (static_cast<unsigned char>(ch) < 0x20)
            return invalid_field(field, "must not contain control characters");
    return std::nullopt;
}

std::optional<AppError> validate_profile(const std::optional<std::string>& name,
                                         const std::optional<std::string>& org) {
    if (name)
        if (auto e = validate_text("name", *name, 50, true)) return e;
    if (org)
        if (auto e = validate_text("org", *org, 100, false)) return e;
    return std::nullopt;
}

int rank_over(const Principal& p, BuildingId building, StreetId street_of_building) {
    if (!can_manage_building(p, building, street_of_building)) return 0;
    switch (p.role) {
        case Role::manager: return 1;
        case Role::street_admin: return 2;
        case Role::district_admin: return 3;
        case Role::member: return 0;
    }
    return 0;
}

std::optional<AppError> authorize_decision(const Principal& decider, const Principal& booker,
                                           BuildingId building, StreetId street_of_building) {
    if (decider.user_id == booker.user_id)
        return make_error(Errc::self_approval,
                          "Your own request is decided by another manager or administrator.");
    int mine = rank_over(decider, building, street_of_building);
    if (mine == 0)
        return make_error(Errc::forbidden, "Only the hall's managers decide on bookings.");
    if (mine < rank_over(booker, building, street_of_building))
        return make_error(
            Errc::forbidden,
            "A request by an administrator is decided by an administrator above the hall.");
    return std::nullopt;
}

bool holds_role(const Principal& p, const RoleRequest& req) {
    return same_role(p, req) && (!req.branch_ids || *req.branch_ids == p.branch_ids);
}

bool may_see_phone(const Principal& viewer, UserId subject) {
    return viewer.user_id == subject;
}

}  // namespace sh::booking
