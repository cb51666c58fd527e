#include "server/mysql/booking_store.hpp"

#include <algorithm>
#include <memory>
#include <set>
#include <sstream>
#include <tuple>

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include "booking/calendar.hpp"
#include "server/mysql/sql_time.hpp"

namespace sh::mysql {

using namespace booking;
using Rs = std::unique_ptr<sql::ResultSet>;

namespace {
constexpr const char* owning = "('pending','confirmed','checked_in','completed')";
}  // namespace

const char* const booking_columns =
    "SELECT bk.id, bk.venue_id, v.building_id, b.street_id, bk.user_id, "
    "bk.starts_at, bk.ends_at, "
    "bk.status, bk.purpose, bk.attendees, bk.org, COALESCE(bk.cancel_reason, ''), "
    "bk.checked_in_at, "
    "bk.present, bk.buffer_minutes, bk.created_at, "
    "(SELECT JSON_ARRAYAGG(JSON_OBJECT('id', c.user_id, 'name', u.name) ORDER BY c.added_at, "
    "c.seat) FROM booking_coorganisers c JOIN users u ON u.id = c.user_id WHERE c.booking_id = "
    "bk.id), "
    "bk.ext_starts_at, bk.ext_ends_at, bk.ext_asked_at "
    "FROM bookings bk JOIN venues v ON v.id = bk.venue_id JOIN buildings b ON b.id = "
    "v.building_id ";

Booking read_booking(sql::ResultSet& rs) {
    Booking b;
    b.id = rs.getUInt64(1);
    b.venue_id = rs.getUInt64(2);
    b.building_id = rs.getUInt64(3);
    b.street_id = rs.getUInt64(4);
    b.user_id = rs.getUInt64(5);
    b.start = read_time(rs, 6);
    b.end = read_time(rs, 7);
    b.status = parse_status(std::string(rs.getString(8))).value_or(BookingStatus::cancelled);
    b.purpose = rs.getString(9);
    b.attendees = rs.getInt(10);
    b.org = rs.getString(11);
    b.cancel_reason = rs.getString(12);
    if (!rs.isNull(13)) b.checked_in_at = read_time(rs, 13);
    b.present = rs.getInt(14);
    b.buffer_minutes = rs.getInt(15);
    if (!rs.isNull(16)) b.created_at = read_time(rs, 16);
    if (!rs.isNull(17)) {
        auto list = nlohmann::json::parse(std::string(rs.getString(17)), nullptr, false);
        if (list.is_array())
            for (const auto& c : list)
                b.coorganisers.push_back(
                    {c.value("id", UserId{0}), c.value("name", std::string())});
    }
    if (!rs.isNull(18))
        b.extension = Extension{read_time(rs, 18), read_time(rs, 19), read_time(rs, 20)};
    return b;
}

std::optional<Venue> VenueRulesCache::find(VenueId id, std::uint64_t version) const {
    auto found = venues_.find(id, TimePoint{});
    if (!found || found->first != version) return std::nullopt;
    return std::move(found->second);
}

void VenueRulesCache::put(VenueId id, std::uint64_t version, const Venue& v) {
    venues_.put(id, {version, v}, TimePoint::max(), TimePoint{});
}

namespace {

// A list of n values as "?, ?, ..." with n rounded up to a power of two, so that lists of any
// length share a handful of statement texts (the statement cache stays small). bind_padded fills
// the spare places with the last value again, which changes nothing in an IN (...).
std::size_t padded(std::size_t n) {
    std::size_t p = 1;
    while (p < n) p <<= 1;
    return p;
}
std::string marks(std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < padded(n); ++i) out += i ? ", ?" : "?";
    return out;
}
template <class Ids>
unsigned int bind_padded(sql::PreparedStatement& q, unsigned int first, const Ids& ids) {
    for (std::size_t i = 0; i < padded(ids.size()); ++i)
        q.setUInt64(first++, ids[std::min(i, ids.size() - 1)]);
    return first;
}

using Quantum = std::tuple<VenueId, TimePoint, BookingId>;

// Writes quanta in one statement, in ascending (hall, start) order, so that two transactions meet
// their rows in the same order. The primary key is the guard: IGNORE turns a quantum owned by
// another booking into a row not written (instead of failing the statement), and the count
// returned tells whether any was refused. Every value is a number or a time this code formatted,
// never client input, so the text is built here (one statement text whatever the number of rows,
// outside the statement cache).
std::size_t insert_quanta(Conn& c, std::vector<Quantum> quanta) {
    std::sort(quanta.begin(), quanta.end());
    std::string rows =
        "INSERT IGNORE INTO booking_quanta (venue_id, slot_start, booking_id) VALUES ";
    for (std::size_t i = 0; i < quanta.size(); ++i) {
        const auto& [venue, t, id] = quanta[i];
        rows += (i ? ", (" : "(") + std::to_string(venue) + ", '" + to_sql_datetime(t) + "', " +
                std::to_string(id) + ")";
    }
    std::unique_ptr<sql::Statement> st(c.raw().createStatement());
    return static_cast<std::size_t>(st->executeUpdate(rows));
}

}  // namespace

