// The MySQL layer against a real MariaDB: migrations, session settings, the transaction helper,
// the bounded pool, and recovery when MariaDB restarts. This binary runs its own MariaDB
// instance because it stops and starts it.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_driver.h>

#include "booking/errors.hpp"
#include "server/mysql/database.hpp"
#include "server/workers/await.hpp"
#include "tests/support/process.hpp"
#include "tests/support/services.hpp"
#include "tests/support/sync.hpp"

using namespace sh;
using namespace std::chrono_literals;

namespace {

test::OwnServices& own() {
    static test::OwnServices s("mysql-it", 13410, 0);
    return s;
}

template <class F>
auto db_run(mysql::Database& db, F f) {
    return test::sync_await(
        workers::run_on(db.pool(), db.guard(std::move(f)), db.acquire_timeout()));
}

std::string scalar(mysql::Conn& c, const std::string& sql) {
    std::unique_ptr<sql::ResultSet> rs(c.prepare(sql).executeQuery());
    REQUIRE(rs->next());
    return rs->getString(1);
}

// The code of the failure `f` raised ("" when none).
std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const FailureException& e) {
        return e.failure().code;
    }
    return "";
}

}  // namespace

TEST_CASE("migrations run once, in order, and record the schema version") {
    test::TempDatabase tmp(own().mysql(), /*migrate=*/false);
    mysql::Database db(sql::mysql::get_mysql_driver_instance(), tmp.config());
    int first = db_run(db, [](mysql::Conn& c) { return mysql::migrate(c); });
    CHECK(first == mysql::Database::latest_schema_version());
    int again = db_run(db, [](mysql::Conn& c) { return mysql::migrate(c); });
    CHECK(again == 0);
    CHECK(db_run(db, [](mysql::Conn& c) { return mysql::schema_version(c); }) ==
          mysql::Database::latest_schema_version());
    CHECK(db_run(db, [](mysql::Conn& c) {
              return scalar(c,
                            "SELECT COUNT(*) FROM information_schema.tables "
                            "WHERE table_schema = DATABASE() AND table_name = 'buildings'");
          }) == "1");
}

TEST_CASE("a connection keeps Chinese text intact and runs at +08:00 with bounded lock waits") {
    test::TempDatabase tmp(own().mysql());
    mysql::Database db(sql::mysql::get_mysql_driver_instance(), tmp.config());
    std::string name = db_run(db, [](mysql::Conn& c) {
        auto& ins = c.prepare("INSERT INTO streets (name) VALUES (?)");
        ins.setString(1, "江宁路街道");
        ins.executeUpdate();
        return scalar(c, "SELECT name FROM streets WHERE id = LAST_INSERT_ID()");
    });
    CHECK(name == "江宁路街道");
    CHECK(db_run(db, [](mysql::Conn& c) { return scalar(c, "SELECT @@session.time_zone"); }) ==
          "+08:00");
    // Quota counts rely on READ COMMITTED after the user's row lock (docs/architecture.md).
    CHECK(db_run(db, [](mysql::Conn& c) { return scalar(c, "SELECT @@session.tx_isolation"); }) ==
          "READ-COMMITTED");
    CHECK(db_run(db, [](mysql::Conn& c) {
              return scalar(c, "SELECT @@session.innodb_lock_wait_timeout");
          }) == std::to_string(tmp.config().lock_wait_timeout_s));
}

