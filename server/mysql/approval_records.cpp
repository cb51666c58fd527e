// MysqlBookingStore as booking::ApprovalRecords: who decides a pending request, and whether
// they and the street were told.
#include <memory>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "server/mysql/booking_store.hpp"
#include "server/mysql/sql_time.hpp"

namespace sh::mysql {

using namespace booking;

namespace {

std::vector<UserId> ids_of(sql::PreparedStatement& q) {
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<UserId> out;
    while (rs->next()) out.push_back(rs->getUInt64(1));
    return out;
}

}  // namespace

std::vector<UserId> MysqlBookingStore::managers_of(BuildingId building) {
    auto& q = c_.prepare(
        "SELECT mb.user_id FROM manager_buildings mb JOIN users u ON u.id = mb.user_id "
        "WHERE mb.building_id = ? AND u.role = 'manager' ORDER BY mb.user_id");
    q.setUInt64(1, building);
    return ids_of(q);
}

std::vector<UserId> MysqlBookingStore::street_admins(StreetId street) {
    auto& q = c_.prepare(
        "SELECT id FROM users WHERE role = 'street_admin' AND street_id = ? ORDER BY id");
    q.setUInt64(1, street);
    return ids_of(q);
}

std::vector<UserId> MysqlBookingStore::district_admins() {
    return ids_of(c_.prepare("SELECT id FROM users WHERE role = 'district_admin' ORDER BY id"));
}

void MysqlBookingStore::set_approvers_told(BookingId id, TimePoint at) {
    set_time("approvers_told_at", id, at);
}

void MysqlBookingStore::set_escalated(BookingId id, TimePoint at) {
    set_time("escalated_at", id, at);
}

std::vector<PendingByHall> MysqlBookingStore::pending_by_hall(const BookingQuery& scope,
                                                              TimePoint now, TimePoint soon) {
    // A pending request waits from its making until its start; an extension from its asking until
    // its extra time begins.
    std::string sql =
        "SELECT bk.venue_id, v.name, COUNT(*), MIN(IF(bk.status = 'pending', bk.created_at, "
        "bk.ext_asked_at)), SUM(IF(bk.status = 'pending', bk.starts_at, bk.ext_begins_at) <= ?) "
        "FROM bookings bk JOIN venues v ON v.id = bk.venue_id JOIN buildings bd ON bd.id = "
        "v.building_id WHERE ((bk.status = 'pending' AND bk.starts_at > ?) OR (bk.status IN "
        "('confirmed','checked_in') AND bk.ext_begins_at > ?))";
    if (scope.street_id) sql += " AND bd.street_id = ?";
    if (scope.buildings) {
        sql += " AND bd.id IN (0";
        for (auto b : *scope.buildings) sql += "," + std::to_string(b);
        sql += ")";
    }
    sql += " GROUP BY bk.venue_id, v.name ORDER BY 4, bk.venue_id";
    auto& q = c_.prepare(sql);
    q.setString(1, to_sql_datetime(soon));
    q.setString(2, to_sql_datetime(now));
    q.setString(3, to_sql_datetime(now));
    if (scope.street_id) q.setUInt64(4, *scope.street_id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<PendingByHall> out;
    while (rs->next())
        out.push_back(
            {rs->getUInt64(1), rs->getString(2), rs->getInt(3), read_time(*rs, 4), rs->getInt(5)});
    return out;
}

}  // namespace sh::mysql
