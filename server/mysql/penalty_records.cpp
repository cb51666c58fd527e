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
        "x.waived_at IS NOT NULL "
        "FROM violations x JOIN bookings bk ON bk.id = x.booking_id JOIN venues v ON v.id = "
        "bk.venue_id "
        "JOIN buildings b ON b.id = v.building_id WHERE x.id = ?");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return ViolationRecord{rs->getUInt64(1), rs->getUInt64(2), rs->getUInt64(3), rs->getUInt64(4),
                           rs->getUInt64(5), rs->getInt(6),    rs->getBoolean(7)};
}

void MysqlBookingStore::waive_violation(std::uint64_t id, UserId by, TimePoint at) {
    auto& q = c_.prepare(
        "UPDATE violations SET waived_at = ?, waived_by = ? WHERE id = ? AND waived_at IS NULL");
    q.setString(1, to_sql_datetime(at));
    q.setUInt64(2, by);
    q.setUInt64(3, id);
    q.executeUpdate();
}

}  // namespace sh::mysql
