// C_tx: the SQL of one booking driven straight at MariaDB, without our server — the floor any
// server could reach on this machine. Each request runs the very code the server runs in its
// transaction (booking::book on a MysqlBookingStore, same statements, locks and rows, the
// Idempotency-Key included), on `concurrency` threads with a connection each, over the same
// slot walk as sh_booker. No HTTP, no Redis, no thread hand-off.
//   sh_ctx --config F --users N [--openid-prefix P] WALK --concurrency C --duration S [--warmup S]
//   [--idempotency 1]
//          [--user-offset K]
//          [--batch B]
// --batch B decides B requests per transaction (booking::book_all), as the server's booking
// connections do under load; 1 (the default) is one booking per transaction.
// Users: the first N members of the database whose openid starts with --openid-prefix, by id.
// Prints one JSON line like sh_booker's.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include <cppconn/driver.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>
#include <nlohmann/json.hpp>

#include "booking/book.hpp"
#include "booking/calendar.hpp"
#include "booking/clock.hpp"
#include "booking/decisions.hpp"
#include "common/hex.hpp"
#include "config/app_config.hpp"
#include "server/mysql/booking_store.hpp"
#include "server/mysql/database.hpp"
#include "tests/load/slots.hpp"

using Clock = std::chrono::steady_clock;
using nlohmann::json;

