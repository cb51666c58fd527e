// The lifecycle transitions of bookings that time drives: candidates picked by SQL, each decided
// by booking/attendance.cpp under the booking's row lock, in batches of one transaction each.
#include "server/mysql/lifecycle.hpp"

#include <functional>
#include <memory>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "booking/attendance.hpp"
#include "booking/local_time.hpp"
#include "server/mysql/booking_store.hpp"

namespace sh::mysql {

namespace {

constexpr int batch_size = 200;

// Runs `decide` on every candidate `pick` finds, a batch per transaction, until a batch is not
// full. Returns how many `decide` changed.
int sweep(Database& db, Conn& c, const std::string& pick_sql, const std::function<void(sql::PreparedStatement&)>& bind,
          const std::function<bool(MysqlBookingStore&, const booking::Booking&)>& decide, RoundResult& out,
          bool frees_quanta) {
    int changed_total = 0;
    for (;;) {
        auto [picked, changed] = db.transact(c, Isolation::read_committed, [&](Conn& tx) {
            auto& pick = tx.prepare(pick_sql + " ORDER BY bk.id LIMIT " + std::to_string(batch_size));
            bind(pick);
            std::vector<booking::BookingId> ids;
            {
                std::unique_ptr<sql::ResultSet> rs(pick.executeQuery());
                while (rs->next()) ids.push_back(rs->getUInt64(1));
            }
            MysqlBookingStore store(tx);
            int n = 0;
            for (auto id : ids) {
                auto b = store.find_booking(id, /*for_update=*/true);  // the booking's row alone
                if (!b || !decide(store, *b)) continue;
                ++n;
                if (frees_quanta) out.venues.insert(b->venue_id);
            }
            return std::pair{ids.size(), n};
        });
        changed_total += changed;
        if (picked < static_cast<std::size_t>(batch_size) || changed == 0) break;
    }
    return changed_total;
}

}  // namespace

RoundResult run_lifecycle_round(Database& db, Conn& c, booking::TimePoint now, const RoundSettings& settings) {
    using booking::to_sql_datetime;
    RoundResult out;
    const std::string at = to_sql_datetime(now);
    auto bind_now = [&](sql::PreparedStatement& q) { q.setString(1, at); };

    out.expired = sweep(
        db, c, "SELECT bk.id FROM bookings bk WHERE bk.status = 'pending' AND bk.starts_at <= ?", bind_now,
        [&](MysqlBookingStore& s, const booking::Booking& b) { return booking::expire(s, b, now); }, out, true);

    out.no_shows = sweep(
        db, c,
        "SELECT bk.id FROM bookings bk JOIN venues v ON v.id = bk.venue_id WHERE bk.status = 'confirmed' "
        "AND DATE_ADD(bk.starts_at, INTERVAL v.checkin_after_minutes MINUTE) < ?",
        bind_now,
        [&](MysqlBookingStore& s, const booking::Booking& b) {
            auto venue = s.find_venue(b.venue_id, booking::Lock::none);
            return venue && booking::release_no_show(s, settings.penalties, b, venue->rules, now);
        },
        out, true);

    out.completed = sweep(
        db, c, "SELECT bk.id FROM bookings bk WHERE bk.status = 'checked_in' AND bk.ends_at <= ?", bind_now,
        [&](MysqlBookingStore& s, const booking::Booking& b) { return booking::complete(s, b, now); }, out, false);

    const std::string until = to_sql_datetime(now + settings.remind_before);
    out.reminded = sweep(
        db, c,
        "SELECT bk.id FROM bookings bk WHERE bk.status = 'confirmed' AND bk.reminded_at IS NULL "
        "AND bk.starts_at > ? AND bk.starts_at <= ?",
        [&](sql::PreparedStatement& q) {
            q.setString(1, at);
            q.setString(2, until);
        },
        [&](MysqlBookingStore& s, const booking::Booking& b) { return booking::remind(s, b, now); }, out, false);

    auto& purge = c.prepare("DELETE FROM idempotency_keys WHERE created_at < ? LIMIT 5000");
    purge.setString(1, to_sql_datetime(now - std::chrono::hours(24)));
    out.purged = purge.executeUpdate();
    // Console sign-ins are spent or expired after minutes; a day later nobody needs them.
    auto& logins = c.prepare("DELETE FROM web_logins WHERE expires_at < ? LIMIT 5000");
    logins.setString(1, to_sql_datetime(now - std::chrono::hours(24)));
    out.purged += logins.executeUpdate();
    return out;
}

}  // namespace sh::mysql
