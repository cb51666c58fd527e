// The booking transaction against a real MariaDB (the shared test instance): batches of requests
// decided together on several connections at once, as the server's booking connections run them.
// The guard is the quanta's primary key; these tests fail when it is taken away.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <random>
#include <thread>

#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include "booking/book.hpp"
#include "booking/calendar.hpp"
#include "server/mysql/booking_store.hpp"
#include "server/mysql/database.hpp"
#include "tests/support/services.hpp"

using namespace sh;
using namespace sh::booking;

namespace {

long long number(mysql::Conn& c, const std::string& sql) {
    std::unique_ptr<sql::Statement> st(c.raw().createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(sql));
    REQUIRE(rs->next());
    return rs->getInt64(1);
}

void run(mysql::Conn& c, const std::string& sql) {
    c.execute(sql);
}

// A district of one street, one building, one hall open 08:00-22:00 in 15-minute slots every day,
// 90 days ahead, and `members` members; returns the hall's id.
VenueId make_district(mysql::Conn& c, int members) {
    run(c, "INSERT INTO streets (name) VALUES ('石门二路街道')");
    run(c, "INSERT INTO buildings (street_id, name) VALUES (LAST_INSERT_ID(), '新闸大楼')");
    run(c,
        "INSERT INTO venues (building_id, name, capacity, description, photos, slot_minutes, "
        "horizon_days, release_minute, "
        "min_minutes, max_minutes, cancel_deadline_minutes, checkin_before_minutes, "
        "checkin_after_minutes) "
        "VALUES (LAST_INSERT_ID(), '党群活动室', 30, '', '[]', 15, 90, 0, 15, 240, 120, 15, 15)");
    auto venue = static_cast<VenueId>(number(c, "SELECT LAST_INSERT_ID()"));
    run(c, "INSERT INTO venue_hours (venue_id, weekday, open_minute, close_minute) SELECT " +
               std::to_string(venue) + ", seq, 480, 1320 FROM seq_1_to_7");
    run(c,
        "INSERT INTO users (openid, role) SELECT CONCAT('batch-', seq), 'member' FROM seq_1_to_" +
            std::to_string(members));
    return venue;
}

// The statement the bench and the invariants use: live bookings of a hall that overlap, counted
// from the bookings alone (independent of the quanta's key).
long long overlapping(mysql::Conn& c) {
    return number(c,
                  "SELECT COUNT(*) FROM (SELECT venue_id, starts_at, LAG(ends_at) OVER (PARTITION "
                  "BY venue_id ORDER BY "
                  "starts_at, id) prev_end FROM bookings WHERE status IN "
                  "('pending','confirmed','checked_in','completed')) x "
                  "WHERE prev_end > starts_at");
}

struct Fixture {
    test::TempDatabase tmp{test::shared_mysql()};
    sql::Driver* driver = sql::mysql::get_mysql_driver_instance();
    config::MysqlConfig cfg = [this] {
        auto c = tmp.config();
        c.pool_size = 1;
        c.booking_connections = 1;
        return c;
    }();
    mysql::Database db{driver, cfg};
    Quotas quotas{1000, 1000, 7 * 1440};
    TimePoint now = std::chrono::system_clock::now();
    Date day = add_days(to_local(now).date, 2);

    // One batch in one transaction on `c`, as BookingDb::decide runs it.
    std::vector<Result<BookOutcome>> decide(mysql::Conn& c, const std::vector<BookCall>& calls,
                                            mysql::VenueRulesCache* rules = nullptr) {
        std::vector<Result<BookOutcome>> out;
        c.ensure_ready();
        db.transact_if(c, mysql::Isolation::read_committed, [&](mysql::Conn& tx) {
            mysql::MysqlBookingStore store(tx, rules);
            out = book_all(store, calls, quotas);
            return true;
        });
        return out;
    }
    // The district, made on `c` and committed; its hall and first member.
    std::pair<VenueId, UserId> district(mysql::Conn& c, int members) {
        c.ensure_ready();
        VenueId venue = 0;
        db.transact_if(c, mysql::Isolation::read_committed, [&](mysql::Conn& tx) {
            venue = make_district(tx, members);
            return true;
        });
        return {venue, static_cast<UserId>(
                           number(c, "SELECT MIN(id) FROM users WHERE openid LIKE 'batch-%'"))};
    }
    BookCall call(UserId user, VenueId venue, int start, int end) const {
        Principal me;
        me.user_id = user;
        return BookCall{me, BookingRequest{venue, day, start, end, "支部学习", 5, ""}, std::nullopt,
                        now};
    }
};

}  // namespace

