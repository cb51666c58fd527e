// The blocking worker pool and its coroutine bridge: the bounded wait for a free connection.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "server/workers/await.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sync.hpp"

using namespace sh;
using namespace std::chrono_literals;

namespace {
struct Resource {
    int id;
};

// A job that must not finish yet waits here until the test opens the gate (at most 10 s, so a
// failing test cannot hang).
class Gate {
  public:
    void wait() {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, 10s, [&] { return open_; });
    }
    void open() {
        {
            std::lock_guard lock(mu_);
            open_ = true;
        }
        cv_.notify_all();
    }

  private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool open_ = false;
};
}  // namespace

TEST_CASE("a job runs on a worker with its resource and returns its value to the coroutine") {
    workers::WorkerPool<Resource> pool(2, [] { return std::make_unique<Resource>(Resource{7}); });
    int v = test::sync_await(workers::run_on(
        pool, [](Resource& r) { return r.id * 6; }, 100ms));
    CHECK(v == 42);
}

TEST_CASE("an exception in a job reaches the awaiting coroutine") {
    workers::WorkerPool<Resource> pool(1, [] { return std::make_unique<Resource>(Resource{1}); });
    auto run = [&]() -> awaitable<void> {
        co_await workers::run_on(
            pool, [](Resource&) { throw std::runtime_error("db said no"); }, 100ms);
    };
    CHECK_THROWS_WITH_AS(test::sync_await(run()), "db said no", std::runtime_error);
}

TEST_CASE(
    "with every worker taken, a caller gets busy after the acquire timeout and its job never "
    "runs") {
    workers::WorkerPool<Resource> pool(1, [] { return std::make_unique<Resource>(Resource{1}); });
    std::atomic<bool> second_ran{false};
    std::atomic<bool> holding{false};
    Gate gate;
    std::thread holder([&] {
        test::sync_await(workers::run_on(
            pool,
            [&](Resource&) {
                holding = true;
                gate.wait();
            },
            100ms));
    });
    REQUIRE(test::eventually([&] { return holding.load(); }, 5000, 1));

    try {
        test::sync_await(workers::run_on(
            pool, [&](Resource&) { second_ran = true; }, 50ms));
        FAIL("expected busy");
    } catch (const FailureException& e) {
        CHECK(e.failure().code == "busy");
    }
    gate.open();  // only now does the holder let go
    holder.join();
    // A job submitted after it runs after anything still queued: the withdrawn job is gone.
    CHECK(test::sync_await(workers::run_on(
        pool, [](Resource&) { return true; }, 5000ms)));
    CHECK_FALSE(second_ran);
    CHECK(pool.stats().timeouts == 1);
}

TEST_CASE("jobs still queued when the pool stops are answered shutting_down, not lost") {
    auto pool = std::make_unique<workers::WorkerPool<Resource>>(
        1, [] { return std::make_unique<Resource>(Resource{1}); });
    struct Probe final : workers::Job<Resource> {
        std::atomic<int>& ran;
        std::atomic<int>& abandoned;
        Gate& gate;
        Probe(std::atomic<int>& r, std::atomic<int>& a, Gate& g) : ran(r), abandoned(a), gate(g) {}
        void execute(Resource&) noexcept override {
            ++ran;
            gate.wait();
        }
        void abandon() noexcept override { ++abandoned; }
    };
    std::atomic<int> ran{0}, abandoned{0};
    Gate gate;
    for (int i = 0; i < 5; ++i) pool->submit(std::make_shared<Probe>(ran, abandoned, gate));
    REQUIRE(test::eventually([&] { return ran == 1; }, 5000, 1));
    std::thread stopper([&] { pool->stop(); });
    // stop() takes the queue at once, then waits for the running job.
    REQUIRE(test::eventually([&] { return pool->stats().waiting == 0; }, 5000, 1));
    gate.open();
    stopper.join();
    CHECK(ran == 1);
    CHECK(abandoned == 4);
}

TEST_CASE("stats show workers in use and callers waiting") {
    workers::WorkerPool<Resource> pool(1, [] { return std::make_unique<Resource>(Resource{1}); });
    struct Blocked final : workers::Job<Resource> {
        Gate& gate;
        explicit Blocked(Gate& g) : gate(g) {}
        void execute(Resource&) noexcept override { gate.wait(); }
        void abandon() noexcept override {}
    };
    Gate gate;
    pool.submit(std::make_shared<Blocked>(gate));
    pool.submit(std::make_shared<Blocked>(gate));
    CHECK(test::eventually([&] { return pool.stats().in_use == 1; }, 5000, 1));
    auto s = pool.stats();
    CHECK(s.size == 1);
    CHECK(s.in_use == 1);
    CHECK(s.waiting == 1);
    gate.open();
}