int main(int argc, char** argv) {
    std::map<std::string, std::string> a;
    for (int i = 1; i + 1 < argc; i += 2) a[argv[i]] = argv[i + 1];
    auto cfg = sh::config::load(a["--config"]);
    sh::booking::Quotas quotas{cfg.booking.max_active_per_user, cfg.booking.max_per_user_per_day,
                               cfg.booking.max_minutes_per_user_per_week};
    auto walk = sh::load::walk_from(a);
    int concurrency = std::stoi(a["--concurrency"]);
    bool idempotency = a.count("--idempotency") && a["--idempotency"] == "1";
    std::size_t user_offset = a.count("--user-offset") ? std::stoull(a["--user-offset"]) : 0;
    std::size_t batch = a.count("--batch") ? std::stoull(a["--batch"]) : 1;
    double warmup = a.count("--warmup") ? std::stod(a["--warmup"]) : 1.0,
           duration = std::stod(a["--duration"]);

    sql::Driver* driver = sql::mysql::get_mysql_driver_instance();
    auto pool_cfg = cfg.mysql;
    pool_cfg.pool_size = 1;
    sh::mysql::Database db(driver, pool_cfg);
    std::vector<sh::booking::UserId> users;
    {
        sh::mysql::Conn c(driver, cfg.mysql);
        c.ensure_ready();
        std::unique_ptr<sql::Statement> st(c.raw().createStatement());
        // Members of C_tx's own (--openid-prefix): bookings it makes must not weigh on the quota
        // reads of the server's members in later rounds.
        std::string prefix = a.count("--openid-prefix") ? a["--openid-prefix"] : "";
        for (char ch : prefix)
            if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_')) {
                std::cerr << "sh_ctx: --openid-prefix takes letters, digits, - and _\n";
                return 2;
            }
        std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
            "SELECT id FROM users WHERE role = 'member' AND openid LIKE '" + prefix +
            "%' ORDER BY id LIMIT " + std::to_string(std::stoi(a["--users"]))));
        while (rs->next()) users.push_back(rs->getUInt64(1));
    }
    if (users.empty()) {
        std::cerr << "sh_ctx: no members in the database\n";
        return 1;
    }

    std::mutex mu;
    std::vector<double> latencies;
    std::map<std::string, int> outcomes;
    std::atomic<std::size_t> next{0};
    auto start = Clock::now();
    auto measured_from =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(warmup));
    auto end = measured_from +
               std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration));
    std::string run_id = sh::random_hex(6);
    sh::mysql::VenueRulesCache rules;  // as the server's: the halls' rules checked by version
    std::vector<std::thread> threads;
    for (int t = 0; t < concurrency; ++t)
        threads.emplace_back([&] {
            sh::mysql::Conn c(driver, cfg.mysql,
                              /*autocommit=*/false);  // as the server's booking connections
            std::vector<double> mine;
            std::map<std::string, int> seen;
            // The server renders each booking's 201 in its transaction: so does this baseline.
            const sh::booking::AnswerView view = [](const sh::booking::Booking& b) {
                return nlohmann::json{{"id", b.id},
                                      {"venue_id", b.venue_id},
                                      {"user_id", b.user_id},
                                      {"starts_at", sh::booking::to_iso(b.start)},
                                      {"ends_at", sh::booking::to_iso(b.end)},
                                      {"status", sh::booking::status_name(b.status)},
                                      {"purpose", b.purpose},
                                      {"attendees", b.attendees},
                                      {"org", b.org}}
                    .dump();
            };
            for (;;) {
                auto t0 = Clock::now();
                if (t0 >= end) break;
                auto first = next.fetch_add(batch);
                std::vector<sh::booking::BookCall> calls;
                for (auto i = first; i < first + batch; ++i) {
                    auto slot = walk.at(i);
                    sh::booking::BookCall call;
                    call.me.user_id = users[(i + user_offset) % users.size()];
                    call.req.venue_id = std::stoull(slot.venue);
                    call.req.date = slot.date;
                    call.req.start = slot.start;
                    call.req.end = slot.end;
                    call.req.purpose = "基准测试 " + run_id + "-" +
                                       std::to_string(i);  // distinct, as the server's
                    call.req.attendees = 5;
                    if (idempotency)
                        call.key = sh::booking::IdempotencyKey{run_id + "-" + std::to_string(i),
                                                               sh::random_hex(16)};
                    call.now = sh::booking::SystemClock().now();
                    call.view = &view;
                    calls.push_back(std::move(call));
                }
                std::vector<std::string> outcome(batch);
                try {
                    c.ensure_ready();
                    db.transact_if(
                        c, sh::mysql::Isolation::read_committed, [&](sh::mysql::Conn& tx) {
                            sh::mysql::MysqlBookingStore store(tx, &rules);
                            auto results = sh::booking::book_all(store, calls, quotas);
                            bool any = false;
                            for (std::size_t k = 0; k < batch; ++k) {
                                outcome[k] = results[k].ok() ? "booked"
                                                             : std::string(sh::booking::code_of(
                                                                   results[k].error().code));
                                any = any || results[k].ok();
                            }
                            return any;
                        });
                } catch (const std::exception& e) {
                    for (auto& o : outcome) o = std::string("exception: ") + e.what();
                    c.discard();
                }
                if (t0 >= measured_from) {
                    double ms =
                        std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
                    for (const auto& o : outcome) {
                        mine.push_back(ms);
                        ++seen[o];
                    }
                }
            }
            std::lock_guard lock(mu);
            latencies.insert(latencies.end(), mine.begin(), mine.end());
            for (auto& [k, v] : seen) outcomes[k] += v;
        });
    for (auto& th : threads) th.join();
    std::sort(latencies.begin(), latencies.end());
    auto pct = [&](double p) {
        return latencies.empty()
                   ? 0.0
                   : latencies[std::min(
                         latencies.size() - 1,
                         static_cast<std::size_t>(p * static_cast<double>(latencies.size())))];
    };
    auto sent = next.load();
    json report = {
        {"outcomes", outcomes}, {"requests", latencies.size()},
        {"seconds", duration},  {"per_second", static_cast<double>(outcomes["booked"]) / duration},
        {"p50_ms", pct(0.5)},   {"p99_ms", pct(0.99)},
        {"sent", sent},         {"days_used", sent ? walk.at(sent - 1).day + 1 : 0}};
    std::cout << report.dump() << "\n";
    return outcomes["booked"] > 0 ? 0 : 1;
}
