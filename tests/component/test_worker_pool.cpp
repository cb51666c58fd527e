// The blocking worker pool and its coroutine bridge: the bounded wait for a free connection.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "server/workers/await.hpp"
#include "tests/support/sync.hpp"

using namespace sh;
using namespace std::chrono_literals;

namespace {
struct Resource {
    int id;
};
}  // namespace

TEST_CASE("a job runs on a worker with its resource and returns its value to the coroutine") {
    workers::WorkerPool<Resource> pool(2, [] { return std::make_unique<Resource>(Resource{7}); });
    int v = test::sync_await(workers::run_on(pool, [](Resource& r) { return r.id * 6; }, 100ms));
    CHECK(v == 42);
}

TEST_CASE("an exception in a job reaches the awaiting coroutine") {
    workers::WorkerPool<Resource> pool(1, [] { return std::make_unique<Resource>(Resource{1}); });
    auto run = [&]() -> awaitable<void> {
        co_await workers::run_on(pool, [](Resource&) { throw std::runtime_error("db said no"); }, 100ms);
    };
    CHECK_THROWS_WITH_AS(test::sync_await(run()), "db said no", std::runtime_error);
}

TEST_CASE("with every worker taken, a caller gets busy after the acquire timeout and its job never runs") {
    workers::WorkerPool<Resource> pool(1, [] { return std::make_unique<Resource>(Resource{1}); });
    std::atomic<bool> second_ran{false};
    std::atomic<bool> holding{false};
    std::thread holder([&] {
        test::sync_await(workers::run_on(
            pool,
            [&](Resource&) {
                holding = true;
                std::this_thread::sleep_for(600ms);
            },
            100ms));
    });
    while (!holding) std::this_thread::sleep_for(1ms);

    auto start = std::chrono::steady_clock::now();
    try {
        test::sync_await(workers::run_on(pool, [&](Resource&) { second_ran = true; }, 50ms));
        FAIL("expected busy");
    } catch (const booking::AppException& e) {
        CHECK(e.error().code == booking::Errc::busy);
    }
    auto waited = std::chrono::steady_clock::now() - start;
    CHECK(waited >= 45ms);
    CHECK(waited < 400ms);  // well before the holder lets go
    holder.join();
    std::this_thread::sleep_for(50ms);
    CHECK_FALSE(second_ran);
    CHECK(pool.stats().timeouts == 1);
}

TEST_CASE("jobs still queued when the pool stops are answered shutting_down, not lost") {
    auto pool = std::make_unique<workers::WorkerPool<Resource>>(
        1, [] { return std::make_unique<Resource>(Resource{1}); });
    struct Probe final : workers::Job<Resource> {
        std::atomic<int>& ran;
        std::atomic<int>& abandoned;
        Probe(std::atomic<int>& r, std::atomic<int>& a) : ran(r), abandoned(a) {}
        void execute(Resource&) noexcept override {
            std::this_thread::sleep_for(100ms);
            ++ran;
        }
        void abandon() noexcept override { ++abandoned; }
    };
    std::atomic<int> ran{0}, abandoned{0};
    for (int i = 0; i < 5; ++i) pool->submit(std::make_shared<Probe>(ran, abandoned));
    std::this_thread::sleep_for(20ms);
    pool->stop();
    CHECK(ran == 1);
    CHECK(abandoned == 4);
}

TEST_CASE("stats show workers in use and callers waiting") {
    workers::WorkerPool<Resource> pool(1, [] { return std::make_unique<Resource>(Resource{1}); });
    struct Sleeper final : workers::Job<Resource> {
        void execute(Resource&) noexcept override { std::this_thread::sleep_for(200ms); }
        void abandon() noexcept override {}
    };
    pool.submit(std::make_shared<Sleeper>());
    pool.submit(std::make_shared<Sleeper>());
    std::this_thread::sleep_for(50ms);
    auto s = pool.stats();
    CHECK(s.size == 1);
    CHECK(s.in_use == 1);
    CHECK(s.waiting == 1);
}
