// The I/O-thread Redis client against a real Redis: commands, scripts after NOSCRIPT, a late
// reply after its caller's deadline, and a Redis restart (fail fast, then back within 2 s).
// Its own Redis, because it stops and starts it.
#include <doctest/doctest.h>

#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "server/redis/async_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_scripts.hpp"
#include "tests/support/services.hpp"

using namespace sh;
using namespace std::chrono_literals;

namespace {

test::OwnServices& own() {
    static test::OwnServices s("redis-async-it", 0, 16416);
    return s;
}

struct Loop {
    Loop() : thread([this] { ioc.run(); }) {}
    ~Loop() {
        guard.reset();
        ioc.stop();
        thread.join();
    }
    template <class T>
    T run(awaitable<T> a) {
        return asio::co_spawn(ioc, std::move(a), asio::use_future).get();
    }
    asio::io_context ioc;
    asio::executor_work_guard<asio::io_context::executor_type> guard = asio::make_work_guard(ioc);
    std::thread thread;
};

config::RedisConfig cfg() {
    auto c = own().redis();
    c.command_timeout_ms = 100;
    c.retry_interval_ms = 200;
    return c;
}

bool unavailable(const std::function<void()>& f) {
    try {
        f();
    } catch (const booking::AppException& e) {
        return e.error().code == booking::Errc::redis_unavailable;
    }
    return false;
}

// Waits until the client has connected. It connects in the background, again each retry interval
// on its own (steady) clock, which no test moves: so this polls, with a bound.
void wait_up(Loop& loop, redis::AsyncClient& r) {
    CHECK(test::eventually(
        [&] {
            try {
                return loop.run(r.command({"PING"})).str == "PONG";
            } catch (const FailureException&) {
                return false;
            }
        },
        3000, 20));
}

const redis::Script echo_sum(R"lua(return tonumber(ARGV[1]) + tonumber(ARGV[2]))lua");

}  // namespace

TEST_CASE("async: commands round-trip, and a script is loaded again after NOSCRIPT") {
    Loop loop;
    redis::AsyncClient r(loop.ioc, cfg());
    wait_up(loop, r);
    auto k = r.key("async:greeting");
    CHECK(loop.run(r.command({"SET", k, "你好"})).str == "OK");
    CHECK(loop.run(r.command({"GET", k})).str == "你好");
    CHECK(loop.run(r.command({"GET", r.key("async:missing")})).is_nil());
    CHECK(loop.run(r.eval(echo_sum, {}, {"2", "40"})).integer == 42);
    loop.run(r.command({"SCRIPT", "FLUSH"}));
    CHECK(loop.run(r.eval(echo_sum, {}, {"1", "1"})).integer == 2);

    // Many at once on the one connection: each gets its own answer.
    std::vector<std::future<redis::Reply>> futures;
    for (int i = 0; i < 200; ++i)
        futures.push_back(asio::co_spawn(loop.ioc, r.eval(echo_sum, {}, {std::to_string(i), "0"}),
                                         asio::use_future));
    for (int i = 0; i < 200; ++i) CHECK(futures[static_cast<std::size_t>(i)].get().integer == i);
}

TEST_CASE("async: a reply arriving after its caller's deadline does no harm") {
    Loop loop;
    redis::AsyncClient r(loop.ioc, cfg());
    wait_up(loop, r);
    auto k = r.key("async:late");
    loop.run(r.command({"SET", k, "right-value"}));
    const redis::Script slow = test::busy_script(500000);
    CHECK(unavailable([&] { loop.run(r.eval(slow, {}, {})); }));
    REQUIRE(test::wait_until_redis_free(cfg()));  // the late reply has been sent
    CHECK(loop.run(r.command({"GET", k})).str == "right-value");
    CHECK(r.errors() >= 1);
}

TEST_CASE(
    "async: Redis restarted — commands fail while it is down and work again once it is back") {
    Loop loop;
    redis::AsyncClient r(loop.ioc, cfg());
    wait_up(loop, r);
    own().stop("redis");
    CHECK(test::eventually([&] { return unavailable([&] { loop.run(r.command({"PING"})); }); },
                           2000, 20));
    for (int i = 0; i < 20; ++i) CHECK(unavailable([&] { loop.run(r.command({"PING"})); }));
    own().start("redis");
    wait_up(loop, r);
    CHECK(loop.run(r.eval(echo_sum, {}, {"20", "22"})).integer ==
          42);  // the script is loaded again
}