TEST_CASE("a deadlock is retried inside the transaction helper and both transactions commit") {
    test::TempDatabase tmp(own().mysql());
    auto cfg = tmp.config();
    cfg.pool_size = 2;
    mysql::Database db(sql::mysql::get_mysql_driver_instance(), cfg);
    db_run(db, [](mysql::Conn& c) {
        c.execute("CREATE TABLE counters (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
        c.execute("INSERT INTO counters VALUES (1, 0), (2, 0)");
    });

    // Each transaction locks one row, waits until the other has locked the other row, then
    // asks for it: InnoDB must kill one of them with 1213, which the helper runs again.
    std::atomic<int> first_locks{0};
    auto cross = [&](int a, int b) {
        return [&, a, b](mysql::Conn& c) {
            bool first_attempt = true;
            db.transact(c, mysql::Isolation::read_committed, [&](mysql::Conn& tx) {
                auto& up = tx.prepare("UPDATE counters SET v = v + 1 WHERE id = ?");
                up.setInt(1, a);
                up.executeUpdate();
                if (first_attempt) {
                    first_attempt = false;
                    ++first_locks;
                    auto until = std::chrono::steady_clock::now() + 2s;
                    while (first_locks < 2 && std::chrono::steady_clock::now() < until)
                        std::this_thread::sleep_for(1ms);
                }
                up.setInt(1, b);
                up.executeUpdate();
            });
        };
    };
    std::thread t1([&] { db_run(db, cross(1, 2)); });
    std::thread t2([&] { db_run(db, cross(2, 1)); });
    t1.join();
    t2.join();

    CHECK(db.tx_stats().retries.load() >= 1);
    CHECK(db_run(db, [](mysql::Conn& c) { return scalar(c, "SELECT SUM(v) FROM counters"); }) ==
          "4");
}

TEST_CASE(
    "an error inside a transaction rolls it back and is not retried; a duplicate key is a "
    "conflict") {
    test::TempDatabase tmp(own().mysql());
    mysql::Database db(sql::mysql::get_mysql_driver_instance(), tmp.config());
    auto attempts = std::make_shared<int>(0);
    CHECK_THROWS_WITH_AS(
        db_run(db,
               [&db, attempts](mysql::Conn& c) {
                   db.transact(c, mysql::Isolation::read_committed, [&](mysql::Conn& tx) {
                       ++*attempts;
                       auto& ins = tx.prepare("INSERT INTO streets (name) VALUES (?)");
                       ins.setString(1, "石门二路街道");
                       ins.executeUpdate();
                       ins.executeUpdate();  // duplicate key
                   });
               }),
        "conflict", booking::AppException);
    CHECK(*attempts == 1);
    CHECK(db_run(db, [](mysql::Conn& c) { return scalar(c, "SELECT COUNT(*) FROM streets"); }) ==
          "0");
}

TEST_CASE("an exhausted pool answers busy quickly instead of queueing") {
    test::TempDatabase tmp(own().mysql());
    auto cfg = tmp.config();
    cfg.pool_size = 1;
    cfg.acquire_timeout_ms = 100;
    mysql::Database db(sql::mysql::get_mysql_driver_instance(), cfg);
    std::atomic<bool> started{false};
    std::thread holder([&] {
        db_run(db, [&](mysql::Conn& c) {
            started = true;
            scalar(c, "SELECT SLEEP(1)");
        });
    });
    while (!started) std::this_thread::sleep_for(1ms);
    // busy, not the holder's connection a second later
    CHECK(error_of([&] { db_run(db, [](mysql::Conn& c) { scalar(c, "SELECT 1"); }); }) == "busy");
    holder.join();
    CHECK(db.pool().stats().timeouts == 1);
}

TEST_CASE("MariaDB restarted mid-test: requests fail with db_unavailable, then the pool recovers") {
    test::TempDatabase tmp(own().mysql());
    auto cfg = tmp.config();
    cfg.pool_size = 2;
    mysql::Database db(sql::mysql::get_mysql_driver_instance(), cfg);
    auto ping = [&] { return db_run(db, [](mysql::Conn& c) { return scalar(c, "SELECT 1"); }); };
    REQUIRE(ping() == "1");
    REQUIRE(ping() == "1");

    // A query in flight when the server goes away ends with db_unavailable, not a crash.
    std::string in_flight_error = "?";  // read after the join
    std::thread slow([&] {
        in_flight_error =
            error_of([&] { db_run(db, [](mysql::Conn& c) { scalar(c, "SELECT SLEEP(5)"); }); });
    });
    // Stop the server once the query is running on it.
    mysql::Conn watcher(sql::mysql::get_mysql_driver_instance(), cfg);
    watcher.ensure_ready();
    REQUIRE(test::eventually(
        [&] {
            return scalar(watcher,
                          "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = "
                          "'SELECT SLEEP(5)'") != "0";
        },
        5000, 10));
    own().stop("mysql");
    slow.join();
    CHECK(in_flight_error == "db_unavailable");

    CHECK(error_of([&] { ping(); }) == "db_unavailable");

    own().start("mysql");
    // Stale connections are detected and replaced: the pool works again without a restart of ours.
    CHECK(test::eventually(
        [&] {
            try {
                return ping() == "1";
            } catch (const FailureException&) {
                return false;
            }
        },
        10000, 100));
    CHECK(ping() == "1");
    CHECK(ping() == "1");
}