TEST_CASE(
    "batches racing on four connections for overlapping times: no quantum twice, every 201 whole") {
    Fixture f;
    mysql::Conn setup(f.driver, f.cfg, false);
    const int members = 40;
    auto [venue, first_user] = f.district(setup, members);

    // Four connections, each deciding 25 batches of 4 requests: ranges of 1 to 4 quanta starting
    // within 09:00-10:45, so most requests collide with others in flight.
    std::atomic<int> booked{0};
    std::vector<std::thread> threads;
    std::mutex mu;
    std::map<BookingId, std::pair<int, int>> answered;  // id -> (start, end) of each 201
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            mysql::Conn c(f.driver, f.cfg, false);
            std::mt19937 rng(static_cast<unsigned>(t) * 7919u + 1u);
            for (int b = 0; b < 25; ++b) {
                std::vector<BookCall> calls;
                for (int k = 0; k < 4; ++k) {
                    int start = 9 * 60 + 15 * static_cast<int>(rng() % 8);
                    int len = 15 * (1 + static_cast<int>(rng() % 4));
                    calls.push_back(
                        f.call(first_user + rng() % members, venue, start, start + len));
                }
                auto out = f.decide(c, calls);
                REQUIRE(out.size() == calls.size());
                std::lock_guard lock(mu);
                for (std::size_t k = 0; k < out.size(); ++k) {
                    if (out[k].ok()) {
                        ++booked;
                        answered[out[k].value().booking.id] = {calls[k].req.start,
                                                               calls[k].req.end};
                    } else {
                        CHECK(out[k].error().code == Errc::slot_taken);
                    }
                }
            }
        });
    for (auto& th : threads) th.join();

    CHECK(booked > 0);
    CHECK(overlapping(setup) == 0);
    // Every 201 is a booking in MySQL with all of its quanta, and there is no other booking.
    CHECK(number(setup, "SELECT COUNT(*) FROM bookings") == booked.load());
    CHECK(
        number(setup,
               "SELECT COUNT(*) FROM bookings b WHERE (SELECT COUNT(*) FROM booking_quanta q WHERE "
               "q.booking_id = b.id) <> TIMESTAMPDIFF(MINUTE, b.starts_at, b.ends_at) / 15") == 0);
    for (const auto& [id, span] : answered) {
        CHECK(number(setup, "SELECT COUNT(*) FROM booking_quanta WHERE booking_id = " +
                                std::to_string(id)) == (span.second - span.first) / 15);
    }
}

TEST_CASE(
    "a batch where the key refuses one booking keeps its neighbours and leaves no trace of the "
    "loser") {
    Fixture f;
    mysql::Conn c(f.driver, f.cfg, false);
    auto [venue, u] = f.district(c, 3);
    REQUIRE(f.decide(c, {f.call(u, venue, 10 * 60, 10 * 60 + 15)}).front().ok());
    // 09:30-10:30 meets the 10:00 quantum owned above; 11:00-11:30 is free.
    auto out = f.decide(c, {f.call(u + 1, venue, 9 * 60 + 30, 10 * 60 + 30),
                            f.call(u + 2, venue, 11 * 60, 11 * 60 + 30)});
    REQUIRE_FALSE(out[0].ok());
    CHECK(out[0].error().code == Errc::slot_taken);
    REQUIRE(out[1].ok());
    CHECK(number(c, "SELECT COUNT(*) FROM bookings") == 2);
    CHECK(number(c, "SELECT COUNT(*) FROM booking_quanta") == 1 + 2);
    CHECK(number(c, "SELECT COUNT(*) FROM bookings WHERE user_id = " + std::to_string(u + 1)) == 0);
}

TEST_CASE(
    "a change to a hall's hours made by any writer reaches the next booking through the rules "
    "cache") {
    Fixture f;
    mysql::Conn c(f.driver, f.cfg, false);
    auto [venue, u] = f.district(c, 2);
    mysql::VenueRulesCache rules;
    REQUIRE(f.decide(c, {f.call(u, venue, 9 * 60, 10 * 60)}, &rules).front().ok());  // cached now
    // Plain SQL, as an operator might: the triggers bump the hall's rules version.
    c.execute("DELETE FROM venue_hours WHERE venue_id = " + std::to_string(venue));
    c.execute("INSERT INTO venue_hours (venue_id, weekday, open_minute, close_minute) SELECT " +
              std::to_string(venue) + ", seq, 840, 1320 FROM seq_1_to_7");  // from 14:00 only
    c.execute("COMMIT");
    auto morning = f.decide(c, {f.call(u, venue, 11 * 60, 12 * 60)}, &rules).front();
    REQUIRE_FALSE(morning.ok());
    CHECK(morning.error().code == Errc::outside_opening_hours);
    c.execute("UPDATE venues SET capacity = 3 WHERE id = " + std::to_string(venue));
    c.execute("COMMIT");
    auto crowd = f.decide(c, {f.call(u, venue, 15 * 60, 16 * 60)}, &rules).front();
    REQUIRE_FALSE(crowd.ok());
    CHECK(crowd.error().code == Errc::over_capacity);
}