std::map<UserId, MemberState> MysqlBookingStore::lock_members(const std::vector<UserId>& ids,
                                                              TimePoint since) {
    std::map<UserId, MemberState> out;
    if (ids.empty()) return out;
    // One locking read: the users' rows FOR UPDATE, in ascending id order (two transactions
    // locking several users take them in the same order), with their bookings that own quanta
    // from `since` on (ix_bookings_user: user_id, starts_at). Every booking of these users
    // serialises on these locks, so the counts made from them are exact. (The bookings' rows are
    // locked too: they are the members' own, which only their cancellations and the day's jobs
    // touch, and those wait for this short transaction.) A booking with an extension waiting
    // counts the time asked: it is held for it.
    auto& q =
        c_.prepare(std::string("SELECT u.id, u.banned_until, "
                               "COALESCE(b.ext_starts_at, b.starts_at), "
                               "COALESCE(b.ext_ends_at, b.ends_at), "
                               "b.status, b.venue_id FROM users u LEFT JOIN bookings b ON "
                               "b.user_id = u.id AND b.starts_at >= ? "
                               "AND b.status IN ") +
                   owning + " WHERE u.id IN (" + marks(ids.size()) + ") ORDER BY u.id FOR UPDATE");
    q.setString(1, to_sql_datetime(since));
    bind_padded(q, 2, ids);
    Rs rs(q.executeQuery());
    while (rs->next()) {
        auto& m = out[rs->getUInt64(1)];
        if (!rs->isNull(2)) m.banned_until = read_time(*rs, 2);
        if (!rs->isNull(3))
            m.bookings.push_back(BookedSpan{
                read_time(*rs, 3), read_time(*rs, 4),
                parse_status(std::string(rs->getString(5))).value_or(BookingStatus::cancelled),
                rs->getUInt64(6)});
    }
    return out;
}

std::map<VenueId, VenueState> MysqlBookingStore::share_venues(const std::vector<VenueId>& ids,
                                                              TimePoint from, TimePoint to) {
    std::map<VenueId, VenueState> out;
    if (ids.empty()) return out;
    // The halls' rows shared (a closure or rules change takes them exclusively), their rules'
    // versions and their closures within [from, to), in one statement.
    auto& q = c_.prepare(
        "SELECT v.id, v.rules_version, (SELECT GROUP_CONCAT(c.starts_at, '/', "
        "c.ends_at SEPARATOR ',') FROM closures c "
        "WHERE c.venue_id = v.id AND c.starts_at < ? AND c.ends_at > ?) FROM venues v WHERE v.id "
        "IN (" +
        marks(ids.size()) + ") LOCK IN SHARE MODE");
    q.setString(1, to_sql_datetime(to));
    q.setString(2, to_sql_datetime(from));
    bind_padded(q, 3, ids);
    std::vector<std::pair<VenueId, std::uint64_t>> versions;
    {
        Rs rs(q.executeQuery());
        while (rs->next()) {
            auto id = rs->getUInt64(1);
            versions.emplace_back(id, rs->getUInt64(2));
            auto& h = out[id];
            if (rs->isNull(3)) continue;
            std::stringstream spans(std::string(rs->getString(3)));
            for (std::string span; std::getline(spans, span, ',');) {
                auto slash = span.find('/');
                auto a = from_sql_datetime(span.substr(0, slash)),
                     b = from_sql_datetime(span.substr(slash + 1));
                if (a && b) h.closures.push_back({*a, *b});
            }
        }
    }
    // The rules: from the cache when its version is the row's (usual), else loaded and kept.
    for (auto [id, version] : versions) {
        auto cached = rules_ ? rules_->find(id, version) : std::nullopt;
        if (!cached) {
            cached = venues_.find_venue(id, Lock::none);
            if (!cached) {
                out.erase(id);
                continue;
            }
            if (rules_) rules_->put(id, version, *cached);
        }
        out[id].venue = std::move(*cached);
    }
    return out;
}

