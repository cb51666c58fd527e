// MysqlUserStore's alliance: units, branches, memberships and invitations (booking::AllianceStore).
#include <memory>

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "server/mysql/sql_time.hpp"
#include "server/mysql/user_store.hpp"

namespace sh::mysql {

using namespace booking;
using Rs = std::unique_ptr<sql::ResultSet>;

namespace {

void set_optional_id(sql::PreparedStatement& q, unsigned int column,
                     std::optional<std::uint64_t> id) {
    if (id)
        q.setUInt64(column, *id);
    else
        q.setNull(column, sql::DataType::BIGINT);
}

std::set<std::uint64_t> parse_ids(const std::string& list) {
    std::set<std::uint64_t> out;
    std::size_t at = 0;
    while (at < list.size()) {
        auto comma = list.find(',', at);
        if (comma == std::string::npos) comma = list.size();
        if (comma > at) out.insert(std::stoull(list.substr(at, comma - at)));
        at = comma + 1;
    }
    return out;
}

// A LIKE pattern matching `text` anywhere, its wildcards taken literally.
std::string contains(const std::string& text) {
    std::string out = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    return out + "%";
}

Unit read_unit(sql::ResultSet& rs) {
    Unit u;
    u.id = rs.getUInt64(1);
    u.street_id = rs.getUInt64(2);
    u.name = rs.getString(3);
    u.kind = parse_unit_kind(std::string(rs.getString(4))).value_or(UnitKind::enterprise);
    return u;
}

}  // namespace

UnitId MysqlUserStore::insert_unit(const Unit& u) {
    auto& q = c_.prepare("INSERT INTO units (street_id, name, kind) VALUES (?, ?, ?)");
    q.setUInt64(1, u.street_id);
    q.setString(2, u.name);
    q.setString(3, std::string(unit_kind_name(u.kind)));
    q.executeUpdate();
    return c_.last_insert_id();
}

std::optional<Unit> MysqlUserStore::find_unit(UnitId id) {
    auto found = units_of({id});
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::vector<Unit> MysqlUserStore::units_of(const std::set<UnitId>& ids) {
    auto& q = c_.prepare(
        "SELECT id, street_id, name, kind FROM units WHERE FIND_IN_SET(id, ?) > 0 ORDER BY id");
    q.setString(1, id_list(ids));
    Rs rs(q.executeQuery());
    std::vector<Unit> out;
    while (rs->next()) out.push_back(read_unit(*rs));
    return out;
}

std::vector<Unit> MysqlUserStore::units(const AllianceQuery& aq) {
    auto& q = c_.prepare(
        "SELECT id, street_id, name, kind FROM units WHERE (? IS NULL OR street_id = ?) "
        "AND name LIKE ? ORDER BY street_id, name LIMIT ?");
    set_optional_id(q, 1, aq.street_id);
    set_optional_id(q, 2, aq.street_id);
    q.setString(3, contains(aq.text));
    q.setInt(4, aq.limit);
    Rs rs(q.executeQuery());
    std::vector<Unit> out;
    while (rs->next()) out.push_back(read_unit(*rs));
    return out;
}

BranchId MysqlUserStore::insert_branch(const Branch& b) {
    auto& q = c_.prepare("INSERT INTO branches (street_id, name) VALUES (?, ?)");
    q.setUInt64(1, b.street_id);
    q.setString(2, b.name);
    q.executeUpdate();
    auto id = c_.last_insert_id();
    auto& u = c_.prepare("INSERT INTO branch_units (branch_id, unit_id) VALUES (?, ?)");
    for (auto unit : b.unit_ids) {
        u.setUInt64(1, id);
        u.setUInt64(2, unit);
        u.executeUpdate();
    }
    return id;
}

std::optional<Branch> MysqlUserStore::find_branch(BranchId id) {
    AllianceQuery q;
    q.limit = 1;
    auto found = read_branches("br.id = ?", q, id);
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::vector<Branch> MysqlUserStore::branches(const AllianceQuery& q) {
    return read_branches(
        "(? IS NULL OR br.street_id = ?) AND (? IS NULL OR EXISTS (SELECT 1 FROM branch_units x "
        "WHERE x.branch_id = br.id AND x.unit_id = ?)) AND br.name LIKE ?",
        q, 0);
}

std::vector<Branch> MysqlUserStore::read_branches(const std::string& where, const AllianceQuery& aq,
                                                  BranchId id) {
    // The branches, then their units in one more query.
    auto& q = c_.prepare("SELECT br.id, br.street_id, br.name FROM branches br WHERE " + where +
                         " ORDER BY br.street_id, br.name LIMIT ?");
    unsigned int at = 1;
    if (id) {
        q.setUInt64(at++, id);
    } else {
        set_optional_id(q, at++, aq.street_id);
        set_optional_id(q, at++, aq.street_id);
        set_optional_id(q, at++, aq.unit_id);
        set_optional_id(q, at++, aq.unit_id);
        q.setString(at++, contains(aq.text));
    }
    q.setInt(at, aq.limit);
    std::vector<Branch> out;
    std::map<BranchId, std::size_t> index;
    {
        Rs rs(q.executeQuery());
        while (rs->next()) {
            Branch b;
            b.id = rs->getUInt64(1);
            b.street_id = rs->getUInt64(2);
            b.name = rs->getString(3);
            index[b.id] = out.size();
            out.push_back(std::move(b));
        }
    }
    if (out.empty()) return out;
    std::set<BranchId> ids;
    for (const auto& b : out) ids.insert(b.id);
    auto& u = c_.prepare(
        "SELECT branch_id, unit_id FROM branch_units WHERE FIND_IN_SET(branch_id, ?) > 0 "
        "ORDER BY branch_id, unit_id");
    u.setString(1, id_list(ids));
    Rs rs(u.executeQuery());
    while (rs->next()) out[index.at(rs->getUInt64(1))].unit_ids.push_back(rs->getUInt64(2));
    return out;
}

std::optional<BuildingScope> MysqlUserStore::find_building(BuildingId id) {
    auto& q = c_.prepare("SELECT street_id FROM buildings WHERE id = ?");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return BuildingScope{id, rs->getUInt64(1)};
}

std::optional<UnitId> MysqlUserStore::building_unit(BuildingId id) {
    auto& q = c_.prepare("SELECT unit_id FROM buildings WHERE id = ?");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    if (!rs->next() || rs->isNull(1)) return std::nullopt;
    return rs->getUInt64(1);
}

void MysqlUserStore::set_building_unit(BuildingId id, std::optional<UnitId> unit) {
    auto& q = c_.prepare("UPDATE buildings SET unit_id = ? WHERE id = ?");
    set_optional_id(q, 1, unit);
    q.setUInt64(2, id);
    q.executeUpdate();
}

std::optional<Membership> MysqlUserStore::membership(UserId user) {
    auto& q = c_.prepare(
        "SELECT branch_id, unit_id, branch_state, branch_requested_at, branch_decided_at "
        "FROM users WHERE id = ? AND branch_id IS NOT NULL");
    q.setUInt64(1, user);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    Membership m;
    m.branch_id = rs->getUInt64(1);
    m.unit_id = rs->getUInt64(2);
    m.state =
        parse_membership_state(std::string(rs->getString(3))).value_or(MembershipState::pending);
    m.requested_at = read_time(*rs, 4);
    m.decided_at = read_optional_time(*rs, 5);
    return m;
}

void MysqlUserStore::set_membership(UserId user, const std::optional<Membership>& m,
                                    std::optional<UserId> decided_by) {
    auto& q = c_.prepare(
        "UPDATE users SET branch_id = ?, unit_id = ?, branch_state = ?, branch_requested_at = ?, "
        "branch_decided_at = ?, branch_decided_by = ? WHERE id = ?");
    if (m) {
        q.setUInt64(1, m->branch_id);
        q.setUInt64(2, m->unit_id);
        q.setString(3, std::string(membership_state_name(m->state)));
        q.setString(4, to_sql_datetime(m->requested_at));
        if (m->decided_at)
            q.setString(5, to_sql_datetime(*m->decided_at));
        else
            q.setNull(5, sql::DataType::VARCHAR);
    } else {
        for (unsigned int i = 1; i <= 5; ++i) q.setNull(i, sql::DataType::VARCHAR);
    }
    set_optional_id(q, 6, decided_by);
    q.setUInt64(7, user);
    q.executeUpdate();
}

std::vector<MemberEntry> MysqlUserStore::members(BranchId branch, MembershipState state) {
    auto& q = c_.prepare(
        "SELECT id, name, unit_id, branch_requested_at FROM users "
        "WHERE branch_id = ? AND branch_state = ? ORDER BY branch_requested_at, id LIMIT 500");
    q.setUInt64(1, branch);
    q.setString(2, std::string(membership_state_name(state)));
    Rs rs(q.executeQuery());
    std::vector<MemberEntry> out;
    while (rs->next())
        out.push_back(MemberEntry{rs->getUInt64(1), rs->getString(2), rs->getUInt64(3), state,
                                  read_time(*rs, 4)});
    return out;
}

std::set<BranchId> MysqlUserStore::existing_branches(const std::set<BranchId>& ids) {
    auto& q = c_.prepare("SELECT id FROM branches WHERE FIND_IN_SET(id, ?) > 0");
    q.setString(1, id_list(ids));
    Rs rs(q.executeQuery());
    std::set<BranchId> out;
    while (rs->next()) out.insert(rs->getUInt64(1));
    return out;
}

std::set<BranchId> MysqlUserStore::branches_of_street(StreetId id) {
    auto& q = c_.prepare("SELECT id FROM branches WHERE street_id = ?");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    std::set<BranchId> out;
    while (rs->next()) out.insert(rs->getUInt64(1));
    return out;
}

std::uint64_t MysqlUserStore::insert_invitation(const Invitation& inv,
                                                const std::string& code_hash) {
    auto& q = c_.prepare(
        "INSERT INTO invitations (code_hash, role, street_id, building_ids, branch_ids, "
        "created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.setString(1, code_hash);
    q.setString(2, std::string(role_name(inv.role.role)));
    set_optional_id(q, 3, inv.role.street_id);
    q.setString(4, id_list(inv.role.building_ids));
    if (inv.role.branch_ids)
        q.setString(5, id_list(*inv.role.branch_ids));
    else
        q.setNull(5, sql::DataType::VARCHAR);
    q.setUInt64(6, inv.created_by);
    q.setString(7, to_sql_datetime(inv.created_at));
    q.setString(8, to_sql_datetime(inv.expires_at));
    q.executeUpdate();
    return c_.last_insert_id();
}

namespace {
constexpr const char* invitation_columns =
    "SELECT i.id, i.role, i.street_id, i.building_ids, i.branch_ids, i.created_by, i.created_at, "
    "i.expires_at, i.taken_by, COALESCE(u.name, ''), i.taken_at FROM invitations i "
    "LEFT JOIN users u ON u.id = i.taken_by ";

Invitation read_invitation(sql::ResultSet& rs) {
    Invitation inv;
    inv.id = rs.getUInt64(1);
    inv.role.role = parse_role(std::string(rs.getString(2))).value_or(Role::member);
    if (!rs.isNull(3)) inv.role.street_id = rs.getUInt64(3);
    inv.role.building_ids = parse_ids(rs.getString(4));
    if (!rs.isNull(5)) inv.role.branch_ids = parse_ids(rs.getString(5));
    inv.created_by = rs.getUInt64(6);
    inv.created_at = read_time(rs, 7);
    inv.expires_at = read_time(rs, 8);
    if (!rs.isNull(9)) inv.taken_by = rs.getUInt64(9);
    inv.taker_name = rs.getString(10);
    inv.taken_at = read_optional_time(rs, 11);
    return inv;
}
}  // namespace

std::optional<Invitation> MysqlUserStore::find_invitation(const std::string& code_hash) {
    auto& q = c_.prepare(std::string(invitation_columns) + "WHERE i.code_hash = ? FOR UPDATE");
    q.setString(1, code_hash);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_invitation(*rs);
}

void MysqlUserStore::take_invitation(std::uint64_t id, UserId user, TimePoint now) {
    auto& q = c_.prepare(
        "UPDATE invitations SET taken_by = ?, taken_at = ? WHERE id = ? AND taken_by IS NULL");
    q.setUInt64(1, user);
    q.setString(2, to_sql_datetime(now));
    q.setUInt64(3, id);
    q.executeUpdate();
}

std::vector<Invitation> MysqlUserStore::invitations_by(UserId user, int limit) {
    auto& q = c_.prepare(std::string(invitation_columns) +
                         "WHERE i.created_by = ? ORDER BY i.id DESC LIMIT ?");
    q.setUInt64(1, user);
    q.setInt(2, limit);
    Rs rs(q.executeQuery());
    std::vector<Invitation> out;
    while (rs->next()) out.push_back(read_invitation(*rs));
    return out;
}

std::vector<ReviewEntry> MysqlUserStore::review_list(std::optional<StreetId> street) {
    auto& q = c_.prepare(
        "SELECT street_id, org, reason, users, bookings FROM org_review WHERE (? IS NULL OR "
        "street_id = ?) ORDER BY users + bookings DESC, org LIMIT 500");
    set_optional_id(q, 1, street);
    set_optional_id(q, 2, street);
    Rs rs(q.executeQuery());
    std::vector<ReviewEntry> out;
    while (rs->next())
        out.push_back(
            {rs->getUInt64(1), rs->getString(2), rs->getString(3), rs->getInt(4), rs->getInt(5)});
    return out;
}

}  // namespace sh::mysql
