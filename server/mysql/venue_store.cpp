#include "server/mysql/venue_store.hpp"

#include <map>
#include <memory>

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include "booking/calendar.hpp"
#include "server/mysql/sql_time.hpp"

namespace sh::mysql {

using namespace booking;
using Rs = std::unique_ptr<sql::ResultSet>;
using nlohmann::json;

void insert_audit(Conn& c, const AuditEntry& e, std::optional<TimePoint> at) {
    auto& q = c.prepare(
        "INSERT INTO audit_log (actor_id, action, object_type, object_id, before_json, after_json, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, COALESCE(?, NOW()))");
    q.setUInt64(1, e.actor);
    q.setString(2, e.action);
    q.setString(3, e.object_type);
    q.setUInt64(4, e.object_id);
    if (e.before.is_null())
        q.setNull(5, sql::DataType::VARCHAR);
    else
        q.setString(5, e.before.dump());
    if (e.after.is_null())
        q.setNull(6, sql::DataType::VARCHAR);
    else
        q.setString(6, e.after.dump());
    if (at)
        q.setString(7, to_sql_datetime(*at));
    else
        q.setNull(7, sql::DataType::VARCHAR);
    q.executeUpdate();
}

void MysqlVenueStore::audit(const AuditEntry& e) {
    insert_audit(c_, e);
}

std::optional<StreetId> MysqlVenueStore::street_of_building(BuildingId id) {
    auto& q = c_.prepare("SELECT street_id FROM buildings WHERE id = ?");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return rs->getUInt64(1);
}

bool MysqlVenueStore::street_exists(StreetId id) {
    auto& q = c_.prepare("SELECT id FROM streets WHERE id = ?");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    return rs->next();
}

BuildingId MysqlVenueStore::insert_building(const Building& b) {
    auto& q = c_.prepare("INSERT INTO buildings (street_id, name, address) VALUES (?, ?, ?)");
    q.setUInt64(1, b.street_id);
    q.setString(2, b.name);
    q.setString(3, b.address);
    q.executeUpdate();
    return c_.last_insert_id();
}

namespace {
void bind_venue(sql::PreparedStatement& q, const Venue& v) {
    const auto& r = v.rules;
    q.setString(1, v.name);
    q.setInt(2, v.capacity);
    q.setString(3, v.description);
    q.setString(4, json(v.photos).dump());
    q.setString(5, v.floor);
    q.setBoolean(6, r.requires_approval);
    q.setInt(7, r.slot_minutes);
    q.setInt(8, r.horizon_days);
    q.setInt(9, r.release_minute);
    q.setInt(10, r.min_minutes);
    q.setInt(11, r.max_minutes);
    q.setInt(12, r.cancel_deadline_minutes);
    q.setInt(13, r.checkin_before_minutes);
    q.setInt(14, r.checkin_after_minutes);
    q.setInt(15, r.min_notice_minutes);
    q.setInt(16, r.max_active_here);
    q.setString(17, std::string(open_to_name(r.open_to)));
    std::string units;
    for (auto u : r.open_units) units += (units.empty() ? "" : ",") + std::to_string(u);
    q.setString(18, units);
    q.setInt(19, r.buffer_minutes);
    q.setInt(20, r.escalate_after_hours);
}
}  // namespace

VenueId MysqlVenueStore::insert_venue(const Venue& v) {
    auto& q = c_.prepare(
        "INSERT INTO venues (name, capacity, description, photos, floor, requires_approval, "
        "slot_minutes, "
        "horizon_days, release_minute, min_minutes, max_minutes, cancel_deadline_minutes, "
        "checkin_before_minutes, checkin_after_minutes, min_notice_minutes, max_active_here, "
        "open_to, open_units, buffer_minutes, escalate_after_hours, building_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    bind_venue(q, v);
    q.setUInt64(21, v.building_id);
    q.executeUpdate();
    Venue stored = v;
    stored.id = c_.last_insert_id();
    write_children(stored);
    return stored.id;
}

void MysqlVenueStore::update_venue(const Venue& v) {
    auto& q = c_.prepare(
        "UPDATE venues SET name = ?, capacity = ?, description = ?, photos = ?, floor = ?, "
        "requires_approval = ?, slot_minutes = ?, horizon_days = ?, release_minute = ?, "
        "min_minutes = ?, "
        "max_minutes = ?, cancel_deadline_minutes = ?, checkin_before_minutes = ?, "
        "checkin_after_minutes = ?, min_notice_minutes = ?, max_active_here = ?, open_to = ?, "
        "open_units = ?, buffer_minutes = ?, escalate_after_hours = ? "
        "WHERE id = ?");
    bind_venue(q, v);
    q.setUInt64(21, v.id);
    q.executeUpdate();
    write_children(v);
}

void MysqlVenueStore::write_children(const Venue& v) {
    auto& dh = c_.prepare("DELETE FROM venue_hours WHERE venue_id = ?");
    dh.setUInt64(1, v.id);
    dh.executeUpdate();
    auto& ih = c_.prepare(
        "INSERT INTO venue_hours (venue_id, weekday, open_minute, close_minute) VALUES (?, ?, ?, "
        "?)");
    for (const auto& h : v.rules.weekly_hours) {
        ih.setUInt64(1, v.id);
        ih.setInt(2, h.weekday);
        ih.setInt(3, h.open);
        ih.setInt(4, h.close);
        ih.executeUpdate();
    }
    auto& df = c_.prepare("DELETE FROM venue_facilities WHERE venue_id = ?");
    df.setUInt64(1, v.id);
    df.executeUpdate();
    auto& inf =
        c_.prepare("INSERT IGNORE INTO venue_facilities (venue_id, facility) VALUES (?, ?)");
    for (const auto& f : v.facilities) {
        inf.setUInt64(1, v.id);
        inf.setString(2, f);
        inf.executeUpdate();
    }
}

std::vector<Venue> MysqlVenueStore::load(const std::string& where_sql,
                                         const std::vector<std::string>& params) {
    std::string sql =
        "SELECT v.id, v.building_id, b.street_id, v.name, v.capacity, v.description, v.photos, "
        "v.floor, "
        "v.requires_approval, v.slot_minutes, v.horizon_days, v.release_minute, v.min_minutes, "
        "v.max_minutes, "
        "v.cancel_deadline_minutes, v.checkin_before_minutes, v.checkin_after_minutes, "
        "COALESCE(v.checkin_code, ''), v.min_notice_minutes, v.max_active_here, v.open_to, "
        "v.open_units, v.buffer_minutes, v.escalate_after_hours "
        "FROM venues v JOIN buildings b ON b.id = v.building_id " +
        where_sql;
    auto& q = c_.prepare(sql);
    for (std::size_t i = 0; i < params.size(); ++i)
        q.setString(static_cast<unsigned int>(i + 1), params[i]);
    Rs rs(q.executeQuery());
    std::vector<Venue> out;
    std::map<VenueId, std::size_t> index;
    while (rs->next()) {
        Venue v;
        v.id = rs->getUInt64(1);
        v.building_id = rs->getUInt64(2);
        v.street_id = rs->getUInt64(3);
        v.name = rs->getString(4);
        v.capacity = rs->getInt(5);
        v.description = rs->getString(6);
        auto photos = json::parse(std::string(rs->getString(7)), nullptr, false);
        if (photos.is_array())
            for (const auto& p : photos)
                if (p.is_string()) v.photos.push_back(p.get<std::string>());
        v.floor = rs->getString(8);
        auto& r = v.rules;
        r.requires_approval = rs->getBoolean(9);
        r.slot_minutes = rs->getInt(10);
        r.horizon_days = rs->getInt(11);
        r.release_minute = rs->getInt(12);
        r.min_minutes = rs->getInt(13);
        r.max_minutes = rs->getInt(14);
        r.cancel_deadline_minutes = rs->getInt(15);
        r.checkin_before_minutes = rs->getInt(16);
        r.checkin_after_minutes = rs->getInt(17);
        v.checkin_code = rs->getString(18);
        r.min_notice_minutes = rs->getInt(19);
        r.max_active_here = rs->getInt(20);
        r.open_to = parse_open_to(std::string(rs->getString(21))).value_or(OpenTo::district);
        r.buffer_minutes = rs->getInt(23);
        r.escalate_after_hours = rs->getInt(24);
        const std::string units = rs->getString(22);
        for (std::size_t at = 0; at < units.size();) {
            auto comma = units.find(',', at);
            if (comma == std::string::npos) comma = units.size();
            r.open_units.push_back(std::stoull(units.substr(at, comma - at)));
            at = comma + 1;
        }
        index[v.id] = out.size();
        out.push_back(std::move(v));
    }
    rs.reset();
    if (out.empty()) return out;
    std::string ids;
    for (const auto& v : out) ids += (ids.empty() ? "" : ",") + std::to_string(v.id);
    // One hall: cached prepared statements. Several: one IN (...) query each for hours and
    // facilities; the ids are numbers read from the database above, never client input, and a
    // plain statement keeps the per-connection prepared-statement cache from growing per id set.
    if (out.size() == 1) {
        auto& h = c_.prepare(
            "SELECT venue_id, weekday, open_minute, close_minute FROM venue_hours WHERE venue_id = "
            "? "
            "ORDER BY weekday, open_minute");
        h.setUInt64(1, out[0].id);
        Rs hrs(h.executeQuery());
        while (hrs->next())
            out[0].rules.weekly_hours.push_back(
                HoursRange{hrs->getInt(2), hrs->getInt(3), hrs->getInt(4)});
        auto& f = c_.prepare(
            "SELECT facility FROM venue_facilities WHERE venue_id = ? ORDER BY facility");
        f.setUInt64(1, out[0].id);
        Rs frs(f.executeQuery());
        while (frs->next()) out[0].facilities.push_back(frs->getString(1));
        return out;
    }
    {
        std::unique_ptr<sql::Statement> st(c_.raw().createStatement());
        Rs hrs(
            st->executeQuery("SELECT venue_id, weekday, open_minute, close_minute FROM venue_hours "
                             "WHERE venue_id IN (" +
                             ids + ") ORDER BY venue_id, weekday, open_minute"));
        while (hrs->next())
            out[index[hrs->getUInt64(1)]].rules.weekly_hours.push_back(
                HoursRange{hrs->getInt(2), hrs->getInt(3), hrs->getInt(4)});
        Rs frs(
            st->executeQuery("SELECT venue_id, facility FROM venue_facilities WHERE venue_id IN (" +
                             ids + ") ORDER BY venue_id, facility"));
        while (frs->next()) out[index[frs->getUInt64(1)]].facilities.push_back(frs->getString(2));
    }
    return out;
}

std::optional<Venue> MysqlVenueStore::find_venue(VenueId id, Lock lock) {
    if (lock != Lock::none) {
        // The hall row alone is the lock between a booking (shared) and a closure or rules change
        // (exclusive; docs/architecture.md). A locking read that joins would lock the building's
        // row too and serialise every hall of the building; so lock first, then read without locks.
        auto& q = c_.prepare(lock == Lock::shared
                                 ? "SELECT id FROM venues WHERE id = ? LOCK IN SHARE MODE"
                                 : "SELECT id FROM venues WHERE id = ? FOR UPDATE");
        q.setUInt64(1, id);
        Rs rs(q.executeQuery());
        if (!rs->next()) return std::nullopt;
    }
    auto v = load("WHERE v.id = ?", {std::to_string(id)});
    if (v.empty()) return std::nullopt;
    return v[0];
}

std::vector<Venue> MysqlVenueStore::search(const VenueQuery& q) {
    std::string where = "WHERE 1 = 1";
    std::vector<std::string> params;
    if (q.street_id) {
        where += " AND b.street_id = ?";
        params.push_back(std::to_string(*q.street_id));
    }
    if (q.building_id) {
        where += " AND v.building_id = ?";
        params.push_back(std::to_string(*q.building_id));
    }
    if (q.min_capacity) {
        where += " AND v.capacity >= ?";
        params.push_back(std::to_string(*q.min_capacity));
    }
    if (q.facility) {
        where +=
            " AND EXISTS (SELECT 1 FROM venue_facilities f WHERE f.venue_id = v.id AND f.facility "
            "= ?)";
        params.push_back(*q.facility);
    }
    // Smallest hall that fits first when a size is asked for; otherwise by building and name.
    where += q.min_capacity ? " ORDER BY v.capacity, v.id"
                            : " ORDER BY b.street_id, v.building_id, v.name, v.id";
    return load(where, params);
}

std::vector<BookingId> MysqlVenueStore::bookings_between(VenueId id, TimePoint from, TimePoint to) {
    auto& q = c_.prepare(
        "SELECT DISTINCT booking_id FROM booking_quanta WHERE venue_id = ? AND slot_start >= ? AND "
        "slot_start < ? "
        "ORDER BY booking_id");
    q.setUInt64(1, id);
    // A quantum starting up to 15 minutes before `from` still overlaps it.
    q.setString(2, to_sql_datetime(from - std::chrono::minutes(quantum_minutes - 1)));
    q.setString(3, to_sql_datetime(to));
    Rs rs(q.executeQuery());
    std::vector<BookingId> out;
    while (rs->next()) out.push_back(rs->getUInt64(1));
    return out;
}

void MysqlVenueStore::cancel_bookings(const std::vector<BookingId>& ids, UserId by,
                                      const std::string& reason, TimePoint now) {
    auto& up = c_.prepare(
        "UPDATE bookings SET status = 'cancelled', cancel_reason = ?, cancelled_by = ? WHERE id = "
        "?");
    auto& del = c_.prepare("DELETE FROM booking_quanta WHERE booking_id = ?");
    // Each owner is told, in this transaction (a notice keyed as Notice::about_booking keys it).
    auto& tell = c_.prepare(
        "INSERT IGNORE INTO notices (user_id, kind, subject_kind, subject_id, dedup_key, note, "
        "next_attempt_at, created_at) "
        "SELECT user_id, 'closure_cancelled', 'booking', id, CONCAT('closure_cancelled:booking:', "
        "id), ?, ?, ? "
        "FROM bookings WHERE id = ?");  // due at once
    for (auto id : ids) {
        up.setString(1, reason);  // "closure: " + at most 200 characters: the column holds 300
        up.setUInt64(2, by);
        up.setUInt64(3, id);
        up.executeUpdate();
        del.setUInt64(1, id);
        del.executeUpdate();
        tell.setString(1, reason);
        tell.setString(2, to_sql_datetime(now));
        tell.setString(3, to_sql_datetime(now));
        tell.setUInt64(4, id);
        tell.executeUpdate();
    }
}

ClosureId MysqlVenueStore::insert_closure(const Closure& c, UserId by) {
    auto& q = c_.prepare(
        "INSERT INTO closures (venue_id, starts_at, ends_at, reason, created_by) VALUES (?, ?, ?, "
        "?, ?)");
    q.setUInt64(1, c.venue_id);
    q.setString(2, to_sql_datetime(c.from));
    q.setString(3, to_sql_datetime(c.to));
    q.setString(4, c.reason);
    q.setUInt64(5, by);
    q.executeUpdate();
    return c_.last_insert_id();
}

namespace {
Closure read_closure(sql::ResultSet& rs) {
    Closure c;
    c.id = rs.getUInt64(1);
    c.venue_id = rs.getUInt64(2);
    c.from = read_time(rs, 3);
    c.to = read_time(rs, 4);
    c.reason = rs.getString(5);
    return c;
}
constexpr const char* closure_columns =
    "SELECT id, venue_id, starts_at, ends_at, "
    "reason FROM closures ";
}  // namespace

std::optional<Closure> MysqlVenueStore::find_closure(ClosureId id) {
    auto& q = c_.prepare(std::string(closure_columns) + "WHERE id = ?");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_closure(*rs);
}

void MysqlVenueStore::delete_closure(ClosureId id) {
    auto& q = c_.prepare("DELETE FROM closures WHERE id = ?");
    q.setUInt64(1, id);
    q.executeUpdate();
}

std::vector<Closure> MysqlVenueStore::closures(VenueId id) {
    auto& q =
        c_.prepare(std::string(closure_columns) + "WHERE venue_id = ? ORDER BY starts_at, id");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    std::vector<Closure> out;
    while (rs->next()) out.push_back(read_closure(*rs));
    return out;
}

std::vector<Street> MysqlVenueStore::streets() {
    Rs rs(c_.prepare("SELECT id, name FROM streets ORDER BY id").executeQuery());
    std::vector<Street> out;
    while (rs->next()) out.push_back(Street{rs->getUInt64(1), rs->getString(2)});
    return out;
}

std::vector<Building> MysqlVenueStore::buildings(std::optional<StreetId> street) {
    auto& q = c_.prepare(
        street
            ? "SELECT id, street_id, name, address FROM buildings WHERE street_id = ? ORDER BY id"
            : "SELECT id, street_id, name, address FROM buildings ORDER BY id");
    if (street) q.setUInt64(1, *street);
    Rs rs(q.executeQuery());
    std::vector<Building> out;
    while (rs->next())
        out.push_back(
            Building{rs->getUInt64(1), rs->getUInt64(2), rs->getString(3), rs->getString(4)});
    return out;
}

std::vector<ClosureSpan> MysqlVenueStore::closures_between(VenueId id, TimePoint from,
                                                           TimePoint to) {
    auto& q = c_.prepare(
        "SELECT starts_at, ends_at "
        "FROM closures WHERE venue_id = ? AND starts_at < ? AND ends_at > ?");
    q.setUInt64(1, id);
    q.setString(2, to_sql_datetime(to));
    q.setString(3, to_sql_datetime(from));
    Rs rs(q.executeQuery());
    std::vector<ClosureSpan> out;
    while (rs->next()) out.push_back({read_time(*rs, 1), read_time(*rs, 2)});
    return out;
}

std::optional<DayInputs> MysqlVenueStore::day_inputs(VenueId id, Date d) {
    auto v = find_venue(id, Lock::none);
    if (!v) return std::nullopt;
    DayInputs in{*v, {}, {}};
    TimePoint day_start = to_timepoint(d, 0), day_end = to_timepoint(add_days(d, 1), 0);
    in.closures = closures_between(id, day_start, day_end);
    auto& bq = c_.prepare(
        "SELECT HOUR(slot_start) * 60 + MINUTE(slot_start) FROM booking_quanta "
        "WHERE venue_id = ? AND slot_start >= ? AND slot_start < ?");
    bq.setUInt64(1, id);
    bq.setString(2, to_sql_datetime(day_start));
    bq.setString(3, to_sql_datetime(day_end));
    Rs brs(bq.executeQuery());
    while (brs->next()) in.booked.insert(brs->getInt(1));
    return in;
}

booking::DayOccupancy MysqlVenueStore::occupancy(Date d) {
    booking::DayOccupancy out;
    TimePoint day_start = to_timepoint(d, 0), day_end = to_timepoint(add_days(d, 1), 0);
    auto& cq = c_.prepare(
        "SELECT venue_id, starts_at, ends_at "
        "FROM closures WHERE starts_at < ? AND ends_at > ?");
    cq.setString(1, to_sql_datetime(day_end));
    cq.setString(2, to_sql_datetime(day_start));
    Rs crs(cq.executeQuery());
    while (crs->next())
        out.closures[crs->getUInt64(1)].push_back(
            booking::ClosureSpan{read_time(*crs, 2), read_time(*crs, 3)});
    auto& bq = c_.prepare(
        "SELECT venue_id, HOUR(slot_start) * 60 + MINUTE(slot_start) FROM booking_quanta "
        "WHERE slot_start >= ? AND slot_start < ?");
    bq.setString(1, to_sql_datetime(day_start));
    bq.setString(2, to_sql_datetime(day_end));
    Rs brs(bq.executeQuery());
    while (brs->next()) out.booked[brs->getUInt64(1)].insert(brs->getInt(2));
    return out;
}

std::string MysqlVenueStore::ensure_checkin_code(VenueId id, const std::string& fresh) {
    auto& set =
        c_.prepare("UPDATE venues SET checkin_code = ? WHERE id = ? AND checkin_code IS NULL");
    set.setString(1, fresh);
    set.setUInt64(2, id);
    set.executeUpdate();
    auto& q = c_.prepare("SELECT COALESCE(checkin_code, '') FROM venues WHERE id = ?");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    return rs->next() ? std::string(rs->getString(1)) : std::string();
}

void MysqlVenueStore::set_checkin_code(VenueId id, const std::string& code) {
    auto& q = c_.prepare("UPDATE venues SET checkin_code = ? WHERE id = ?");
    q.setString(1, code);
    q.setUInt64(2, id);
    q.executeUpdate();
    auto& drop = c_.prepare("DELETE FROM venue_qrcodes WHERE venue_id = ?");
    drop.setUInt64(1, id);
    drop.executeUpdate();
}

std::optional<std::string> MysqlVenueStore::cached_qrcode(VenueId id, const std::string& code) {
    auto& q = c_.prepare("SELECT png FROM venue_qrcodes WHERE venue_id = ? AND checkin_code = ?");
    q.setUInt64(1, id);
    q.setString(2, code);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return std::string(rs->getString(1));
}

void MysqlVenueStore::store_qrcode(VenueId id, const std::string& code, const std::string& png,
                                   TimePoint now) {
    auto& q = c_.prepare(
        "REPLACE INTO venue_qrcodes (venue_id, checkin_code, png, created_at) VALUES (?, ?, ?, ?)");
    q.setUInt64(1, id);
    q.setString(2, code);
    q.setString(3, png);
    q.setString(4, to_sql_datetime(now));
    q.executeUpdate();
}

}  // namespace sh::mysql
