#pragma once
// What every booking test checks, whatever it did: bursts released together, their statuses, and
// the invariants MySQL must hold afterwards.
#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <latch>
#include <map>
#include <memory>
#include <set>
#include <string>
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

// The four counts of tests/support/invariants.sql (the queries the benchmarks and the soak run
// too), by name.
inline std::map<std::string, long long> invariant_counts(mysql::Conn& c) {
    std::ifstream file(std::string(SH_SOURCE_DIR) + "/tests/support/invariants.sql");
    REQUIRE(file);
    std::string query;
    for (std::string line; std::getline(file, line);)
        if (line.rfind("--", 0) != 0) query += line + "\n";
    query.erase(query.find_last_of(';'));
    std::unique_ptr<sql::ResultSet> rs(c.prepare(query).executeQuery());
    REQUIRE(rs->next());
    std::map<std::string, long long> out;
    for (const char* count : {"overlapping", "missing_quanta", "stray_quanta", "lost_notices"})
        out[count] = rs->getInt64(count);
    return out;
}
inline std::map<std::string, long long> invariant_counts(const config::MysqlConfig& db) {
    mysql::Conn c(sql::mysql::get_mysql_driver_instance(), db);
    c.ensure_ready();
    return invariant_counts(c);
}

// What MySQL must hold whatever happened: every owning booking owns exactly its quanta, nothing
// else owns any, no two owning bookings of a hall overlap, and every 201 is such a booking.
inline void check_invariants(const config::MysqlConfig& db, const std::vector<ApiResult>& results) {
    mysql::Conn c(sql::mysql::get_mysql_driver_instance(), db);
    c.ensure_ready();
    for (const auto& [count, n] : invariant_counts(c)) {
        INFO(count);
        CHECK(n == 0);
    }
    // Every 201 is a booking that owns its time: one query for all of them, not one each.
    std::set<std::uint64_t> answered;
    for (const auto& r : results)
        if (r.status == 201) answered.insert(r.body["id"].get<std::uint64_t>());
    if (answered.empty()) return;
    std::string ids;
    for (auto id : answered) ids += (ids.empty() ? "" : ",") + std::to_string(id);
    std::unique_ptr<sql::ResultSet> owned(
        c.prepare("SELECT id FROM bookings WHERE status IN "
                  "('pending','confirmed','checked_in','completed') AND id IN (" +
                  ids + ")")
            .executeQuery());
    while (owned->next()) answered.erase(owned->getUInt64(1));
    std::string missing;
    for (auto id : answered) missing += " " + std::to_string(id);
    INFO("201s that are not owning bookings:" << missing);
    CHECK(answered.empty());
}

}  // namespace sh::test
