#include "server/mysql/stats_store.hpp"

#include <memory>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "booking/calendar.hpp"
#include "booking/local_time.hpp"
#include "server/mysql/sql_time.hpp"
#include "server/mysql/venue_store.hpp"

namespace sh::mysql {

using namespace booking;
using Rs = std::unique_ptr<sql::ResultSet>;

namespace {

// The group's key and label, as booking/stats.cpp keys open time.
std::pair<const char*, const char*> grouping(GroupBy g) {
    switch (g) {
        case GroupBy::street: return {"CAST(b.street_id AS CHAR)", "st.name"};
        case GroupBy::building: return {"CAST(v.building_id AS CHAR)", "b.name"};
        case GroupBy::venue: return {"CAST(bk.venue_id AS CHAR)", "v.name"};
        case GroupBy::org:
            return {"COALESCE(NULLIF(bk.org, ''), NULLIF(u.org, ''), '(未填写)')",
                    "COALESCE(NULLIF(bk.org, ''), NULLIF(u.org, ''), '(未填写)')"};
        case GroupBy::day:
            return {"DATE_FORMAT(bk.starts_at, '%Y-%m-%d')",
                    "DATE_FORMAT(bk.starts_at, '%Y-%m-%d')"};
        case GroupBy::week:
            return {
                "DATE_FORMAT(DATE_SUB(DATE(bk.starts_at), INTERVAL WEEKDAY(bk.starts_at) DAY), "
                "'%Y-%m-%d')",
                "DATE_FORMAT(DATE_SUB(DATE(bk.starts_at), INTERVAL WEEKDAY(bk.starts_at) DAY), "
                "'%Y-%m-%d')"};
        case GroupBy::month:
            return {"DATE_FORMAT(bk.starts_at, '%Y-%m')", "DATE_FORMAT(bk.starts_at, '%Y-%m')"};
        case GroupBy::hour:
            return {"DATE_FORMAT(bk.starts_at, '%H')", "DATE_FORMAT(bk.starts_at, '%H')"};
        case GroupBy::weekday_hour:
            return {"CONCAT(WEEKDAY(bk.starts_at) + 1, '-', DATE_FORMAT(bk.starts_at, '%H'))",
                    "CONCAT(WEEKDAY(bk.starts_at) + 1, '-', DATE_FORMAT(bk.starts_at, '%H'))"};
    }
    return {"''", "''"};
}

// The scope's condition and its one bound value (a building list is one FIND_IN_SET string).
std::pair<std::string, std::optional<std::string>> scope_sql(const StatsScope& s) {
    if (s.street) return {" AND b.street_id = ?", std::to_string(*s.street)};
    if (s.buildings) {
        auto in = id_list(*s.buildings);
        return {" AND FIND_IN_SET(v.building_id, ?) > 0", in.empty() ? "0" : in};
    }
    return {"", std::nullopt};
}

std::string period_start(const Period& p) {
    return to_sql_datetime(to_timepoint(p.from, 0));
}
std::string period_end(const Period& p) {
    return to_sql_datetime(to_timepoint(add_days(p.to, 1), 0));
}

}  // namespace

std::vector<BookingFigures> MysqlStatsStore::figures(GroupBy g, const Period& p,
                                                     const StatsScope& scope) {
    auto [key, label] = grouping(g);
    auto [where, bound] = scope_sql(scope);
    // A late cancellation is one that counted as a late-cancel violation: at most one row per
    // booking (the violations' unique key), joined rather than looked up twice per row.
    const std::string late = "x.booking_id IS NOT NULL";
    auto& q = c_.prepare(
        std::string("SELECT ") + key + ", " + label +
        ", COUNT(*), "
        "SUM(bk.status IN ('checked_in','completed')), "
        "SUM(IF(bk.status IN ('checked_in','completed'), bk.present, 0)), "
        "SUM(IF(bk.status IN ('confirmed','checked_in','completed','no_show'), "
        "TIMESTAMPDIFF(MINUTE, bk.starts_at, bk.ends_at), 0)), "
        "SUM(bk.status = 'no_show'), "
        "SUM(bk.status = 'cancelled' AND NOT " +
        late + "), SUM(bk.status = 'cancelled' AND " + late +
        "), "
        "SUM(bk.status = 'pending'), SUM(bk.status = 'rejected') "
        "FROM bookings bk JOIN venues v ON v.id = bk.venue_id JOIN buildings b ON b.id = "
        "v.building_id "
        "JOIN streets st ON st.id = b.street_id " +
        // The member's own branch only when grouping by branch: every other grouping reads the
        // bookings from the (venue_id, starts_at, status, ends_at) index alone.
        std::string(g == GroupBy::org ? "JOIN users u ON u.id = bk.user_id " : "") +
        "LEFT JOIN violations x ON x.booking_id = bk.id AND x.kind = 'late_cancel' "
        "WHERE bk.starts_at >= ? AND bk.starts_at < ?" +
        where + " GROUP BY 1, 2");
    q.setString(1, period_start(p));
    q.setString(2, period_end(p));
    if (bound) q.setString(3, *bound);
    Rs rs(q.executeQuery());
    std::vector<BookingFigures> out;
    while (rs->next()) {
        BookingFigures f;
        f.key = rs->getString(1);
        f.label = rs->getString(2);
        f.bookings = rs->getInt64(3);
        f.sessions = rs->getInt64(4);
        f.person_times = rs->getInt64(5);
        f.booked_minutes = rs->getInt64(6);
        f.no_shows = rs->getInt64(7);
        f.cancelled_early = rs->getInt64(8);
        f.cancelled_late = rs->getInt64(9);
        f.pending = rs->getInt64(10);
        f.rejected = rs->getInt64(11);
        out.push_back(std::move(f));
    }
    return out;
}

std::vector<HallOpening> MysqlStatsStore::halls(const Period& p, const StatsScope& scope) {
    auto [where, bound] = scope_sql(scope);
    auto& q = c_.prepare(
        "SELECT v.id, b.name, st.name FROM venues v JOIN buildings b ON b.id = v.building_id "
        "JOIN streets st ON st.id = b.street_id WHERE 1 = 1" +
        where + " ORDER BY v.id");
    if (bound) q.setString(1, *bound);
    std::vector<HallOpening> out;
    {
        Rs rs(q.executeQuery());
        while (rs->next()) {
            HallOpening h;
            h.venue.id = rs->getUInt64(1);
            h.building_name = rs->getString(2);
            h.street_name = rs->getString(3);
            out.push_back(std::move(h));
        }
    }
    MysqlVenueStore venues(c_);
    auto from = to_timepoint(p.from, 0), to = to_timepoint(add_days(p.to, 1), 0);
    for (auto& h : out) {
        if (auto v = venues.find_venue(h.venue.id, Lock::none)) h.venue = *v;
        h.closures = venues.closures_between(h.venue.id, from, to);
    }
    return out;
}

std::vector<LedgerRow> MysqlStatsStore::ledger(const Period& p, const StatsScope& scope) {
    auto [where, bound] = scope_sql(scope);
    auto& q = c_.prepare(
        "SELECT bk.id, st.name, b.name, v.name, DATE_FORMAT(bk.starts_at, '%Y-%m-%d %H:%i:%s'), "
        "DATE_FORMAT(bk.ends_at, '%Y-%m-%d %H:%i:%s'), bk.status, u.name, COALESCE(NULLIF(bk.org, "
        "''), u.org), "
        "bk.purpose, bk.attendees, DATE_FORMAT(bk.checked_in_at, '%Y-%m-%d %H:%i:%s'), "
        "bk.present "
        "FROM bookings bk JOIN venues v ON v.id = bk.venue_id JOIN buildings b ON b.id = "
        "v.building_id "
        "JOIN streets st ON st.id = b.street_id JOIN users u ON u.id = bk.user_id "
        "WHERE bk.starts_at >= ? AND bk.starts_at < ?" +
        where + " ORDER BY bk.starts_at, bk.id");
    q.setString(1, period_start(p));
    q.setString(2, period_end(p));
    if (bound) q.setString(3, *bound);
    Rs rs(q.executeQuery());
    std::vector<LedgerRow> out;
    while (rs->next()) {
        LedgerRow r;
        r.id = rs->getUInt64(1);
        r.street = rs->getString(2);
        r.building = rs->getString(3);
        r.venue = rs->getString(4);
        r.start = *from_sql_datetime(std::string(rs->getString(5)));
        r.end = *from_sql_datetime(std::string(rs->getString(6)));
        r.status = rs->getString(7);
        r.booker = rs->getString(8);
        r.org = rs->getString(9);
        r.purpose = rs->getString(10);
        r.attendees = rs->getInt(11);
        if (!rs->isNull(12)) r.checked_in_at = from_sql_datetime(std::string(rs->getString(12)));
        r.present = rs->getInt(13);
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace sh::mysql
