// MysqlBookingStore as booking::CoorganiserRecords: the owner's invitation and the two seats.
#include <memory>

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "server/mysql/booking_store.hpp"
#include "server/mysql/sql_time.hpp"

namespace sh::mysql {

using namespace booking;
using Rs = std::unique_ptr<sql::ResultSet>;

void MysqlBookingStore::set_coorganiser_code(BookingId id, const std::string& code_hash) {
    auto& q = c_.prepare("UPDATE bookings SET coorganiser_code = ? WHERE id = ?");
    if (code_hash.empty())
        q.setNull(1, sql::DataType::CHAR);  // closed (NULLs do not meet in the unique key)
    else
        q.setString(1, code_hash);
    q.setUInt64(2, id);
    q.executeUpdate();
}

std::optional<CoorganiserCode> MysqlBookingStore::booking_by_coorganiser_code(
    const std::string& code_hash) {
    auto& q = c_.prepare(
        "SELECT id, 0 FROM bookings WHERE coorganiser_code = ? UNION ALL "
        "SELECT booking_id, 1 FROM booking_coorganisers WHERE code_hash = ? LIMIT 1");
    q.setString(1, code_hash);
    q.setString(2, code_hash);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return CoorganiserCode{rs->getUInt64(1), rs->getInt(2) == 1};
}

bool MysqlBookingStore::add_coorganiser(BookingId id, UserId user, TimePoint at,
                                        const std::string& code_hash) {
    // The first free of the two seats. The keys are the guards: (booking_id, seat) — two members
    // who both saw a free seat cannot both take it (one insert is ignored, or one transaction
    // deadlocks and is retried), so a booking never has a third co-organiser; and code_hash —
    // two members with one invitation cannot both be seated by it.
    auto& q = c_.prepare(
        "INSERT IGNORE INTO booking_coorganisers (booking_id, seat, user_id, added_at, code_hash) "
        "SELECT ?, s.seat, ?, ?, ? FROM (SELECT 1 AS seat UNION ALL SELECT 2) s "
        "WHERE s.seat NOT IN (SELECT seat FROM booking_coorganisers WHERE booking_id = ?) "
        "ORDER BY s.seat LIMIT 1");
    q.setUInt64(1, id);
    q.setUInt64(2, user);
    q.setString(3, to_sql_datetime(at));
    q.setString(4, code_hash);
    q.setUInt64(5, id);
    return q.executeUpdate() == 1;
}

bool MysqlBookingStore::remove_coorganiser(BookingId id, UserId user) {
    auto& q = c_.prepare("DELETE FROM booking_coorganisers WHERE booking_id = ? AND user_id = ?");
    q.setUInt64(1, id);
    q.setUInt64(2, user);
    return q.executeUpdate() == 1;
}

}  // namespace sh::mysql
