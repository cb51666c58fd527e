#pragma once
// What every booking test checks, whatever it did: bursts released together, their statuses, and
// the invariants MySQL must hold afterwards.
#include <doctest/doctest.h>

#include <functional>
#include <latch>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_driver.h>

#include "config/app_config.hpp"
#include "server/mysql/database.hpp"
#include "tests/support/stack.hpp"

namespace sh::test {

// Runs f(i) for i in [0, n) on n threads released together.
inline std::vector<ApiResult> burst(int n, const std::function<ApiResult(int)>& f) {
    std::vector<ApiResult> out(static_cast<std::size_t>(n));
    std::latch go(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
        threads.emplace_back([&, i] {
            go.arrive_and_wait();
            out[static_cast<std::size_t>(i)] = f(i);
        });
    for (auto& t : threads) t.join();
    return out;
}

inline std::map<int, int> statuses(const std::vector<ApiResult>& rs) {
    std::map<int, int> m;
    for (const auto& r : rs) ++m[r.status];
    return m;
}

// What MySQL must hold whatever happened: every owning booking owns exactly its quanta, nothing
// else owns any, no two owning bookings of a hall overlap, and every 201 is such a booking.
inline void check_invariants(const config::MysqlConfig& db, const std::vector<ApiResult>& results) {
    mysql::Conn c(sql::mysql::get_mysql_driver_instance(), db);
    c.ensure_ready();
    auto scalar = [&](const std::string& q) {
        std::unique_ptr<sql::ResultSet> rs(c.prepare(q).executeQuery());
        rs->next();
        return rs->getInt64(1);
    };
    const std::string owning = "('pending','confirmed','checked_in','completed')";
    CHECK(scalar("SELECT COUNT(*) FROM bookings a JOIN bookings b ON a.venue_id = b.venue_id AND a.id < b.id "
                 "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at WHERE a.status IN " + owning +
                 " AND b.status IN " + owning) == 0);
    CHECK(scalar("SELECT COUNT(*) FROM bookings b WHERE b.status IN " + owning +
                 " AND TIMESTAMPDIFF(MINUTE, b.starts_at, b.ends_at) / 15 <> "
                 "(SELECT COUNT(*) FROM booking_quanta q WHERE q.booking_id = b.id AND q.venue_id = b.venue_id "
                 "AND q.slot_start >= b.starts_at AND q.slot_start < b.ends_at)") == 0);
    // A no-show keeps the quanta before its release (the time already passed), nothing else.
    CHECK(scalar("SELECT COUNT(*) FROM booking_quanta q JOIN bookings b ON b.id = q.booking_id "
                 "JOIN venues v ON v.id = b.venue_id WHERE b.status NOT IN " + owning +
                 " AND NOT (b.status = 'no_show' AND q.slot_start < b.starts_at + INTERVAL v.checkin_after_minutes MINUTE)") == 0);
    for (const auto& r : results) {
        if (r.status != 201) continue;
        CHECK(scalar("SELECT COUNT(*) FROM bookings WHERE id = " + std::to_string(r.body["id"].get<std::uint64_t>()) +
                     " AND status IN " + owning) == 1);
    }
}

}  // namespace sh::test
