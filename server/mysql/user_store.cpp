#include "server/mysql/user_store.hpp"

#include <limits>
#include <memory>

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "booking/calendar.hpp"
#include "server/mysql/sql_time.hpp"
#include "server/mysql/venue_store.hpp"

namespace sh::mysql {

using namespace booking;
using Rs = std::unique_ptr<sql::ResultSet>;

UserId MysqlUserStore::upsert_by_openid(const std::string& openid,
                                        const std::optional<std::string>& unionid) {
    auto& ins = c_.prepare(
        "INSERT INTO users (openid, unionid) VALUES (?, ?) "
        "ON DUPLICATE KEY UPDATE unionid = COALESCE(VALUES(unionid), unionid), id = "
        "LAST_INSERT_ID(id)");
    ins.setString(1, openid);
    if (unionid)
        ins.setString(2, *unionid);
    else
        ins.setNull(2, sql::DataType::VARCHAR);
    ins.executeUpdate();
    return c_.last_insert_id();
}

std::optional<UserId> MysqlUserStore::find_by_openid(const std::string& openid) {
    auto& q = c_.prepare("SELECT id FROM users WHERE openid = ?");
    q.setString(1, openid);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return rs->getUInt64(1);
}

std::optional<Principal> MysqlUserStore::load_principal(UserId id) {
    auto& q = c_.prepare(
        "SELECT role, street_id, openid, branch_id, unit_id, branch_state, "
        "EXISTS (SELECT 1 FROM branch_admins a WHERE a.user_id = users.id), policy_version, "
        "(SELECT street_id FROM branches b WHERE b.id = users.branch_id) "
        "FROM users WHERE id = ?");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    Principal p;
    p.user_id = id;
    p.role = parse_role(std::string(rs->getString(1))).value_or(Role::member);
    if (!rs->isNull(2)) p.street_id = rs->getUInt64(2);
    p.openid = rs->getString(3);
    // A refused request leaves no branch on what the member books.
    auto state = MembershipState::refused;
    if (!rs->isNull(6))
        state = parse_membership_state(std::string(rs->getString(6))).value_or(state);
    if (!rs->isNull(4) && state != MembershipState::refused) {
        p.branch_id = rs->getUInt64(4);
        p.unit_id = rs->getUInt64(5);
        p.branch_confirmed = state == MembershipState::confirmed;
        if (!rs->isNull(9)) p.branch_street_id = rs->getUInt64(9);
    }
    bool secretary = rs->getBoolean(7);
    if (!rs->isNull(8)) p.policy_version = rs->getInt(8);
    rs.reset();
    if (secretary) {
        auto& b = c_.prepare("SELECT branch_id FROM branch_admins WHERE user_id = ?");
        b.setUInt64(1, id);
        Rs brs(b.executeQuery());
        while (brs->next()) p.branch_ids.insert(brs->getUInt64(1));
    }
    if (p.role == Role::manager) {
        auto& b = c_.prepare("SELECT building_id FROM manager_buildings WHERE user_id = ?");
        b.setUInt64(1, id);
        Rs brs(b.executeQuery());
        while (brs->next()) p.building_ids.insert(brs->getUInt64(1));
    }
    return p;
}

std::optional<User> MysqlUserStore::find_user(UserId id) {
    auto& q = c_.prepare(
        "SELECT openid, name, org, phone, banned_until FROM "
        "users WHERE id = ?");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    User u;
    u.id = id;
    u.openid = rs->getString(1);
    u.name = rs->getString(2);
    u.org = rs->getString(3);
    if (!rs->isNull(4)) u.phone = std::string(rs->getString(4));
    if (!rs->isNull(5)) u.banned_until = read_optional_time(*rs, 5);
    rs.reset();
    u.principal = *load_principal(id);
    u.membership = membership(id);
    u.violations = read_violations(c_, id, 50);
    return u;
}

std::vector<ViolationView> read_violations(Conn& c, UserId id, int limit) {
    auto& v = c.prepare(
        "SELECT id, booking_id, kind, weight_milli, created_at, waived_at IS NOT NULL, "
        "CASE WHEN appealed_at IS NULL THEN '' ELSE COALESCE(appeal_outcome, 'pending') END, "
        "COALESCE(appeal_note, ''), COALESCE(appeal_reason, '') "
        "FROM violations WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?");
    v.setUInt64(1, id);
    v.setInt(2, limit > 0 ? limit : std::numeric_limits<int>::max());
    Rs vrs(v.executeQuery());
    std::vector<ViolationView> out;
    while (vrs->next())
        out.push_back(ViolationView{vrs->getUInt64(1), vrs->getUInt64(2), vrs->getString(3),
                                    vrs->getInt(4), read_time(*vrs, 5), vrs->getBoolean(6),
                                    vrs->getString(7), vrs->getString(8), vrs->getString(9)});
    return out;
}

bool MysqlUserStore::lock_user(UserId id) {
    // The user's row is the lock for everything about that user (quotas, roles, profile).
    auto& q = c_.prepare("SELECT id FROM users WHERE id = ? FOR UPDATE");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    return rs->next();
}

void MysqlUserStore::update_profile(UserId id, const std::optional<std::string>& name,
                                    const std::optional<std::string>& org) {
    auto& q = c_.prepare(
        "UPDATE users SET name = COALESCE(?, name), org = COALESCE(?, org) WHERE id = ?");
    if (name)
        q.setString(1, *name);
    else
        q.setNull(1, sql::DataType::VARCHAR);
    if (org)
        q.setString(2, *org);
    else
        q.setNull(2, sql::DataType::VARCHAR);
    q.setUInt64(3, id);
    q.executeUpdate();
}

void MysqlUserStore::set_phone(UserId id, const std::optional<std::string>& phone) {
    auto& q = c_.prepare("UPDATE users SET phone = ? WHERE id = ?");
    if (phone)
        q.setString(1, *phone);
    else
        q.setNull(1, sql::DataType::VARCHAR);
    q.setUInt64(2, id);
    q.executeUpdate();
}

void MysqlUserStore::erase_person(UserId id, TimePoint now) {
    // docs/data-map.md, table by table: what names, reaches or was written by the person goes;
    // what the statistics count stays under an id that leads nowhere.
    const std::string at = to_sql_datetime(now);
    auto run = [&](const char* sql, bool with_time = false) {
        auto& q = c_.prepare(sql);
        unsigned int i = 1;
        if (with_time) q.setString(i++, at);
        q.setUInt64(i, id);
        q.executeUpdate();
    };
    run("UPDATE users SET openid = CONCAT('closed:', id), unionid = NULL, name = '', org = '', "
        "phone = NULL, branch_id = NULL, unit_id = NULL, branch_state = NULL, "
        "branch_requested_at = NULL, branch_decided_at = NULL, branch_decided_by = NULL, "
        "banned_until = NULL, policy_version = NULL, closed_at = ? WHERE id = ?",
        true);
    run("UPDATE sessions SET revoked_at = ? WHERE revoked_at IS NULL AND user_id = ?", true);
    run("UPDATE bookings SET purpose = '' WHERE user_id = ?");
    run("UPDATE bookings SET cancel_reason = '' WHERE cancelled_by = user_id AND user_id = ?");
    run("UPDATE audit_log SET before_json = NULL, after_json = NULL WHERE object_type = 'user' "
        "AND object_id = ?");
    run("DELETE FROM notices WHERE user_id = ?");
    run("DELETE FROM idempotency_keys WHERE user_id = ?");
    run("DELETE FROM subscriptions WHERE user_id = ?");
    run("DELETE FROM web_logins WHERE user_id = ?");
    run("DELETE FROM booking_coorganisers WHERE user_id = ?");
    run("UPDATE bookings SET coorganiser_code = NULL WHERE user_id = ?");
}

void MysqlUserStore::keep_ban(const std::string& openid_hash, TimePoint until) {
    auto& q = c_.prepare(
        "INSERT INTO closed_bans (openid_hash, banned_until) VALUES (?, ?) ON DUPLICATE KEY "
        "UPDATE banned_until = GREATEST(banned_until, VALUES(banned_until))");
    q.setString(1, openid_hash);
    q.setString(2, to_sql_datetime(until));
    q.executeUpdate();
}

void MysqlUserStore::carry_ban(UserId id, const std::string& openid_hash, TimePoint now) {
    auto& q = c_.prepare(
        "UPDATE users u JOIN closed_bans c ON c.openid_hash = ? SET u.banned_until = "
        "GREATEST(COALESCE(u.banned_until, c.banned_until), c.banned_until) WHERE u.id = ? AND "
        "c.banned_until > ?");
    q.setString(1, openid_hash);
    q.setUInt64(2, id);
    q.setString(3, to_sql_datetime(now));
    q.executeUpdate();
}

void MysqlUserStore::seen(UserId id, TimePoint at) {
    auto& q = c_.prepare("UPDATE users SET last_seen = ? WHERE id = ?");
    q.setString(1, to_sql_datetime(at));
    q.setUInt64(2, id);
    q.executeUpdate();
}

std::vector<std::string> MysqlUserStore::revoke_sessions_of(UserId user, TimePoint now) {
    auto& s = c_.prepare(
        "SELECT token_hash FROM sessions WHERE revoked_at IS NULL AND expires_at > ? AND user_id "
        "= ? FOR UPDATE");
    s.setString(1, to_sql_datetime(now));
    s.setUInt64(2, user);
    Rs rs(s.executeQuery());
    std::vector<std::string> out;
    while (rs->next()) out.push_back(rs->getString(1));
    rs.reset();
    auto& u =
        c_.prepare("UPDATE sessions SET revoked_at = ? WHERE revoked_at IS NULL AND user_id = ?");
    u.setString(1, to_sql_datetime(now));
    u.setUInt64(2, user);
    u.executeUpdate();
    return out;
}

void MysqlUserStore::set_role(UserId id, const RoleRequest& role) {
    auto& u = c_.prepare("UPDATE users SET role = ?, street_id = ? WHERE id = ?");
    u.setString(1, std::string(role_name(role.role)));
    if (role.street_id)
        u.setUInt64(2, *role.street_id);
    else
        u.setNull(2, sql::DataType::BIGINT);
    u.setUInt64(3, id);
    u.executeUpdate();
    auto& del = c_.prepare("DELETE FROM manager_buildings WHERE user_id = ?");
    del.setUInt64(1, id);
    del.executeUpdate();
    auto& ins = c_.prepare("INSERT INTO manager_buildings (user_id, building_id) VALUES (?, ?)");
    for (auto b : role.building_ids) {
        ins.setUInt64(1, id);
        ins.setUInt64(2, b);
        ins.executeUpdate();
    }
    if (!role.branch_ids) return;
    auto& drop = c_.prepare("DELETE FROM branch_admins WHERE user_id = ?");
    drop.setUInt64(1, id);
    drop.executeUpdate();
    auto& add = c_.prepare("INSERT INTO branch_admins (user_id, branch_id) VALUES (?, ?)");
    for (auto b : *role.branch_ids) {
        add.setUInt64(1, id);
        add.setUInt64(2, b);
        add.executeUpdate();
    }
}

std::set<BuildingId> MysqlUserStore::existing_buildings(const std::set<BuildingId>& ids) {
    std::set<BuildingId> out;
    auto& q = c_.prepare("SELECT id FROM buildings WHERE id = ?");
    for (auto id : ids) {
        q.setUInt64(1, id);
        Rs rs(q.executeQuery());
        if (rs->next()) out.insert(id);
    }
    return out;
}

bool MysqlUserStore::street_exists(StreetId id) {
    auto& q = c_.prepare("SELECT id FROM streets WHERE id = ?");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    return rs->next();
}

std::set<BuildingId> MysqlUserStore::buildings_of_street(StreetId id) {
    auto& q = c_.prepare("SELECT id FROM buildings WHERE street_id = ?");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    std::set<BuildingId> out;
    while (rs->next()) out.insert(rs->getUInt64(1));
    return out;
}

void MysqlUserStore::audit(const AuditEntry& e) {
    insert_audit(c_, e);
}

void MysqlUserStore::create_session(const std::string& token_hash, UserId user,
                                    TimePoint expires_at) {
    auto& q = c_.prepare("INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)");
    q.setString(1, token_hash);
    q.setUInt64(2, user);
    q.setString(3, to_sql_datetime(expires_at));
    q.executeUpdate();
}

std::optional<SessionRecord> MysqlUserStore::find_live_session(const std::string& token_hash,
                                                               TimePoint now) {
    auto& q = c_.prepare(
        "SELECT user_id, expires_at FROM sessions "
        "WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?");
    q.setString(1, token_hash);
    q.setString(2, to_sql_datetime(now));
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    auto expires = read_optional_time(*rs, 2);
    return SessionRecord{rs->getUInt64(1), expires.value_or(now)};
}

bool MysqlUserStore::revoke_session(const std::string& token_hash) {
    auto& q = c_.prepare(
        "UPDATE sessions SET revoked_at = NOW() WHERE token_hash = ? AND revoked_at IS NULL");
    q.setString(1, token_hash);
    return q.executeUpdate() > 0;
}

void MysqlUserStore::insert_web_login(const WebLogin& w, TimePoint now) {
    auto& q = c_.prepare(
        "INSERT INTO web_logins (nonce, browser_hash, created_at, expires_at, client_ip, browser) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    q.setString(1, w.nonce);
    q.setString(2, w.browser_hash);
    q.setString(3, to_sql_datetime(now));
    q.setString(4, to_sql_datetime(w.expires_at));
    q.setString(5, w.client_ip);
    q.setString(6, w.browser);
    q.executeUpdate();
}

std::optional<WebLogin> MysqlUserStore::find_web_login(const std::string& nonce) {
    auto& q = c_.prepare(
        "SELECT nonce, browser_hash, user_id, expires_at, "
        "consumed_at IS NOT NULL, COALESCE(client_ip, ''), COALESCE(browser, ''), created_at "
        "FROM web_logins WHERE nonce = ? FOR UPDATE");
    q.setString(1, nonce);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    WebLogin w;
    w.nonce = rs->getString(1);
    w.browser_hash = rs->getString(2);
    if (!rs->isNull(3)) w.user_id = rs->getUInt64(3);
    w.expires_at = read_time(*rs, 4);
    w.consumed = rs->getBoolean(5);
    w.client_ip = rs->getString(6);
    w.browser = rs->getString(7);
    w.asked_at = read_time(*rs, 8);
    return w;
}

void MysqlUserStore::confirm_web_login(const std::string& nonce, UserId user) {
    auto& q = c_.prepare("UPDATE web_logins SET user_id = ? WHERE nonce = ? AND user_id IS NULL");
    q.setUInt64(1, user);
    q.setString(2, nonce);
    q.executeUpdate();
}

void MysqlUserStore::consume_web_login(const std::string& nonce) {
    auto& q = c_.prepare("UPDATE web_logins SET consumed_at = NOW() WHERE nonce = ?");
    q.setString(1, nonce);
    q.executeUpdate();
}

std::optional<std::string> MysqlUserStore::web_login_code(const std::string& nonce) {
    auto& q =
        c_.prepare("SELECT code_png FROM web_logins WHERE nonce = ? AND code_png IS NOT NULL");
    q.setString(1, nonce);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return std::string(rs->getString(1));
}

void MysqlUserStore::keep_web_login_code(const std::string& nonce, const std::string& png) {
    // The first code kept stands: two first views at once each asked WeChat, one is kept.
    auto& q = c_.prepare("UPDATE web_logins SET code_png = ? WHERE nonce = ? AND code_png IS NULL");
    q.setString(1, png);
    q.setString(2, nonce);
    q.executeUpdate();
}

}  // namespace sh::mysql
