#include "server/mysql/booking_store.hpp"

#include <algorithm>
#include <memory>

#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "booking/local_time.hpp"

namespace sh::mysql {

using namespace booking;
using Rs = std::unique_ptr<sql::ResultSet>;

namespace {
constexpr const char* owning = "('pending','confirmed','checked_in','completed')";
constexpr const char* booking_columns =
    "SELECT bk.id, bk.venue_id, v.building_id, b.street_id, bk.user_id, "
    "DATE_FORMAT(bk.starts_at, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(bk.ends_at, '%Y-%m-%d %H:%i:%s'), "
    "bk.status, bk.purpose, bk.attendees, bk.org, COALESCE(bk.cancel_reason, ''), "
    "DATE_FORMAT(bk.checked_in_at, '%Y-%m-%d %H:%i:%s'), "
    "bk.present "
    "FROM bookings bk JOIN venues v ON v.id = bk.venue_id JOIN buildings b ON b.id = v.building_id ";

Booking read_booking(sql::ResultSet& rs) {
    Booking b;
    b.id = rs.getUInt64(1);
    b.venue_id = rs.getUInt64(2);
    b.building_id = rs.getUInt64(3);
    b.street_id = rs.getUInt64(4);
    b.user_id = rs.getUInt64(5);
    b.start = *from_sql_datetime(std::string(rs.getString(6)));
    b.end = *from_sql_datetime(std::string(rs.getString(7)));
    b.status = parse_status(std::string(rs.getString(8))).value_or(BookingStatus::cancelled);
    b.purpose = rs.getString(9);
    b.attendees = rs.getInt(10);
    b.org = rs.getString(11);
    b.cancel_reason = rs.getString(12);
    if (!rs.isNull(13)) b.checked_in_at = from_sql_datetime(std::string(rs.getString(13)));
    b.present = rs.getInt(14);
    return b;
}

}  // namespace

std::optional<std::optional<TimePoint>> MysqlBookingStore::lock_user(UserId id) {
    // FOR UPDATE: every booking of this user serialises here, so the counts below are exact.
    auto& q = c_.prepare("SELECT DATE_FORMAT(banned_until, '%Y-%m-%d %H:%i:%s') FROM users WHERE id = ? FOR UPDATE");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    if (rs->isNull(1)) return std::optional<TimePoint>{};
    return std::optional<TimePoint>{from_sql_datetime(std::string(rs->getString(1)))};
}

std::optional<Venue> MysqlBookingStore::find_venue(VenueId id, Lock lock) { return venues_.find_venue(id, lock); }

std::vector<ClosureSpan> MysqlBookingStore::closures_between(VenueId id, TimePoint from, TimePoint to) {
    return venues_.closures_between(id, from, to);
}

Usage MysqlBookingStore::usage(UserId user, Date day, TimePoint now) {
    // One pass over the user's bookings (index on user_id), read after the user's row lock.
    Date monday = week_start(day);
    auto& q = c_.prepare(std::string(
        "SELECT COALESCE(SUM(status IN ('pending','confirmed','checked_in') AND ends_at > ?), 0), "
        "COALESCE(SUM(status IN ") + owning + " AND starts_at >= ? AND starts_at < ?), 0), "
        "COALESCE(SUM(CASE WHEN status IN " + owning + " AND starts_at >= ? AND starts_at < ? "
        "THEN TIMESTAMPDIFF(MINUTE, starts_at, ends_at) END), 0) FROM bookings WHERE user_id = ?");
    q.setString(1, to_sql_datetime(now));
    q.setString(2, to_sql_datetime(to_timepoint(day, 0)));
    q.setString(3, to_sql_datetime(to_timepoint(add_days(day, 1), 0)));
    q.setString(4, to_sql_datetime(to_timepoint(monday, 0)));
    q.setString(5, to_sql_datetime(to_timepoint(add_days(monday, 7), 0)));
    q.setUInt64(6, user);
    Rs rs(q.executeQuery());
    rs->next();
    return Usage{rs->getInt(1), rs->getInt(2), rs->getInt(3)};
}

BookingId MysqlBookingStore::insert_booking(const Booking& b) {
    auto& q = c_.prepare(
        "INSERT INTO bookings (venue_id, user_id, starts_at, ends_at, status, purpose, attendees, org) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.setUInt64(1, b.venue_id);
    q.setUInt64(2, b.user_id);
    q.setString(3, to_sql_datetime(b.start));
    q.setString(4, to_sql_datetime(b.end));
    q.setString(5, std::string(status_name(b.status)));
    q.setString(6, b.purpose);
    q.setInt(7, b.attendees);
    q.setString(8, b.org);
    q.executeUpdate();
    return c_.last_insert_id();
}

bool MysqlBookingStore::insert_quanta(VenueId venue, BookingId booking, const std::vector<TimePoint>& quanta) {
    // One statement for all the quanta, in ascending order. The primary key (venue_id,
    // slot_start) refuses a quantum that another booking owns: that is the guard.
    std::string sql = "INSERT INTO booking_quanta (venue_id, slot_start, booking_id) VALUES ";
    for (std::size_t i = 0; i < quanta.size(); ++i) sql += i ? ", (?, ?, ?)" : "(?, ?, ?)";
    auto& q = c_.prepare(sql);
    unsigned int p = 1;
    for (const auto& t : quanta) {
        q.setUInt64(p++, venue);
        q.setString(p++, to_sql_datetime(t));
        q.setUInt64(p++, booking);
    }
    try {
        q.executeUpdate();
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == 1062) return false;  // ER_DUP_ENTRY: slot taken
        throw;
    }
    return true;
}

std::optional<Booking> MysqlBookingStore::find_booking(BookingId id, bool for_update) {
    if (for_update) {
        // The booking's row alone: a locking read with the joins below would also lock its hall and
        // building rows and serialise with every booking of the building.
        auto& lock = c_.prepare("SELECT id FROM bookings WHERE id = ? FOR UPDATE");
        lock.setUInt64(1, id);
        Rs rs(lock.executeQuery());
        if (!rs->next()) return std::nullopt;
    }
    auto& q = c_.prepare(std::string(booking_columns) + "WHERE bk.id = ?");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_booking(*rs);
}

void MysqlBookingStore::set_status(BookingId id, BookingStatus s, const std::string& reason, UserId by) {
    auto& q = c_.prepare("UPDATE bookings SET status = ?, cancel_reason = ?, cancelled_by = ? WHERE id = ?");
    q.setString(1, std::string(status_name(s)));
    if (reason.empty()) q.setNull(2, sql::DataType::VARCHAR);
    else q.setString(2, reason);  // checked in characters by the domain; the column fits a prefix too
    if (s == BookingStatus::cancelled || s == BookingStatus::rejected) q.setUInt64(3, by);
    else q.setNull(3, sql::DataType::BIGINT);
    q.setUInt64(4, id);
    q.executeUpdate();
}

void MysqlBookingStore::release_quanta(BookingId id) {
    auto& q = c_.prepare("DELETE FROM booking_quanta WHERE booking_id = ?");
    q.setUInt64(1, id);
    q.executeUpdate();
}

KeyClaim MysqlBookingStore::claim_key(UserId user, const std::string& key, const std::string& hash) {
    // A short lock wait: a request with the same key still running holds this row uncommitted.
    c_.execute("SET SESSION innodb_lock_wait_timeout = 1");
    KeyClaim result = KeyClaim::claimed;
    try {
        auto& gone = c_.prepare(
            "DELETE FROM idempotency_keys WHERE user_id = ? AND idem_key = ? AND created_at < NOW() - INTERVAL 24 HOUR");
        gone.setUInt64(1, user);
        gone.setString(2, key);
        gone.executeUpdate();
        auto& q = c_.prepare(
            "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, response_status, response_body, created_at) "
            "VALUES (?, ?, ?, 0, '', NOW())");
        q.setUInt64(1, user);
        q.setString(2, key);
        q.setString(3, hash);
        q.executeUpdate();
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == 1062) result = KeyClaim::exists;
        else if (e.getErrorCode() == 1205) result = KeyClaim::busy;
        else {
            c_.execute("SET SESSION innodb_lock_wait_timeout = " + std::to_string(c_.lock_wait_timeout_s()));
            throw;
        }
    }
    c_.execute("SET SESSION innodb_lock_wait_timeout = " + std::to_string(c_.lock_wait_timeout_s()));
    return result;
}

