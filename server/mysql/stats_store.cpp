#include "server/mysql/stats_store.hpp"

#include <memory>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "booking/calendar.hpp"
#include "server/mysql/sql_time.hpp"
#include "server/mysql/venue_store.hpp"

namespace sh::mysql {

using namespace booking;
using Rs = std::unique_ptr<sql::ResultSet>;

namespace {

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

std::vector<BookingCell> MysqlStatsStore::cells(const Period& p, const StatsScope& scope,
                                                Booker who) {
    auto [where, bound] = scope_sql(scope);
    // A late cancellation is one that counted as a late-cancel violation: at most one row per
    // booking (the violations' unique key), joined rather than looked up twice per row.
    const std::string late = "x.booking_id IS NOT NULL";
    // Who booked only when asked for: otherwise the bookings are read from the
    // (venue_id, starts_at, status, ends_at) index alone.
    std::string key = "''", label = "''", join;
    switch (who) {
        case Booker::none: break;
        case Booker::org:
            key = label = "COALESCE(NULLIF(bk.org, ''), NULLIF(u.org, ''), '(未填写)')";
            join = "JOIN users u ON u.id = bk.user_id ";
            break;
        case Booker::branch:
            key = "COALESCE(bk.branch_id, 0)";
            label = "COALESCE(w.name, '未归属')";
            join = "LEFT JOIN branches w ON w.id = bk.branch_id ";
            break;
        case Booker::unit:
            key = "COALESCE(bk.unit_id, 0)";
            label = "COALESCE(w.name, '未归属')";
            join = "LEFT JOIN units w ON w.id = bk.unit_id ";
            break;
    }
    auto& q = c_.prepare(
        "SELECT bk.venue_id, v.building_id, b.street_id, DATE(bk.starts_at), HOUR(bk.starts_at), " +
        key + ", " + label +
        ", COUNT(*), "
        "SUM(bk.status IN ('checked_in','completed')), "
        "SUM(IF(bk.status IN ('checked_in','completed'), bk.present, 0)), "
        "SUM(IF(bk.status IN ('confirmed','checked_in','completed','no_show'), "
        "TIMESTAMPDIFF(MINUTE, bk.starts_at, bk.ends_at), 0)), "
        "SUM(bk.status = 'no_show'), "
        "SUM(bk.status = 'cancelled' AND NOT " +
        late + "), SUM(bk.status = 'cancelled' AND " + late +
        "), SUM(bk.status = 'pending'), SUM(bk.status = 'rejected'), "
        "COALESCE(SUM(ap.appeals), 0), COALESCE(SUM(ap.waived), 0) "
        "FROM bookings bk JOIN venues v ON v.id = bk.venue_id "
        "JOIN buildings b ON b.id = v.building_id " +
        join +
        "LEFT JOIN violations x ON x.booking_id = bk.id AND x.kind = 'late_cancel' "
        // Appeals are few: their bookings' counts, read by the appeals' index.
        "LEFT JOIN (SELECT booking_id, COUNT(*) AS appeals, SUM(appeal_outcome = 'waived') AS "
        "waived FROM violations WHERE appealed_at IS NOT NULL GROUP BY booking_id) ap ON "
        "ap.booking_id = bk.id "
        "WHERE bk.starts_at >= ? AND bk.starts_at < ?" +
        where + " GROUP BY 1, 2, 3, 4, 5, 6, 7");
    q.setString(1, period_start(p));
    q.setString(2, period_end(p));
    if (bound) q.setString(3, *bound);
    Rs rs(q.executeQuery());
    std::vector<BookingCell> out;
    while (rs->next()) {
        BookingCell c;
        c.venue_id = rs->getUInt64(1);
        c.building_id = rs->getUInt64(2);
        c.street_id = rs->getUInt64(3);
        auto day = parse_date(std::string(rs->getString(4)));
        if (!day) continue;
        c.day = *day;
        c.hour = rs->getInt(5);
        c.who = rs->getString(6);
        c.who_label = rs->getString(7);
        auto& f = c.figures;
        f.bookings = rs->getInt64(8);
        f.sessions = rs->getInt64(9);
        f.person_times = rs->getInt64(10);
        f.booked_minutes = rs->getInt64(11);
        f.no_shows = rs->getInt64(12);
        f.cancelled_early = rs->getInt64(13);
        f.cancelled_late = rs->getInt64(14);
        f.pending = rs->getInt64(15);
        f.rejected = rs->getInt64(16);
        f.appeals = rs->getInt64(17);
        f.appeals_waived = rs->getInt64(18);
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<VenueOpening> MysqlStatsStore::venues(const Period& p, const StatsScope& scope) {
    // Five queries whatever the number of halls: the halls with their rules (three, the venue
    // store's), their buildings' and streets' names, and every closure in the period.
    auto [where, bound] = scope_sql(scope);
    std::vector<std::string> params;
    if (bound) params.push_back(*bound);
    MysqlVenueStore venues(c_);
    std::vector<VenueOpening> out;
    std::map<VenueId, std::size_t> index;
    for (auto& v : venues.load("WHERE 1 = 1" + where + " ORDER BY v.id", params)) {
        index[v.id] = out.size();
        out.push_back(VenueOpening{std::move(v), {}, {}, {}});
    }
    if (out.empty()) return out;
    auto& names = c_.prepare(
        "SELECT v.id, b.name, st.name FROM venues v JOIN buildings b ON b.id = v.building_id "
        "JOIN streets st ON st.id = b.street_id WHERE 1 = 1" +
        where);
    if (bound) names.setString(1, *bound);
    {
        Rs rs(names.executeQuery());
        while (rs->next()) {
            auto it = index.find(rs->getUInt64(1));
            if (it == index.end()) continue;
            out[it->second].building_name = rs->getString(2);
            out[it->second].street_name = rs->getString(3);
        }
    }
    auto& closures = c_.prepare(
        "SELECT c.venue_id, c.starts_at, c.ends_at FROM closures c "
        "JOIN venues v ON v.id = c.venue_id JOIN buildings b ON b.id = v.building_id "
        "WHERE c.starts_at < ? AND c.ends_at > ?" +
        where);
    closures.setString(1, period_end(p));
    closures.setString(2, period_start(p));
    if (bound) closures.setString(3, *bound);
    Rs rs(closures.executeQuery());
    while (rs->next()) {
        auto it = index.find(rs->getUInt64(1));
        if (it == index.end()) continue;
        out[it->second].closures.push_back({read_time(*rs, 2), read_time(*rs, 3)});
    }
    return out;
}

std::vector<LedgerRow> MysqlStatsStore::ledger(const Period& p, const StatsScope& scope) {
    auto [where, bound] = scope_sql(scope);
    auto& q = c_.prepare(
        "SELECT bk.id, st.name, b.name, v.name, bk.starts_at, "
        "bk.ends_at, bk.status, IF(u.closed_at IS NULL, u.name, '已注销用户'), "
        "COALESCE(NULLIF(bk.org, "
        "''), u.org), "
        "bk.purpose, bk.attendees, bk.checked_in_at, "
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
        r.start = read_time(*rs, 5);
        r.end = read_time(*rs, 6);
        r.status = rs->getString(7);
        r.booker = rs->getString(8);
        r.org = rs->getString(9);
        r.purpose = rs->getString(10);
        r.attendees = rs->getInt(11);
        if (!rs->isNull(12)) r.checked_in_at = read_optional_time(*rs, 12);
        r.present = rs->getInt(13);
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<SharingFlow> MysqlStatsStore::sharing(const Period& p, const StatsScope& scope) {
    auto [where, bound] = scope_sql(scope);
    auto& q = c_.prepare(
        "SELECT COALESCE(b.unit_id, 0), COALESCE(pu.name, '未归属'), COALESCE(bk.unit_id, 0), "
        "COALESCE(uu.name, '未归属'), COUNT(*), "
        "SUM(TIMESTAMPDIFF(MINUTE, bk.starts_at, bk.ends_at)), SUM(bk.present) "
        "FROM bookings bk JOIN venues v ON v.id = bk.venue_id "
        "JOIN buildings b ON b.id = v.building_id "
        "LEFT JOIN units pu ON pu.id = b.unit_id LEFT JOIN units uu ON uu.id = bk.unit_id "
        "WHERE bk.starts_at >= ? AND bk.starts_at < ? "
        "AND bk.status IN ('checked_in', 'completed')" +
        where + " GROUP BY 1, 2, 3, 4");
    q.setString(1, period_start(p));
    q.setString(2, period_end(p));
    if (bound) q.setString(3, *bound);
    Rs rs(q.executeQuery());
    std::vector<SharingFlow> out;
    while (rs->next()) {
        SharingFlow f;
        f.provider = rs->getUInt64(1);
        f.provider_name = rs->getString(2);
        f.user = rs->getUInt64(3);
        f.user_name = rs->getString(4);
        f.figures = {rs->getInt64(5), rs->getInt64(6), rs->getInt64(7)};
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace sh::mysql
