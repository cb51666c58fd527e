// The scheduler of timed work (app/scheduler.cpp) over an in-memory ledger, on a clock the test
// sets: once per due time, catch-up once after a gap, the window since the last run, a long job
// that holds up no other, a job run on demand; and the day-opening job's ordered steps.
#include <doctest/doctest.h>

#include <map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>

#include "app/day_opening.hpp"
#include "app/scheduler.hpp"
#include "booking/book.hpp"
#include "booking/calendar.hpp"
#include "booking/decisions.hpp"
#include "tests/support/sync.hpp"

using namespace sh;
using namespace std::chrono_literals;
using booking::TimePoint;

namespace {

struct MemoryLedger final : app::JobLedger {
    struct Row {
        std::optional<long long> last_due;
        std::string owner;
    };
    std::map<std::string, Row> rows;
    int takes = 0;

    awaitable<void> declare(const std::vector<std::string>& jobs) override {
        for (const auto& j : jobs) rows.try_emplace(j);
        co_return;
    }
    awaitable<std::optional<Taken>> take(const std::string& job, const std::string& owner,
                                         long long due, bool again,
                                         std::chrono::milliseconds) override {
        ++takes;
        auto& r = rows.at(job);
        if (!r.owner.empty() || (!again && r.last_due == due)) co_return std::nullopt;
        r.owner = owner;
        co_return Taken{r.last_due};
    }
    awaitable<bool> renew(const std::string& job, const std::string& owner,
                          std::chrono::milliseconds) override {
        co_return rows.at(job).owner == owner;
    }
    awaitable<void> release(const std::string& job, const std::string& owner,
                            std::optional<long long> done) override {
        auto& r = rows.at(job);
        if (r.owner != owner) co_return;
        r.owner.clear();
        if (done) r.last_due = *done;
    }
};

long long ms(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

const TimePoint t0 =
    booking::to_timepoint(booking::Date{2026, 12, 1}, 9 * 60);  // a multiple of a minute

// Runs the io_context until `done` holds (at most 5 s of real time), then a little longer to see
// that nothing more happens.
void run_until(asio::io_context& ioc, const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done() && std::chrono::steady_clock::now() < deadline) ioc.run_for(10ms);
    ioc.run_for(100ms);
}

}  // namespace

TEST_CASE(
    "a job that fell due many times while no instance ran runs once on start, told the window "
    "since its last run") {
    MemoryLedger ledger;
    ledger.rows["expire"].last_due = ms(t0);
    booking::ManualClock clock(t0 + 10min + 30s);  // ten due times passed
    app::Scheduler scheduler(ledger, clock, "me");
    std::vector<app::JobWindow> runs;
    scheduler.add({"expire", 1min, [&](const app::JobWindow& w) -> awaitable<long long> {
                       runs.push_back(w);
                       co_return 3;
                   }});
    asio::io_context ioc;
    asio::co_spawn(ioc, scheduler.run(20ms), asio::detached);
    run_until(ioc, [&] { return !runs.empty(); });
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].since == t0);
    CHECK(runs[0].due == t0 + 10min);
    CHECK(runs[0].now == t0 + 10min + 30s);
    CHECK(ledger.rows["expire"].last_due == ms(t0 + 10min));
    auto report = scheduler.reports().at(0);
    CHECK(report.runs == 1);
    CHECK(report.changed == 3);
    CHECK(report.last_lag == 30s);

    // The next due time, and only it, runs again.
    clock.advance(std::chrono::seconds(60));
    run_until(ioc, [&] { return runs.size() == 2; });
    CHECK(runs.size() == 2);
    CHECK(runs[1].since == t0 + 10min);
}

TEST_CASE("a due time another instance already ran is not run again here") {
    MemoryLedger ledger;
    ledger.rows["expire"].last_due = ms(t0);
    booking::ManualClock clock(t0 + 30s);
    app::Scheduler scheduler(ledger, clock, "me");
    int runs = 0;
    scheduler.add(
        {"expire", 1min, [&](const app::JobWindow&) -> awaitable<long long> { co_return ++runs; }});
    asio::io_context ioc;
    asio::co_spawn(ioc, scheduler.run(20ms), asio::detached);
    run_until(ioc, [&] { return ledger.takes > 0; });
    CHECK(ledger.takes >= 1);  // it asked
    CHECK(runs == 0);
}

TEST_CASE("a job whose lease another instance holds does not run here until it is given back") {
    MemoryLedger ledger;
    ledger.rows["expire"].owner = "the other instance";
    booking::ManualClock clock(t0 + 30s);
    app::Scheduler scheduler(ledger, clock, "me");
    int runs = 0;
    scheduler.add({"expire", 100ms,
                   [&](const app::JobWindow&) -> awaitable<long long> { co_return ++runs; }});
    asio::io_context ioc;
    asio::co_spawn(ioc, scheduler.run(20ms), asio::detached);
    run_until(ioc, [&] { return ledger.takes > 0; });
    CHECK(runs == 0);
    ledger.rows["expire"].owner.clear();
    run_until(ioc, [&] { return runs > 0; });
    CHECK(runs == 1);
}