std::optional<Venue> MysqlBookingStore::find_venue(VenueId id, Lock lock) {
    return venues_.find_venue(id, lock);
}
std::optional<Principal> MysqlBookingStore::load_principal(UserId id) {
    return users_.load_principal(id);
}

std::vector<BookingId> MysqlBookingStore::insert_bookings(const std::vector<Booking>& bookings) {
    std::vector<BookingId> ids;
    if (bookings.empty()) return ids;
    // The rows, one statement; RETURNING gives their ids in order (no reliance on consecutive
    // AUTO_INCREMENT values, which Galera's interleaved mode does not give).
    std::string sql =
        "INSERT INTO bookings (venue_id, user_id, starts_at, ends_at, status, purpose, attendees, "
        "org, branch_id, unit_id, buffer_minutes) VALUES ";
    for (std::size_t i = 0; i < bookings.size(); ++i)
        sql += i ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    auto& q = c_.prepare(sql + " RETURNING id");
    unsigned int p = 1;
    for (const auto& b : bookings) {
        q.setUInt64(p++, b.venue_id);
        q.setUInt64(p++, b.user_id);
        q.setString(p++, to_sql_datetime(b.start));
        q.setString(p++, to_sql_datetime(b.end));
        q.setString(p++, std::string(status_name(b.status)));
        q.setString(p++, b.purpose);
        q.setInt(p++, b.attendees);
        q.setString(p++, b.org);
        for (auto id : {b.branch_id, b.unit_id})
            if (id)
                q.setUInt64(p++, *id);
            else
                q.setNull(p++, sql::DataType::BIGINT);
        q.setInt(p++, b.buffer_minutes);
    }
    {
        Rs rs(q.executeQuery());
        while (rs->next()) ids.push_back(rs->getUInt64(1));
    }
    if (ids.size() != bookings.size())
        throw std::runtime_error("INSERT ... RETURNING gave fewer ids than rows");

    // Their quanta, one statement (insert_quanta): a booking that lost any quantum to another is
    // found by the count written.
    std::vector<Quantum> quanta;
    std::vector<std::size_t> wanted;  // each booking's number of quanta
    for (std::size_t i = 0; i < bookings.size(); ++i) {
        auto own = held_quanta(bookings[i]);
        wanted.push_back(own.size());
        for (auto t : own) quanta.emplace_back(bookings[i].venue_id, t, ids[i]);
    }
    const auto all = quanta.size();
    if (insert_quanta(c_, std::move(quanta)) == all) return ids;

    // Some quantum was owned already: the bookings that did not get all theirs are taken out
    // again (with the quanta they did get), in this same transaction.
    std::map<BookingId, std::size_t> got;
    {
        auto& count =
            c_.prepare("SELECT booking_id, COUNT(*) FROM booking_quanta WHERE booking_id IN (" +
                       marks(ids.size()) + ") GROUP BY booking_id");
        bind_padded(count, 1, ids);
        Rs rs(count.executeQuery());
        while (rs->next()) got[rs->getUInt64(1)] = rs->getUInt64(2);
    }
    std::vector<BookingId> lost;
    for (std::size_t i = 0; i < bookings.size(); ++i) {
        if (got[ids[i]] != wanted[i]) {
            lost.push_back(ids[i]);
            ids[i] = 0;
        }
    }
    auto& dq =
        c_.prepare("DELETE FROM booking_quanta WHERE booking_id IN (" + marks(lost.size()) + ")");
    bind_padded(dq, 1, lost);
    dq.executeUpdate();
    auto& db = c_.prepare("DELETE FROM bookings WHERE id IN (" + marks(lost.size()) + ")");
    bind_padded(db, 1, lost);
    db.executeUpdate();
    return ids;
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

void MysqlBookingStore::set_status(BookingId id, BookingStatus s, const std::string& reason,
                                   UserId by) {
    // A booking that no longer owns time has no extension waiting (its quanta went with it). The
    // assignments run left to right: `status` in the IFs is the new one.
    auto& q = c_.prepare(std::string("UPDATE bookings SET status = ?, cancel_reason = ?, "
                                     "cancelled_by = ?, ext_starts_at = IF(status IN ") +
                         owning + ", ext_starts_at, NULL), ext_ends_at = IF(status IN " + owning +
                         ", ext_ends_at, NULL), ext_asked_at = IF(status IN " + owning +
                         ", ext_asked_at, NULL) WHERE id = ?");
    q.setString(1, std::string(status_name(s)));
    if (reason.empty())
        q.setNull(2, sql::DataType::VARCHAR);
    else
        q.setString(2,
                    reason);  // checked in characters by the domain; the column fits a prefix too
    if (s == BookingStatus::cancelled || s == BookingStatus::rejected)
        q.setUInt64(3, by);
    else
        q.setNull(3, sql::DataType::BIGINT);
    q.setUInt64(4, id);
    q.executeUpdate();
}

void MysqlBookingStore::release_quanta(BookingId id) {
    auto& q = c_.prepare("DELETE FROM booking_quanta WHERE booking_id = ?");
    q.setUInt64(1, id);
    q.executeUpdate();
}

bool MysqlBookingStore::take_quanta(VenueId venue, BookingId id,
                                    const std::vector<TimePoint>& quanta) {
    if (quanta.empty()) return true;
    // A short count: the primary key refused one (the caller rolls the whole change back).
    std::vector<Quantum> rows;
    for (auto t : quanta) rows.emplace_back(venue, t, id);
    return insert_quanta(c_, std::move(rows)) == quanta.size();
}

void MysqlBookingStore::release_quanta_outside(BookingId id, TimePoint start, TimePoint end) {
    auto& q = c_.prepare(
        "DELETE FROM booking_quanta WHERE booking_id = ? AND (slot_start < ? OR slot_start >= ?)");
    q.setUInt64(1, id);
    q.setString(2, to_sql_datetime(start));
    q.setString(3, to_sql_datetime(end));
    q.executeUpdate();
}

void MysqlBookingStore::update_terms(const Booking& b) {
    auto& q = c_.prepare(
        // A request again (a purpose a person must look at), or a new extension: told, and
        // escalated, afresh. The assignments run left to right, so `status` and `ext_asked_at` in
        // the IFs are still the old ones.
        "UPDATE bookings SET approvers_told_at = IF((? = 'pending' AND status <> 'pending') OR "
        "(? IS NOT NULL AND NOT (ext_asked_at <=> ?)), NULL, approvers_told_at), "
        "escalated_at = IF(approvers_told_at IS NULL, NULL, escalated_at), "
        "starts_at = ?, ends_at = ?, purpose = ?, attendees = ?, status = ?, "
        "ext_starts_at = ?, ext_ends_at = ?, ext_asked_at = ? WHERE id = ?");
    const std::string status(status_name(b.status));
    auto set_time_or_null = [&](unsigned i, std::optional<TimePoint> t) {
        if (t)
            q.setString(i, to_sql_datetime(*t));
        else
            q.setNull(i, sql::DataType::VARCHAR);
    };
    const auto& ext = b.extension;
    q.setString(1, status);
    set_time_or_null(2, ext ? std::optional(ext->asked_at) : std::nullopt);
    set_time_or_null(3, ext ? std::optional(ext->asked_at) : std::nullopt);
    q.setString(4, to_sql_datetime(b.start));
    q.setString(5, to_sql_datetime(b.end));
    q.setString(6, b.purpose);
    q.setInt(7, b.attendees);
    q.setString(8, status);
    set_time_or_null(9, ext ? std::optional(ext->start) : std::nullopt);
    set_time_or_null(10, ext ? std::optional(ext->end) : std::nullopt);
    set_time_or_null(11, ext ? std::optional(ext->asked_at) : std::nullopt);
    q.setUInt64(12, b.id);
    q.executeUpdate();
}

std::vector<KeyRecord> MysqlBookingStore::find_keys(
    const std::vector<std::pair<UserId, std::string>>& keys, TimePoint since) {
    std::vector<KeyRecord> out;
    if (keys.empty()) return out;
    // Users and keys as two lists (the primary key's range), the pairs sorted out here.
    std::vector<UserId> users;
    std::vector<std::string> names;
    for (const auto& [u, k] : keys) {
        users.push_back(u);
        names.push_back(k);
    }
    auto& q = c_.prepare(
        "SELECT user_id, idem_key, request_hash, response_status, response_body FROM "
        "idempotency_keys "
        "WHERE user_id IN (" +
        marks(users.size()) + ") AND idem_key IN (" + marks(names.size()) +
        ") AND response_status > 0 AND created_at > ?");
    auto p = bind_padded(q, 1, users);
    for (std::size_t i = 0; i < padded(names.size()); ++i)
        q.setString(p++, names[std::min(i, names.size() - 1)]);
    q.setString(p, to_sql_datetime(since));
    Rs rs(q.executeQuery());
    std::set<std::pair<UserId, std::string>> wanted(keys.begin(), keys.end());
    while (rs->next()) {
        KeyRecord k{rs->getUInt64(1), rs->getString(2), rs->getString(3), rs->getInt(4),
                    rs->getString(5)};
        if (wanted.count({k.user, k.key})) out.push_back(std::move(k));
    }
    return out;
}

void MysqlBookingStore::store_keys(const std::vector<KeyRecord>& keys, TimePoint now) {
    if (keys.empty()) return;
    // An aged key (older than its 24 h, not found above) is replaced.
    std::string sql =
        "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, response_status, "
        "response_body, created_at) VALUES ";
    for (std::size_t i = 0; i < keys.size(); ++i)
        sql += i ? ", (?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?)";
    auto& q = c_.prepare(
        sql +
        " ON DUPLICATE KEY UPDATE request_hash = VALUES(request_hash), "
        "response_status = VALUES(response_status), response_body = VALUES(response_body), "
        "created_at = VALUES(created_at)");
    unsigned int p = 1;
    for (const auto& k : keys) {
        q.setUInt64(p++, k.user);
        q.setString(p++, k.key);
        q.setString(p++, k.request_hash);
        q.setInt(p++, k.status);
        q.setString(p++, k.body);
        q.setString(p++, to_sql_datetime(now));
    }
    q.executeUpdate();
}

void MysqlBookingStore::audit(const AuditEntry& e) {
    insert_audit(c_, e);
}

bool MysqlBookingStore::any_quanta_between(VenueId venue, TimePoint from, TimePoint to) {
    auto& q = c_.prepare(
        "SELECT 1 FROM booking_quanta WHERE venue_id = ? AND slot_start >= ? AND slot_start < ? "
        "LIMIT 1");
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
    if (f.user_id && f.with_coorganised) {
        add("(bk.user_id = ? OR bk.id IN (SELECT booking_id FROM booking_coorganisers WHERE "
            "user_id = ?))",
            std::to_string(*f.user_id));
        params.push_back(std::to_string(*f.user_id));
    } else if (f.user_id) {
        add("bk.user_id = ?", std::to_string(*f.user_id));
    }
    if (f.street_id) add("b.street_id = ?", std::to_string(*f.street_id));
    if (f.buildings) {
        if (f.buildings->empty()) return {};
        add("FIND_IN_SET(v.building_id, ?) > 0", id_list(*f.buildings));
    }
    if (f.building_id) add("v.building_id = ?", std::to_string(*f.building_id));
    if (f.venue_id) add("bk.venue_id = ?", std::to_string(*f.venue_id));
    if (f.status) add("bk.status = ?", std::string(status_name(*f.status)));
    if (f.awaiting)
        where +=
            " AND (bk.status = 'pending' OR (bk.ext_asked_at IS NOT NULL AND bk.status IN "
            "('confirmed','checked_in')))";
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

void MysqlBookingStore::notify(const Notice& n, TimePoint now) {
    auto& q = c_.prepare(
        "INSERT IGNORE INTO notices (user_id, kind, subject_kind, subject_id, dedup_key, note, "
        "next_attempt_at, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.setUInt64(1, n.user_id);
    q.setString(2, std::string(notice_name(n.kind)));
    q.setString(3, std::string(subject_name(n.subject)));
    q.setUInt64(4, n.subject_id);
    q.setString(5, n.key);
    q.setString(6, n.note);
    q.setString(7, to_sql_datetime(now));
    q.setString(8, to_sql_datetime(now));
    q.executeUpdate();
}

}  // namespace sh::mysql