void MysqlBookingStore::complete_key(UserId user, const std::string& key, int status, const std::string& body) {
    auto& q = c_.prepare("UPDATE idempotency_keys SET response_status = ?, response_body = ? WHERE user_id = ? AND idem_key = ?");
    q.setInt(1, status);
    q.setString(2, body);
    q.setUInt64(3, user);
    q.setString(4, key);
    q.executeUpdate();
}

std::optional<StoredResponse> MysqlBookingStore::find_key(UserId user, const std::string& key) {
    auto& q = c_.prepare(
        "SELECT response_status, response_body, request_hash FROM idempotency_keys "
        "WHERE user_id = ? AND idem_key = ? AND response_status > 0 AND created_at > NOW() - INTERVAL 24 HOUR");
    q.setUInt64(1, user);
    q.setString(2, key);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return StoredResponse{rs->getInt(1), rs->getString(2), rs->getString(3)};
}

void MysqlBookingStore::audit(UserId actor, const std::string& action, const std::string& object_type,
                              std::uint64_t object_id, const nlohmann::json& before, const nlohmann::json& after) {
    insert_audit(c_, actor, action, object_type, object_id, before, after);
}

bool MysqlBookingStore::any_quanta_between(VenueId venue, TimePoint from, TimePoint to) {
    auto& q = c_.prepare("SELECT 1 FROM booking_quanta WHERE venue_id = ? AND slot_start >= ? AND slot_start < ? LIMIT 1");
    q.setUInt64(1, venue);
    q.setString(2, to_sql_datetime(from));
    q.setString(3, to_sql_datetime(to));
    Rs rs(q.executeQuery());
    return rs->next();
}

