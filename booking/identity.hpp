#pragma once
// Who is asking and what they may do. Pure: every authorization decision about users and roles
// is made here, deny by default, with the object in hand.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "booking/clock.hpp"
#include "booking/errors.hpp"

namespace sh::booking {

using UserId = std::uint64_t;
using BuildingId = std::uint64_t;
using StreetId = std::uint64_t;
using BookingId = std::uint64_t;
using UnitId = std::uint64_t;
using BranchId = std::uint64_t;

enum class Role { member, manager, street_admin, district_admin };

std::string_view role_name(Role r);
std::optional<Role> parse_role(std::string_view s);

// The signed-in user with their powers. Every user books as a member; a role adds powers
// within its scope.
struct Principal {
    UserId user_id = 0;
    Role role = Role::member;
    std::optional<StreetId> street_id;  // street_admin: its street
    std::set<BuildingId> building_ids;  // manager: the buildings it manages
    std::set<BranchId> branch_ids;      // any role: the branches it is secretary of
    std::string openid;                 // for WeChat calls on the user's behalf (content check)
    // The member's branch and unit as asked (confirmed or not): what a booking records of them.
    std::optional<BranchId> branch_id;
    std::optional<UnitId> unit_id;
    bool branch_confirmed = false;
    std::optional<StreetId> branch_street_id;  // the street of that branch
    // The privacy guide's version the member agreed to (0: none, or withdrawn):
    // booking/consent.hpp.
    int policy_version = 0;
};

// A violation as its member sees it (GET /me).
struct ViolationView {
    std::uint64_t id = 0;
    std::uint64_t booking_id = 0;
    std::string kind;  // no_show | late_cancel
    int weight_milli = 0;
    TimePoint at;
    bool waived = false;
    std::string appeal;         // "" none, pending, waived or kept
    std::string appeal_note;    // the admin's word on the decision
    std::string appeal_reason;  // the member's own words (their copy of their data)
};

enum class MembershipState { pending, confirmed, refused };
std::string_view membership_state_name(MembershipState s);
std::optional<MembershipState> parse_membership_state(std::string_view s);

// A member's branch as they asked for it: the unit within it (the branch's only unit, or the one
// they chose of a joint branch's) and how the branch answered.
struct Membership {
    BranchId branch_id = 0;
    UnitId unit_id = 0;
    MembershipState state = MembershipState::pending;
    TimePoint requested_at;
    std::optional<TimePoint> decided_at;
};

struct User {
    UserId id = 0;
    std::string openid;
    std::string name;
    std::string org;  // party branch (党支部)
    std::optional<std::string> phone;
    Principal principal;
    std::optional<Membership> membership;
    std::optional<TimePoint> banned_until;
    std::vector<ViolationView> violations;  // of the last 90 days, newest first
};

// A building and the street it belongs to: enough to decide a scope question.
struct BuildingScope {
    BuildingId id;
    StreetId street_id;
};

struct RoleRequest {
    Role role = Role::member;
    std::set<BuildingId> building_ids;  // for manager
    std::optional<StreetId> street_id;  // for street_admin
    // The branches to be secretary of, whatever the role; nullopt: as they are.
    std::optional<std::set<BranchId>> branch_ids;
};

// Checks that a role request is well-formed against the buildings it names (already looked up;
// a missing building is `validation`). Does not decide who may grant it.
std::optional<AppError> validate_role_request(const RoleRequest& req,
                                              const std::set<BuildingId>& existing_buildings,
                                              bool street_exists,
                                              const std::set<BranchId>& existing_branches = {});

// May `actor` change `target`'s role from what it is to `req`? district_admin: anything.
// street_admin: only make or unmake managers of its own street's buildings and secretaries of its
// own street's branches, never touch an admin's role. Everyone else: no.
std::optional<AppError> authorize_role_change(
    const Principal& actor, const Principal& target, const RoleRequest& req,
    const std::set<BuildingId>& street_buildings_of_actor,
    const std::set<BranchId>& street_branches_of_actor = {});

// Whether `p` already is what `req` asks (the same role over the same scope): a no-op.
bool holds_role(const Principal& p, const RoleRequest& req);

// Who may see a person's phone number: the person themself, nobody else. Managers and admins
// reach a member through the booking (name, branch, subscribe messages); no answer of this API
// carries another person's phone (docs/architecture.md, Who sees what). The one rule every
// rendering asks.
bool may_see_phone(const Principal& viewer, UserId subject);

// May the principal manage this building's halls (publish, edit, close, approve)? The building's
// managers, the street admin of its street, and district admins.
bool can_manage_building(const Principal& p, BuildingId building, StreetId street_of_building);
// How far a principal's powers reach over a building: 0 not at all (a member there), 1 one of its
// managers, 2 an admin of its street, 3 a district admin.
int rank_over(const Principal& p, BuildingId building, StreetId street_of_building);
// Nobody decides for themselves. May `decider` approve or reject a request `booker` made for a
// hall of this building, or waive the booker's violation there? The booker never
// (self_approval); otherwise only someone who manages the building and stands at least as high
// over it as the booker: a manager's request goes to the building's other managers and the
// street's admins, a street admin's to the street's other admins and the district's, a district
// admin's to another district admin (forbidden below that). With nobody else in scope a request
// stays pending.
std::optional<AppError> authorize_decision(const Principal& decider, const Principal& booker,
                                           BuildingId building, StreetId street_of_building);

// May the principal create buildings in this street? Its street admin and district admins.
bool can_manage_street(const Principal& p, StreetId street);

// A person-written text field: valid UTF-8, at most `max_chars` characters, no control
// characters, and (when `required`) not blank. The error names the field.
std::optional<AppError> validate_text(const std::string& field, const std::string& v,
                                      std::size_t max_chars, bool required);

// Profile fields: trimmed, non-empty name ≤ 50 characters, org ≤ 100 (counted in characters,
// not bytes). Returns the error naming the field.
std::optional<AppError> validate_profile(const std::optional<std::string>& name,
                                         const std::optional<std::string>& org);

}  // namespace sh::booking
