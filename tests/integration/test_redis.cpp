// The Redis client against a real Redis: commands, scripts after NOSCRIPT, per-command timeouts
// with late replies, failing fast while Redis is down and resuming when it returns. This binary
// runs its own Redis because it stops and starts it.
#include <doctest/doctest.h>

#include <thread>

#include "server/redis/redis_client.hpp"
#include "server/workers/await.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_scripts.hpp"
#include "tests/support/services.hpp"
#include "tests/support/sync.hpp"

using namespace sh;
using namespace std::chrono_literals;

namespace {

test::OwnServices& own() {
    static test::OwnServices s("redis-it", 0, 16411);
    return s;
}

config::RedisConfig cfg(int pool_size = 2) {
    auto c = own().redis();
    c.pool_size = pool_size;
    c.command_timeout_ms = 100;
    c.retry_interval_ms = 300;
    return c;
}

template <class F>
auto rrun(redis::Client& r, F f) {
    return test::sync_await(workers::run_on(r.pool(), r.guard(std::move(f)), r.acquire_timeout()));
}

redis::Reply cmd(redis::Client& r, std::vector<std::string> args) {
    return rrun(r, [args](redis::Conn& c) {
        std::vector<std::string_view> v(args.begin(), args.end());
        return c.command(v);
    });
}

bool unavailable(const std::function<void()>& f) {
    try {
        f();
    } catch (const booking::AppException& e) {
        return e.error().code == booking::Errc::redis_unavailable;
    }
    return false;
}

// Claims every key or none, like the hold script will.
const redis::Script claim_all(R"lua(
for i, k in ipairs(KEYS) do
  if redis.call('EXISTS', k) == 1 then return 0 end
end
for i, k in ipairs(KEYS) do redis.call('SET', k, ARGV[1], 'PX', ARGV[2]) end
return 1
)lua");

}  // namespace

TEST_CASE("commands round-trip values, nil and error replies") {
    redis::Client r(cfg());
    auto k = r.key("greeting");
    CHECK(cmd(r, {"SET", k, "你好"}).str == "OK");
    CHECK(cmd(r, {"GET", k}).str == "你好");
    CHECK(cmd(r, {"GET", r.key("missing")}).is_nil());
    CHECK(cmd(r, {"INCRBY", r.key("n"), "5"}).integer == 5);
    CHECK(cmd(r, {"NOSUCHCOMMAND"}).is_error());
}

TEST_CASE("a script is loaded again after NOSCRIPT (script cache flushed)") {
    redis::Client r(cfg());
    std::vector<std::string> keys = {r.key("{hall:1}:q1"), r.key("{hall:1}:q2")};
    auto eval = [&](const std::string& token) {
        return rrun(r, [&](redis::Conn& c) { return c.eval(claim_all, keys, {token, "5000"}); });
    };
    CHECK(eval("a").integer == 1);
    CHECK(eval("b").integer == 0);  // all or nothing: already claimed
    cmd(r, {"DEL", keys[0], keys[1]});
    cmd(r, {"SCRIPT", "FLUSH"});
    CHECK(eval("c").integer == 1);  // EVALSHA -> NOSCRIPT -> EVAL
    CHECK(cmd(r, {"GET", keys[1]}).str == "c");
}

TEST_CASE("a reply arriving after its caller's timeout does no harm to later commands") {
    redis::Client r(cfg(1));  // one connection: the late reply would land on the next command
    auto k = r.key("late");
    cmd(r, {"SET", k, "right-value"});
    // A script that keeps Redis busy for a second, then answers "late-reply".
    const redis::Script slow = test::busy_script(1000000);
    CHECK(unavailable([&] { rrun(r, [&](redis::Conn& c) { return c.eval(slow, {}, {}); }); }));
    REQUIRE(test::wait_until_redis_free(own().redis()));  // the late reply has been sent
    CHECK(cmd(r, {"GET", k}).str == "right-value");
    CHECK(r.errors() >= 1);
}

TEST_CASE(
    "Redis restarted: commands fail at once while it is known down and resume once it is back") {
    redis::Client r(cfg());
    auto k = r.key("restart");
    REQUIRE(cmd(r, {"SET", k, "1"}).str == "OK");
    std::vector<std::string> keys = {r.key("{hall:2}:q1")};
    REQUIRE(rrun(r, [&](redis::Conn& c) {
                return c.eval(claim_all, keys, {"x", "5000"});
            }).integer == 1);

    own().stop("redis");
    CHECK(unavailable([&] { cmd(r, {"GET", k}); }));
    // Now known down: the next commands fail without trying to connect (the client's guard).
    CHECK(r.is_down());
    const auto errors = r.errors();
    for (int i = 0; i < 20; ++i) CHECK(unavailable([&] { cmd(r, {"GET", k}); }));
    CHECK(r.errors() >= errors + 20);  // each one counted, none waited on a connect

    own().start("redis");
    // The client tries a connect again each retry interval on its own (steady) clock, which no
    // test moves: this waits for that, with a bound.
    bool ok = test::eventually(
        [&] {
            try {
                return cmd(r, {"PING"}).str == "PONG";
            } catch (const FailureException&) {
                return false;
            }
        },
        5000, 20);
    CHECK(ok);
    // The restarted Redis has no scripts: the claim script is loaded again on first use.
    CHECK(rrun(r, [&](redis::Conn& c) {
              return c.eval(claim_all, keys, {"y", "5000"});
          }).integer == 1);
}
