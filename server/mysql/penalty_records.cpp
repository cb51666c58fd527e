// MysqlBookingStore as booking::PenaltyRecords: violations, their weight, bans and waivers.
#include <memory>

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "server/mysql/booking_store.hpp"
#include "server/mysql/sql_time.hpp"

namespace sh::mysql {

using namespace booking;
using Rs = std::unique_ptr<sql::ResultSet>;

bool MysqlBookingStore::add_violation(UserId user, BookingId booking, ViolationKind kind,
                                      int weight_milli, TimePoint at) {
    // Once per booking and kind (seq 0), but a late shrink each time (the next seq; the booking's
    // row is locked by the change, so two never pick the same).
    auto& q = c_.prepare(
        kind == ViolationKind::late_shrink
            ? "INSERT INTO violations (user_id, booking_id, kind, weight_milli, created_at, seq) "
              "SELECT ?, ?, ?, ?, ?, COALESCE(MAX(seq), 0) + 1 FROM violations WHERE booking_id = "
              "? AND kind = 'late_shrink'"
            : "INSERT IGNORE INTO violations (user_id, booking_id, kind, weight_milli, "
              "created_at) VALUES (?, ?, ?, ?, ?)");
    q.setUInt64(1, user);
    q.setUInt64(2, booking);
    q.setString(3, std::string(violation_name(kind)));
    q.setInt(4, weight_milli);
    q.setString(5, to_sql_datetime(at));
    if (kind == ViolationKind::late_shrink) q.setUInt64(6, booking);
    return q.executeUpdate() == 1;
}

int MysqlBookingStore::violation_weight(UserId user, TimePoint since) {
    auto& q = c_.prepare(
        "SELECT COALESCE(SUM(weight_milli), 0) FROM violations WHERE user_id = ? AND created_at >= "
        "? AND waived_at IS NULL");
    q.setUInt64(1, user);
    q.setString(2, to_sql_datetime(since));
    Rs rs(q.executeQuery());
    rs->next();
    return rs->getInt(1);
}

void MysqlBookingStore::set_ban(UserId user, std::optional<TimePoint> until) {
    auto& q = c_.prepare("UPDATE users SET banned_until = ? WHERE id = ?");
    if (until)
        q.setString(1, to_sql_datetime(*until));
    else
        q.setNull(1, sql::DataType::DATE);
    q.setUInt64(2, user);
    q.executeUpdate();
}

std::optional<ViolationRecord> MysqlBookingStore::find_violation(std::uint64_t id) {
    auto& q = c_.prepare(
        "SELECT x.id, x.user_id, x.booking_id, v.building_id, b.street_id, x.weight_milli, "
        "x.waived_at IS NOT NULL, x.created_at, x.appealed_at IS NOT NULL, "
        "x.appeal_decided_at IS NOT NULL "
        "FROM violations x JOIN bookings bk ON bk.id = x.booking_id JOIN venues v ON v.id = "
        "bk.venue_id "
        "JOIN buildings b ON b.id = v.building_id WHERE x.id = ?");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    ViolationRecord r;
    r.id = rs->getUInt64(1);
    r.user_id = rs->getUInt64(2);
    r.booking_id = rs->getUInt64(3);
    r.building_id = rs->getUInt64(4);
    r.street_id = rs->getUInt64(5);
    r.weight_milli = rs->getInt(6);
    r.waived = rs->getBoolean(7);
    r.at = read_time(*rs, 8);
    r.appealed = rs->getBoolean(9);
    r.decided = rs->getBoolean(10);
    return r;
}

void MysqlBookingStore::waive_violation(std::uint64_t id, UserId by, TimePoint at) {
    auto& q = c_.prepare(
        "UPDATE violations SET waived_at = ?, waived_by = ? WHERE id = ? AND waived_at IS NULL");
    q.setString(1, to_sql_datetime(at));
    q.setUInt64(2, by);
    q.setUInt64(3, id);
    q.executeUpdate();
}

bool MysqlBookingStore::appeal_violation(std::uint64_t id, const std::string& reason,
                                         TimePoint at) {
    auto& q = c_.prepare(
        "UPDATE violations SET appeal_reason = ?, appealed_at = ? WHERE id = ? AND appealed_at IS "
        "NULL AND waived_at IS NULL");
    q.setString(1, reason);
    q.setString(2, to_sql_datetime(at));
    q.setUInt64(3, id);
    return q.executeUpdate() == 1;
}

bool MysqlBookingStore::decide_appeal(std::uint64_t id, UserId by, bool waived,
                                      const std::string& note, TimePoint at) {
    auto& q = c_.prepare(
        "UPDATE violations SET appeal_outcome = ?, appeal_note = ?, appeal_decided_at = ?, "
        "appeal_decided_by = ? WHERE id = ? AND appealed_at IS NOT NULL AND appeal_decided_at IS "
        "NULL AND waived_at IS NULL");
    q.setString(1, waived ? "waived" : "kept");
    q.setString(2, note);
    q.setString(3, to_sql_datetime(at));
    q.setUInt64(4, by);
    q.setUInt64(5, id);
    return q.executeUpdate() == 1;
}

std::vector<AppealView> MysqlBookingStore::appeals(const BookingQuery& scope, bool waiting_only,
                                                   int limit) {
    // Appeals are few (a member's own, within 7 days): read by their index on appealed_at.
    auto& q = c_.prepare(
        "SELECT x.id, x.booking_id, x.kind, x.weight_milli, x.created_at, v.name, bk.starts_at, "
        "bk.ends_at, x.user_id, COALESCE(u.name, ''), x.appeal_reason, x.appealed_at, "
        "COALESCE(x.appeal_outcome, ''), COALESCE(x.appeal_note, '') "
        "FROM violations x JOIN bookings bk ON bk.id = x.booking_id "
        "JOIN venues v ON v.id = bk.venue_id JOIN buildings b ON b.id = v.building_id "
        "JOIN users u ON u.id = x.user_id "
        "WHERE x.appealed_at IS NOT NULL AND (? = 0 OR b.street_id = ?) "
        "AND (? = 0 OR x.appeal_decided_at IS NULL) "
        "ORDER BY x.appeal_decided_at IS NOT NULL, x.appealed_at, x.id LIMIT ?");
    const auto street = scope.street_id.value_or(0);
    q.setUInt64(1, street);
    q.setUInt64(2, street);
    q.setInt(3, waiting_only ? 1 : 0);
    q.setInt(4, limit);
    Rs rs(q.executeQuery());
    std::vector<AppealView> out;
    while (rs->next()) {
        AppealView a;
        a.violation_id = rs->getUInt64(1);
        a.booking_id = rs->getUInt64(2);
        a.kind = rs->getString(3);
        a.weight_milli = rs->getInt(4);
        a.violation_at = read_time(*rs, 5);
        a.venue_name = rs->getString(6);
        a.starts_at = read_time(*rs, 7);
        a.ends_at = read_time(*rs, 8);
        a.user_id = rs->getUInt64(9);
        a.member_name = rs->getString(10);
        a.reason = rs->getString(11);
        a.appealed_at = read_time(*rs, 12);
        a.outcome = rs->getString(13);
        a.note = rs->getString(14);
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace sh::mysql