std::vector<Booking> MysqlBookingStore::list(const BookingQuery& f) {
    std::string where = "WHERE 1 = 1";
    std::vector<std::string> params;
    auto add = [&](const std::string& clause, const std::string& value) {
        where += " AND " + clause;
        params.push_back(value);
    };
    if (f.user_id) add("bk.user_id = ?", std::to_string(*f.user_id));
    if (f.street_id) add("b.street_id = ?", std::to_string(*f.street_id));
    if (f.buildings) {
        if (f.buildings->empty()) return {};
        add("FIND_IN_SET(v.building_id, ?) > 0", id_list(*f.buildings));
    }
    if (f.building_id) add("v.building_id = ?", std::to_string(*f.building_id));
    if (f.venue_id) add("bk.venue_id = ?", std::to_string(*f.venue_id));
    if (f.status) add("bk.status = ?", std::string(status_name(*f.status)));
    if (f.from) add("bk.starts_at >= ?", to_sql_datetime(*f.from));
    if (f.to) add("bk.starts_at < ?", to_sql_datetime(*f.to));
    where += " ORDER BY bk.starts_at, bk.id LIMIT ? OFFSET ?";  // bound: one text for every page
    auto& q = c_.prepare(std::string(booking_columns) + where);
    unsigned int i = 1;
    for (const auto& p : params) q.setString(i++, p);
    int page = std::clamp(f.page, 1, booking::max_page);
    q.setInt(i++, f.page_size);
    q.setInt(i, (page - 1) * f.page_size);
    Rs rs(q.executeQuery());
    std::vector<Booking> out;
    while (rs->next()) out.push_back(read_booking(*rs));
    return out;
}

std::optional<VenueId> MysqlBookingStore::venue_by_code(const std::string& code) {
    auto& q = c_.prepare("SELECT id FROM venues WHERE checkin_code = ?");
    q.setString(1, code);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return rs->getUInt64(1);
}

std::optional<Booking> MysqlBookingStore::running_checked_in(VenueId venue, TimePoint now, std::chrono::minutes early) {
    auto& q = c_.prepare(std::string(booking_columns) +
                         "WHERE bk.venue_id = ? AND bk.status = 'checked_in' AND bk.starts_at <= ? AND bk.ends_at > ? "
                         "ORDER BY bk.starts_at LIMIT 1");
    q.setUInt64(1, venue);
    q.setString(2, to_sql_datetime(now + early));
    q.setString(3, to_sql_datetime(now));
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_booking(*rs);
}

