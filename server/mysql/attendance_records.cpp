// MysqlBookingStore as booking::AttendanceRecords: check-in by the hall's code, the people
// present, releases and reminders.
#include <memory>

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "server/mysql/booking_store.hpp"
#include "server/mysql/sql_time.hpp"

namespace sh::mysql {

using namespace booking;
using Rs = std::unique_ptr<sql::ResultSet>;

std::optional<VenueId> MysqlBookingStore::venue_by_code(const std::string& code) {
    auto& q = c_.prepare("SELECT id FROM venues WHERE checkin_code = ?");
    q.setString(1, code);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return rs->getUInt64(1);
}

std::optional<Booking> MysqlBookingStore::running_checked_in(VenueId venue, TimePoint now,
                                                             std::chrono::minutes early) {
    auto& q = c_.prepare(std::string(booking_columns) +
                         "WHERE bk.venue_id = ? AND bk.status = 'checked_in' AND bk.starts_at <= ? "
                         "AND bk.ends_at > ? "
                         "ORDER BY bk.starts_at LIMIT 1");
    q.setUInt64(1, venue);
    q.setString(2, to_sql_datetime(now + early));
    q.setString(3, to_sql_datetime(now));
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_booking(*rs);
}

void MysqlBookingStore::set_checked_in(BookingId id, TimePoint at) {
    auto& q =
        c_.prepare("UPDATE bookings SET status = 'checked_in', checked_in_at = ? WHERE id = ?");
    q.setString(1, to_sql_datetime(at));
    q.setUInt64(2, id);
    q.executeUpdate();
}

bool MysqlBookingStore::add_presence(BookingId id, UserId user, TimePoint at) {
    auto& q = c_.prepare(
        "INSERT IGNORE INTO attendance (booking_id, user_id, scanned_at) VALUES (?, ?, ?)");
    q.setUInt64(1, id);
    q.setUInt64(2, user);
    q.setString(3, to_sql_datetime(at));
    if (q.executeUpdate() != 1) return false;
    // The count kept on the booking, in the same transaction as the row it counts.
    auto& count = c_.prepare("UPDATE bookings SET present = present + 1 WHERE id = ?");
    count.setUInt64(1, id);
    count.executeUpdate();
    return true;
}

void MysqlBookingStore::release_quanta_from(BookingId id, TimePoint from) {
    auto& q = c_.prepare("DELETE FROM booking_quanta WHERE booking_id = ? AND slot_start >= ?");
    q.setUInt64(1, id);
    q.setString(2, to_sql_datetime(from));
    q.executeUpdate();
}

void MysqlBookingStore::set_time(const char* column, BookingId id, TimePoint at) {
    auto& q = c_.prepare(std::string("UPDATE bookings SET ") + column + " = ? WHERE id = ?");
    q.setString(1, to_sql_datetime(at));
    q.setUInt64(2, id);
    q.executeUpdate();
}

void MysqlBookingStore::set_reminded(BookingId id, TimePoint at) {
    set_time("reminded_at", id, at);
}

}  // namespace sh::mysql
