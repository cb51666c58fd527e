#include "booking/alliance.hpp"

#include <algorithm>

#include "booking/calendar.hpp"
#include "common/names.hpp"

namespace sh::booking {

namespace {

constexpr NameTable unit_kinds{
    std::pair{UnitKind::enterprise, std::string_view("enterprise")},
    std::pair{UnitKind::government, std::string_view("government")},
    std::pair{UnitKind::institution, std::string_view("institution")},
    std::pair{UnitKind::social_organisation, std::string_view("social_organisation")},
    std::pair{UnitKind::community, std::string_view("community")}};

constexpr NameTable membership_states{
    std::pair{MembershipState::pending, std::string_view("pending")},
    std::pair{MembershipState::confirmed, std::string_view("confirmed")},
    std::pair{MembershipState::refused, std::string_view("refused")}};

constexpr std::size_t max_units_of_branch = 20;

}  // namespace

std::string_view unit_kind_name(UnitKind k) {
    return unit_kinds.name(k);
}
std::optional<UnitKind> parse_unit_kind(std::string_view s) {
    return unit_kinds.parse(s);
}
std::string_view membership_state_name(MembershipState s) {
    return membership_states.name(s);
}
std::optional<MembershipState> parse_membership_state(std::string_view s) {
    return membership_states.parse(s);
}

nlohmann::json audit_record(const Unit& u) {
    return {{"name", u.name}, {"kind", unit_kind_name(u.kind)}, {"street_id", u.street_id}};
}
nlohmann::json audit_record(const Branch& b) {
    return {{"name", b.name}, {"street_id", b.street_id}, {"unit_ids", b.unit_ids}};
}
nlohmann::json audit_record(const std::optional<Membership>& m) {
    if (!m) return nullptr;
    return {{"branch_id", m->branch_id},
            {"unit_id", m->unit_id},
            {"state", membership_state_name(m->state)}};
}

Result<Unit> create_unit(AllianceStore& s, AuditLog& audit, const Principal& actor, Unit u) {
    if (!can_manage_street(actor, u.street_id))
        return make_error(Errc::forbidden, "Units are made by the street's administrators.");
    if (auto e = validate_text("name", u.name, 100, true)) return *e;
    u.id = s.insert_unit(u);
    audit.audit({actor.user_id, "create_unit", "unit", u.id, nullptr, audit_record(u)});
    return u;
}

Result<Branch> create_branch(AllianceStore& s, AuditLog& audit, const Principal& actor, Branch b) {
    if (!can_manage_street(actor, b.street_id))
        return make_error(Errc::forbidden, "Branches are made by the street's administrators.");
    if (auto e = validate_text("name", b.name, 100, true)) return *e;
    std::sort(b.unit_ids.begin(), b.unit_ids.end());
    b.unit_ids.erase(std::unique(b.unit_ids.begin(), b.unit_ids.end()), b.unit_ids.end());
    if (b.unit_ids.empty() || b.unit_ids.size() > max_units_of_branch)
        return invalid_field("unit_ids", "a branch belongs to 1 to 20 units");
    auto found = s.units_of({b.unit_ids.begin(), b.unit_ids.end()});
    if (found.size() != b.unit_ids.size()) return invalid_field("unit_ids", "no such unit");
    b.id = s.insert_branch(b);
    audit.audit({actor.user_id, "create_branch", "branch", b.id, nullptr, audit_record(b)});
    return b;
}

Result<BuildingScope> set_building_unit(AllianceStore& s, AuditLog& audit, const Principal& actor,
                                        BuildingId building, std::optional<UnitId> unit) {
    auto scope = s.find_building(building);
    if (!scope) return make_error(Errc::not_found, "No such building.");
    if (!can_manage_street(actor, scope->street_id))
        return make_error(Errc::forbidden,
                          "A building's unit is set by its street's administrators.");
    if (unit && !s.find_unit(*unit)) return invalid_field("unit_id", "no such unit");
    auto before = s.building_unit(building);
    if (before == unit) return *scope;
    s.set_building_unit(building, unit);
    auto as_json = [](std::optional<UnitId> u) {
        return nlohmann::json{{"unit_id", u ? nlohmann::json(*u) : nlohmann::json(nullptr)}};
    };
    audit.audit(
        {actor.user_id, "set_building_unit", "building", building, as_json(before), as_json(unit)});
    return *scope;
}

bool can_manage_branch(const Principal& p, const Branch& b) {
    return p.branch_ids.count(b.id) > 0 || can_manage_street(p, b.street_id);
}

Result<std::optional<Membership>> request_membership(AllianceStore& s, UserId self,
                                                     std::optional<BranchId> branch,
                                                     std::optional<UnitId> unit, TimePoint now) {
    auto before = s.membership(self);
    if (!branch) {
        if (unit) return invalid_field("unit_id", "a unit is chosen with a branch");
        if (before) s.set_membership(self, std::nullopt, std::nullopt);
        return std::optional<Membership>{};
    }
    auto b = s.find_branch(*branch);
    if (!b) return invalid_field("branch_id", "no such branch");
    if (!unit && b->joint())
        return invalid_field("unit_id", "a joint branch needs the unit you belong to");
    UnitId chosen = unit.value_or(b->unit_ids.front());
    if (std::find(b->unit_ids.begin(), b->unit_ids.end(), chosen) == b->unit_ids.end())
        return invalid_field("unit_id", "not a unit of this branch");
    // The same branch and unit again: nothing changes (a confirmed member stays confirmed).
    if (before && before->branch_id == *branch && before->unit_id == chosen &&
        before->state != MembershipState::refused)
        return before;
    Membership m{*branch, chosen, MembershipState::pending, now, std::nullopt};
    s.set_membership(self, m, std::nullopt);
    return std::optional<Membership>{m};
}

Result<Membership> decide_membership(AllianceStore& s, AuditLog& audit, const Principal& actor,
                                     BranchId branch, UserId member, bool confirm, TimePoint now) {
    auto b = s.find_branch(branch);
    if (!b || !can_manage_branch(actor, *b)) return make_error(Errc::not_found, "No such branch.");
    auto m = s.membership(member);
    if (!m || m->branch_id != branch)
        return make_error(Errc::not_found, "No request of this member for this branch.");
    if (m->state != MembershipState::pending)
        return make_error(Errc::invalid_state, "This request has already been decided.");
    auto before = m;
    m->state = confirm ? MembershipState::confirmed : MembershipState::refused;
    m->decided_at = now;
    s.set_membership(member, m, actor.user_id);
    audit.audit({actor.user_id, confirm ? "confirm_membership" : "refuse_membership", "user",
                 member, audit_record(before), audit_record(m)});
    return *m;
}

Result<std::vector<MemberEntry>> branch_members(AllianceStore& s, const Principal& actor,
                                                BranchId branch, MembershipState state) {
    auto b = s.find_branch(branch);
    if (!b || !can_manage_branch(actor, *b)) return make_error(Errc::not_found, "No such branch.");
    return s.members(branch, state);
}

Result<std::vector<ReviewEntry>> review_list(AllianceStore& s, const Principal& actor,
                                             std::optional<StreetId> street) {
    if (actor.role == Role::street_admin && actor.street_id && !street) street = actor.street_id;
    if (actor.role != Role::district_admin && !(street && can_manage_street(actor, *street)))
        return make_error(Errc::forbidden, "The review list is the street administrators'.");
    return s.review_list(street);
}

std::optional<AppError> authorize_invitation(const Principal& actor, const RoleRequest& req,
                                             const std::set<BuildingId>& street_buildings_of_actor,
                                             const std::set<BranchId>& street_branches_of_actor) {
    // A secretary invites co-secretaries of their own branches, and nothing else.
    bool secretary_only = req.role == Role::member && req.branch_ids && !req.branch_ids->empty();
    if (secretary_only && std::all_of(req.branch_ids->begin(), req.branch_ids->end(),
                                      [&](BranchId b) { return actor.branch_ids.count(b) > 0; }))
        return std::nullopt;
    if (req.role == Role::member && (!req.branch_ids || req.branch_ids->empty()))
        return invalid_field("role", "an invitation grants a role or a branch to lead");
    Principal newcomer;
    return authorize_role_change(actor, newcomer, req, street_buildings_of_actor,
                                 street_branches_of_actor);
}

}  // namespace sh::booking