void MysqlBookingStore::set_checked_in(BookingId id, TimePoint at) {
    auto& q = c_.prepare("UPDATE bookings SET status = 'checked_in', checked_in_at = ? WHERE id = ?");
    q.setString(1, to_sql_datetime(at));
    q.setUInt64(2, id);
    q.executeUpdate();
}

bool MysqlBookingStore::add_presence(BookingId id, UserId user, TimePoint at) {
    auto& q = c_.prepare("INSERT IGNORE INTO attendance (booking_id, user_id, scanned_at) VALUES (?, ?, ?)");
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

void MysqlBookingStore::set_reminded(BookingId id, TimePoint at) {
    auto& q = c_.prepare("UPDATE bookings SET reminded_at = ? WHERE id = ?");
    q.setString(1, to_sql_datetime(at));
    q.setUInt64(2, id);
    q.executeUpdate();
}

void MysqlBookingStore::notify(const Notice& n, TimePoint now) {
    auto& q = c_.prepare(
        "INSERT IGNORE INTO outbox (user_id, kind, booking_id, note, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)");
    q.setUInt64(1, n.user_id);
    q.setString(2, std::string(notice_name(n.kind)));
    q.setUInt64(3, n.booking_id);
    q.setString(4, n.note);
    q.setString(5, to_sql_datetime(now));
    q.setString(6, to_sql_datetime(now));
    q.executeUpdate();
}

bool MysqlBookingStore::add_violation(UserId user, BookingId booking, ViolationKind kind, int weight_milli, TimePoint at) {
    auto& q = c_.prepare(
        "INSERT IGNORE INTO violations (user_id, booking_id, kind, weight_milli, created_at) VALUES (?, ?, ?, ?, ?)");
    q.setUInt64(1, user);
    q.setUInt64(2, booking);
    q.setString(3, std::string(violation_name(kind)));
    q.setInt(4, weight_milli);
    q.setString(5, to_sql_datetime(at));
    return q.executeUpdate() == 1;
}

int MysqlBookingStore::violation_weight(UserId user, TimePoint since) {
    auto& q = c_.prepare(
        "SELECT COALESCE(SUM(weight_milli), 0) FROM violations WHERE user_id = ? AND created_at >= ? AND waived_at IS NULL");
    q.setUInt64(1, user);
    q.setString(2, to_sql_datetime(since));
    Rs rs(q.executeQuery());
    rs->next();
    return rs->getInt(1);
}

void MysqlBookingStore::set_ban(UserId user, std::optional<TimePoint> until) {
    auto& q = c_.prepare("UPDATE users SET banned_until = ? WHERE id = ?");
    if (until) q.setString(1, to_sql_datetime(*until));
    else q.setNull(1, sql::DataType::DATE);
    q.setUInt64(2, user);
    q.executeUpdate();
}

std::optional<ViolationRecord> MysqlBookingStore::find_violation(std::uint64_t id) {
    auto& q = c_.prepare(
        "SELECT x.id, x.user_id, x.booking_id, v.building_id, b.street_id, x.weight_milli, x.waived_at IS NOT NULL "
        "FROM violations x JOIN bookings bk ON bk.id = x.booking_id JOIN venues v ON v.id = bk.venue_id "
        "JOIN buildings b ON b.id = v.building_id WHERE x.id = ?");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return ViolationRecord{rs->getUInt64(1), rs->getUInt64(2), rs->getUInt64(3), rs->getUInt64(4),
                           rs->getUInt64(5), rs->getInt(6), rs->getBoolean(7)};
}

void MysqlBookingStore::waive_violation(std::uint64_t id, UserId by, TimePoint at) {
    auto& q = c_.prepare("UPDATE violations SET waived_at = ?, waived_by = ? WHERE id = ? AND waived_at IS NULL");
    q.setString(1, to_sql_datetime(at));
    q.setUInt64(2, by);
    q.setUInt64(3, id);
    q.executeUpdate();
}

}  // namespace sh::mysql
