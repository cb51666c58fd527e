#include "server/mysql/due_bookings.hpp"

#include <memory>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "booking/calendar.hpp"
#include "server/mysql/sql_time.hpp"
#include "server/workers/await.hpp"

namespace sh::mysql {

namespace {

const char* pick_sql(app::Due what) {
    switch (what) {
        case app::Due::undecided_started:
            return "SELECT bk.id FROM bookings bk WHERE bk.status = 'pending' AND bk.starts_at <= "
                   "? ORDER BY bk.id LIMIT ?";
        case app::Due::unattended:
            return "SELECT bk.id FROM bookings bk JOIN venues v ON v.id = bk.venue_id WHERE "
                   "bk.status = 'confirmed' "
                   "AND DATE_ADD(bk.starts_at, INTERVAL v.checkin_after_minutes MINUTE) < ? ORDER "
                   "BY bk.id LIMIT ?";
        case app::Due::attended_ended:
            return "SELECT bk.id FROM bookings bk WHERE bk.status = 'checked_in' AND bk.ends_at <= "
                   "? ORDER BY bk.id LIMIT ?";
        case app::Due::reminder:
            return "SELECT bk.id FROM bookings bk WHERE bk.status = 'confirmed' AND bk.reminded_at "
                   "IS NULL "
                   "AND bk.starts_at > ? AND bk.starts_at <= ? ORDER BY bk.id LIMIT ?";
        // A request waits until its start, an extension until its extra time begins: each found
        // by its own index (the status's, the extension's), the two lists as one.
        case app::Due::untold_request:
            return "SELECT bk.id FROM bookings bk WHERE bk.status = 'pending' AND "
                   "bk.approvers_told_at IS NULL AND bk.starts_at > ? UNION SELECT bk.id FROM "
                   "bookings bk WHERE bk.ext_begins_at > ? AND bk.approvers_told_at IS NULL AND "
                   "bk.status IN ('confirmed','checked_in') ORDER BY id LIMIT ?";
        case app::Due::overdue_request:  // after the hall's own time, or near its start
            return "SELECT bk.id FROM bookings bk JOIN venues v ON v.id = bk.venue_id WHERE "
                   "bk.status = 'pending' AND bk.escalated_at IS NULL AND "
                   "(bk.approvers_told_at <= ? - INTERVAL v.escalate_after_hours HOUR OR "
                   "bk.starts_at <= ?) UNION SELECT bk.id FROM bookings bk JOIN venues v ON v.id = "
                   "bk.venue_id WHERE bk.ext_begins_at IS NOT NULL AND bk.status IN "
                   "('confirmed','checked_in') AND bk.escalated_at IS NULL AND "
                   "(bk.approvers_told_at <= ? - INTERVAL v.escalate_after_hours HOUR OR "
                   "bk.ext_begins_at <= ?) ORDER BY id LIMIT ?";
        case app::Due::undecided_extension:
            return "SELECT bk.id FROM bookings bk WHERE bk.ext_begins_at <= ? ORDER BY bk.id "
                   "LIMIT ?";
    }
    return "";
}

}  // namespace

awaitable<std::vector<booking::BookingId>> DueBookings::find(app::Due what, booking::TimePoint now,
                                                             booking::TimePoint until, int limit) {
    co_return co_await workers::run(db_, [&](Conn& c) {
        auto& q = c.prepare(pick_sql(what));
        unsigned i = 1;
        q.setString(i++, to_sql_datetime(now));
        if (what == app::Due::reminder || what == app::Due::overdue_request)
            q.setString(i++, to_sql_datetime(until));
        if (what == app::Due::untold_request) q.setString(i++, to_sql_datetime(now));
        if (what == app::Due::overdue_request) {  // the extensions' half
            q.setString(i++, to_sql_datetime(now));
            q.setString(i++, to_sql_datetime(until));
        }
        q.setInt(i, limit);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        std::vector<booking::BookingId> ids;
        while (rs->next()) ids.push_back(rs->getUInt64(1));
        return ids;
    });
}

}  // namespace sh::mysql
