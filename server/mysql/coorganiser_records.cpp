// MysqlBookingStore as booking::CoorganiserRecords: the owner's invitation and the two seats.
#include <memory>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "server/mysql/booking_store.hpp"
#include "server/mysql/sql_time.hpp"

namespace sh::mysql {

using namespace booking;
using Rs = std::unique_ptr<sql::ResultSet>;

void MysqlBookingStore::set_coorganiser_code(BookingId id, const std::string& code_hash) {
    auto& q = c_.prepare("UPDATE bookings SET coorganiser_code = ? WHERE id = ?");
    q.setString(1, code_hash);
    q.setUInt64(2, id);
    q.executeUpdate();
}

std::optional<BookingId> MysqlBookingStore::booking_by_coorganiser_code(
    const std::string& code_hash) {
    auto& q = c_.prepare("SELECT id FROM bookings WHERE coorganiser_code = ?");
    q.setString(1, code_hash);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return rs->getUInt64(1);
}

bool MysqlBookingStore::add_coorganiser(BookingId id, UserId user, TimePoint at) {
    // The first free of the two seats. The key (booking_id, seat) is the guard: two members who
    // both saw a free seat cannot both take it (one insert is ignored, or one transaction
    // deadlocks and is retried), so a booking never has a third co-organiser.
    auto& q = c_.prepare(
        "INSERT IGNORE INTO booking_coorganisers (booking_id, seat, user_id, added_at) "
        "SELECT ?, s.seat, ?, ? FROM (SELECT 1 AS seat UNION ALL SELECT 2) s "
        "WHERE s.seat NOT IN (SELECT seat FROM booking_coorganisers WHERE booking_id = ?) "
        "ORDER BY s.seat LIMIT 1");
    q.setUInt64(1, id);
    q.setUInt64(2, user);
    q.setString(3, to_sql_datetime(at));
    q.setUInt64(4, id);
    return q.executeUpdate() == 1;
}

bool MysqlBookingStore::remove_coorganiser(BookingId id, UserId user) {
    auto& q = c_.prepare("DELETE FROM booking_coorganisers WHERE booking_id = ? AND user_id = ?");
    q.setUInt64(1, id);
    q.setUInt64(2, user);
    return q.executeUpdate() == 1;
}

}  // namespace sh::mysql