TEST_CASE("a long run of one job holds up no other job's due runs") {
    MemoryLedger ledger;
    booking::ManualClock clock(t0);
    app::Scheduler scheduler(ledger, clock, "me");
    asio::io_context ioc;
    asio::steady_timer never(ioc, std::chrono::hours(1));
    int long_runs = 0, quick_runs = 0;
    scheduler.add({"retention", 1min, [&](const app::JobWindow&) -> awaitable<long long> {
                       ++long_runs;
                       boost::system::error_code ec;
                       co_await never.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                       co_return 0;
                   }});
    scheduler.add({"draw", 1min,
                   [&](const app::JobWindow&) -> awaitable<long long> { co_return ++quick_runs; }});
    asio::co_spawn(ioc, scheduler.run(20ms), asio::detached);
    run_until(ioc, [&] { return quick_runs == 1; });
    for (int i = 2; i <= 4; ++i) {
        clock.advance(std::chrono::seconds(60));
        run_until(ioc, [&] { return quick_runs == i; });
        CHECK(quick_runs == i);
    }
    CHECK(long_runs == 1);  // still in its first run
    CHECK(scheduler.reports().at(0).running);
    never.cancel();
    run_until(ioc, [&] { return !scheduler.reports().at(0).running; });
    CHECK(ledger.rows["retention"].last_due == ms(t0));  // it finished the due time it began with
}

TEST_CASE("a job run on demand runs now whatever its last due time; an unknown job is not found") {
    MemoryLedger ledger;
    booking::ManualClock clock(t0 + 5s);
    app::Scheduler scheduler(ledger, clock, "me");
    int runs = 0;
    scheduler.add(
        {"purge", 1h, [&](const app::JobWindow&) -> awaitable<long long> { co_return ++runs; }});
    test::sync_await(ledger.declare({"purge"}));
    auto first = test::sync_await(scheduler.run_now("purge", 1s));
    REQUIRE(first.ok());
    CHECK(first.value().changed == 1);
    CHECK(test::sync_await(scheduler.run_now("purge", 1s)).value().changed ==
          2);  // again, on demand
    auto none = test::sync_await(scheduler.run_now("nothing", 1s));
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().code == booking::Errc::not_found);
    ledger.rows["purge"].owner = "elsewhere";
    auto busy = test::sync_await(scheduler.run_now("purge", 50ms));
    REQUIRE_FALSE(busy.ok());
    CHECK(busy.error().code == booking::Errc::conflict);
}

TEST_CASE(
    "due times are the period's multiples on the service's clock, the same on every instance") {
    CHECK(app::Scheduler::due_at(t0 + 59s, 1min) == t0);
    CHECK(app::Scheduler::due_at(t0 + 60s, 1min) == t0 + 1min);
    CHECK(app::Scheduler::due_at(t0 + 250ms, 200ms) == t0 + 200ms);
}

TEST_CASE("the days a hall opens in a window: each once, at its release time, horizon days ahead") {
    booking::VenueRules rules;
    rules.horizon_days = 14;
    rules.release_minute = 8 * 60;
    const booking::Date d{2026, 12, 1};
    auto at = [&](int day, int minute) {
        return booking::to_timepoint(booking::add_days(d, day), minute);
    };
    CHECK(booking::days_opening(rules, at(0, 7 * 60), at(0, 8 * 60)) ==
          std::vector<booking::Date>{booking::add_days(d, 14)});
    CHECK(booking::days_opening(rules, at(0, 8 * 60), at(0, 9 * 60))
              .empty());  // opened at 08:00 exactly: the window before
    CHECK(booking::days_opening(rules, at(0, 9 * 60), at(3, 9 * 60)) ==
          std::vector<booking::Date>{booking::add_days(d, 15), booking::add_days(d, 16),
                                     booking::add_days(d, 17)});
}

TEST_CASE(
    "the day-opening steps run in the order they were added, ahead of the openings, over the "
    "window since the last run") {
    app::DayOpening opening(10min);
    std::vector<std::string> order;
    std::vector<std::pair<TimePoint, TimePoint>> windows;
    opening.add_step("series", [&](TimePoint from, TimePoint to) -> awaitable<long long> {
        order.push_back("series");
        windows.emplace_back(from, to);
        co_return 2;
    });
    opening.add_step("members", [&](TimePoint, TimePoint) -> awaitable<long long> {
        order.push_back("members");
        co_return 1;
    });
    CHECK(opening.steps() == std::vector<std::string>{"series", "members"});
    // The last run was at 07:00; the instance was down until 07:55: the window covers 08:00.
    auto changed =
        test::sync_await(opening.run(app::JobWindow{t0 - 2h, t0 - 5min, t0 - 5min + 3s}, 1min));
    CHECK(changed == 3);
    CHECK(order == std::vector<std::string>{"series", "members"});
    REQUIRE(windows.size() == 1);
    CHECK(windows[0].first == t0 - 2h + 10min);
    CHECK(windows[0].second == t0 + 5min);
    // The first run ever covers one period.
    test::sync_await(opening.run(app::JobWindow{std::nullopt, t0, t0}, 1min));
    CHECK(windows[1].first == t0 - 1min + 10min);
}
