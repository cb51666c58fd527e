#pragma once
// The alliance (党建联盟): units (单位) that provide buildings and whose people book halls, party
// branches (党支部) that belong to one unit or, joint (联合党支部), to several, the membership a
// rule can trust (asked by the member, confirmed by the branch's secretary or the street's
// admins), and invitations into roles without numeric ids. Pure: the storage is an AllianceStore,
// every decision is made here.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "booking/audit.hpp"
#include "booking/clock.hpp"
#include "booking/errors.hpp"
#include "booking/identity.hpp"

namespace sh::booking {

enum class UnitKind { enterprise, government, institution, social_organisation, community };
std::string_view unit_kind_name(UnitKind k);
std::optional<UnitKind> parse_unit_kind(std::string_view s);

struct Unit {
    UnitId id = 0;
    StreetId street_id = 0;
    std::string name;
    UnitKind kind = UnitKind::enterprise;
};

struct Branch {
    BranchId id = 0;
    StreetId street_id = 0;  // the street whose office manages it
    std::string name;
    std::vector<UnitId> unit_ids;  // one, or several for a joint branch
    bool joint() const { return unit_ids.size() > 1; }
};

// A search of units or branches: by street, by unit (branches), by a part of the name.
struct AllianceQuery {
    std::optional<StreetId> street_id;
    std::optional<UnitId> unit_id;
    std::string text;
    int limit = 50;
};

// A member asking to join a branch, as its secretary sees them (no phone: docs/architecture.md).
struct MemberEntry {
    UserId user_id = 0;
    std::string name;
    UnitId unit_id = 0;
    MembershipState state = MembershipState::pending;
    TimePoint requested_at;
};

// A one-time code that makes whoever takes it hold a role; only the code's SHA-256 is stored.
struct Invitation {
    std::uint64_t id = 0;
    RoleRequest role;
    UserId created_by = 0;
    TimePoint created_at, expires_at;
    std::optional<UserId> taken_by;
    std::string taker_name;  // as the inviter's list shows who took it
    std::optional<TimePoint> taken_at;
};

// A branch name the mapping command could not place (sharedhall map-orgs), for its street.
struct ReviewEntry {
    StreetId street_id = 0;
    std::string org;
    std::string reason;  // unmatched | ambiguous | joint
    int users = 0, bookings = 0;
};

class AllianceStore {
  public:
    virtual ~AllianceStore() = default;
    virtual UnitId insert_unit(const Unit& u) = 0;
    virtual std::optional<Unit> find_unit(UnitId id) = 0;
    virtual std::vector<Unit> units(const AllianceQuery& q) = 0;
    // The units of these ids that exist.
    virtual std::vector<Unit> units_of(const std::set<UnitId>& ids) = 0;
    virtual BranchId insert_branch(const Branch& b) = 0;
    virtual std::optional<Branch> find_branch(BranchId id) = 0;
    virtual std::vector<Branch> branches(const AllianceQuery& q) = 0;
    virtual std::optional<BuildingScope> find_building(BuildingId id) = 0;
    virtual std::optional<UnitId> building_unit(BuildingId id) = 0;
    virtual void set_building_unit(BuildingId id, std::optional<UnitId> unit) = 0;
    // The user's membership (nullopt: none asked).
    virtual std::optional<Membership> membership(UserId user) = 0;
    virtual void set_membership(UserId user, const std::optional<Membership>& m,
                                std::optional<UserId> decided_by) = 0;
    // The branch's members in one state, oldest request first.
    virtual std::vector<MemberEntry> members(BranchId branch, MembershipState state) = 0;
    virtual std::uint64_t insert_invitation(const Invitation& inv,
                                            const std::string& code_hash) = 0;
    // Locked (FOR UPDATE): two takers of one code are serialised on its row.
    virtual std::optional<Invitation> find_invitation(const std::string& code_hash) = 0;
    virtual void take_invitation(std::uint64_t id, UserId user, TimePoint now) = 0;
    // The review list of one street, or of every street; most people first.
    virtual std::vector<ReviewEntry> review_list(std::optional<StreetId> street) = 0;
    // The invitations a user made, newest first.
    virtual std::vector<Invitation> invitations_by(UserId user, int limit) = 0;
};

// What an audit entry keeps.
nlohmann::json audit_record(const Unit& u);
nlohmann::json audit_record(const Branch& b);
nlohmann::json audit_record(const std::optional<Membership>& m);

// Units and branches are the street's: its admins and the district's make them (forbidden),
// with a name of 1-100 characters (validation); a branch names 1-20 existing units.
Result<Unit> create_unit(AllianceStore& s, AuditLog& audit, const Principal& actor, Unit u);
Result<Branch> create_branch(AllianceStore& s, AuditLog& audit, const Principal& actor, Branch b);
// The unit that provides a building (nullopt: 未归属). The building's street admins and the
// district's.
Result<BuildingScope> set_building_unit(AllianceStore& s, AuditLog& audit, const Principal& actor,
                                        BuildingId building, std::optional<UnitId> unit);

// May `p` decide on memberships of this branch? Its secretaries, its street's admins, the
// district's admins.
bool can_manage_branch(const Principal& p, const Branch& b);

// A member asks to join a branch (and, for a joint branch, names their unit): the membership is
// pending until decided; asking again for the same branch and unit changes nothing; leaving is
// asking for none. The caller holds the member's row lock.
Result<std::optional<Membership>> request_membership(AllianceStore& s, UserId self,
                                                     std::optional<BranchId> branch,
                                                     std::optional<UnitId> unit, TimePoint now);
// The branch's secretary or an admin above it confirms or refuses a pending request. not_found
// for a branch the actor cannot see as theirs to manage or a member with no request there;
// invalid_state unless pending.
Result<Membership> decide_membership(AllianceStore& s, AuditLog& audit, const Principal& actor,
                                     BranchId branch, UserId member, bool confirm, TimePoint now);
Result<std::vector<MemberEntry>> branch_members(AllianceStore& s, const Principal& actor,
                                                BranchId branch, MembershipState state);

// The names to review: a street admin's street, a district admin's (any street, or all);
// forbidden for everyone else.
Result<std::vector<ReviewEntry>> review_list(AllianceStore& s, const Principal& actor,
                                             std::optional<StreetId> street);

// Who may invite into what: what the actor may grant a new member by PUT /users/{id}/role, and a
// branch's secretary may invite co-secretaries of their own branches.
std::optional<AppError> authorize_invitation(const Principal& actor, const RoleRequest& req,
                                             const std::set<BuildingId>& street_buildings_of_actor,
                                             const std::set<BranchId>& street_branches_of_actor);

constexpr int max_invitation_days = 14;

}  // namespace sh::booking
