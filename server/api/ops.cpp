#include "server/api/handlers.hpp"

#include <malloc.h>

#include "booking/calendar.hpp"
#include "server/api/input.hpp"
#include "server/redis/lease.hpp"
#include "server/workers/await.hpp"

namespace sh::api {

using http::Method;
using http::Params;
using http::Request;
using http::Response;

namespace {

// "ok", "down" (unreachable) or "busy" (every connection taken for longer than the wait).
awaitable<std::string> probe_mysql(mysql::Database& db) {
    std::string state = "ok";
    try {
        co_await workers::run(db, [](mysql::Conn& c) { mysql::ping(c); });
    } catch (const FailureException& e) {
        state = e.failure().code == "busy" ? "busy" : "down";
    }
    co_return state;
}

awaitable<bool> probe_redis(redis::Client& redis) {
    bool ok = false;
    try {
        ok = co_await workers::run(redis, [](redis::Conn& c) { return redis::ping(c); });
    } catch (const FailureException&) {
    }
    co_return ok;
}

// Each pool's figures, labelled by pool: `read` picks one figure (and its state label, if any)
// from a pool's stats.
template <class F>
void read_pools(Services& svc, metrics::Samples& out, F read) {
    read("mysql", svc.db.pool().stats(), out);
    read("mysql_booking", svc.db.booking_pool().stats(), out);
    if (svc.read_db) read("mysql_read", svc.read_db->pool().stats(), out);
    read("redis", svc.redis.pool().stats(), out);
}

double number(std::uint64_t n) {
    return static_cast<double>(n);
}

}  // namespace

http::Handler healthz(Services&) {
    return [](Request&, const Params&) -> awaitable<Response> {
        co_return Response::text(200, R"({"status":"ok"})", "application/json");
    };
}

http::Handler readyz(Services& svc) {
    return [&svc](Request&, const Params&) -> awaitable<Response> {
        // Not ready only when MySQL is unreachable: without Redis the service still books.
        std::string db = co_await probe_mysql(svc.db);
        bool redis_ok = co_await probe_redis(svc.redis);
        bool ready = db != "down";
        nlohmann::json body = {{"status", ready ? "ready" : "unavailable"},
                               {"mysql", db},
                               {"redis", redis_ok ? "ok" : "degraded"}};
        co_return Response::json(ready ? 200 : 503, body);
    };
}

http::Handler metrics(Services& svc) {
    return [&svc](Request&, const Params&) -> awaitable<Response> {
        co_return Response::text(200, svc.metrics.render(), "text/plain; version=0.0.4");
    };
}

http::Handler set_test_clock(Services& svc) {
    // {"now": "2026-12-01T23:59:30+08:00"} or {"advance_s": 600}: the server's clock from then on;
    // "freeze": true stands it still there (false lets it flow again). Only for a caller on this
    // machine with nobody between: through a proxy, or with X-Forwarded-For, there is no such
    // route.
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        if (!req.direct_loopback) throw booking::AppException(booking::Errc::not_found);
        auto body = object_body(req);
        auto freeze = optional_bool(body, "freeze");
        if (freeze && *freeze) svc.test_clock->freeze();
        if (auto now = optional_string(body, "now")) {
            auto t = booking::from_iso(*now);
            if (!t) throw field_error("now", "must be an ISO 8601 instant");
            svc.test_clock->set(*t);
        } else if (body.contains("advance_s") || !freeze) {
            svc.test_clock->advance(std::chrono::seconds(required_int(body, "advance_s")));
        }
        if (freeze && !*freeze) svc.test_clock->thaw();
        co_return Response::json(200, nlohmann::json{{"now", booking::to_iso(svc.clock.now())}});
    };
}

http::Handler run_test_job(Services& svc) {
    // Runs a timed job now, through its lease (waiting up to 10 s for a run elsewhere to end):
    // tests run the timed work on demand instead of waiting for its timer. Same guard as the clock.
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        if (!req.direct_loopback || !svc.scheduler)
            throw booking::AppException(booking::Errc::not_found);
        auto r = co_await svc.scheduler->run_now(p["name"], std::chrono::seconds(10));
        if (!r) co_return Response::error(r.error());
        co_return Response::json(200, nlohmann::json{{"job", r.value().job},
                                                     {"due", booking::to_iso(r.value().due)},
                                                     {"changed", r.value().changed}});
    };
}

http::Handler run_scheduler_pass(Services& svc) {
    // One pass of the scheduler, as its timer makes every tick ({"wait_ms": n}: for the runs it
    // starts to end, default 10 s): tests of the timed work make the passes themselves on a
    // server without timers, and read which jobs ran. Same guard as the clock.
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        if (!req.direct_loopback || !svc.scheduler)
            throw booking::AppException(booking::Errc::not_found);
        auto body = object_body(req);
        const int wait = body.contains("wait_ms") ? required_int(body, "wait_ms") : 10'000;
        if (wait < 0 || wait > 60'000) throw field_error("wait_ms", "0 to 60000");
        auto r = co_await svc.scheduler->pass(std::chrono::milliseconds(wait));
        co_return Response::json(200, nlohmann::json{{"ran", r.ran}, {"running", r.running}});
    };
}

void register_metric_sources(Services& svc) {
    using metrics::Type;
    auto& r = svc.metrics.registry();
    r.add("sh_pool_connections", Type::gauge, "Connections of each pool, in use or idle.",
          [&svc](metrics::Samples& out) {
              read_pools(svc, out, [](const char* pool, const auto& s, metrics::Samples& o) {
                  o.add({{"pool", pool}, {"state", "in_use"}}, number(s.in_use));
                  o.add({{"pool", pool}, {"state", "idle"}}, number(s.size - s.in_use));
              });
          });
    r.add("sh_pool_waiting", Type::gauge, "Jobs waiting for a connection of each pool.",
          [&svc](metrics::Samples& out) {
              read_pools(svc, out, [](const char* pool, const auto& s, metrics::Samples& o) {
                  o.add({{"pool", pool}}, number(s.waiting));
              });
          });
    r.add("sh_pool_acquire_timeouts_total", Type::counter,
          "Jobs that waited too long for a connection of each pool.",
          [&svc](metrics::Samples& out) {
              read_pools(svc, out, [](const char* pool, const auto& s, metrics::Samples& o) {
                  o.add({{"pool", pool}}, number(s.timeouts));
              });
          });
    r.add_value("sh_mysql_tx_commits_total", Type::counter, "MySQL transactions committed.",
                [&svc] { return number(svc.db.tx_stats().commits.load()); });
    r.add_value("sh_mysql_tx_retries_total", Type::counter,
                "MySQL transactions retried after a deadlock or lock wait timeout.",
                [&svc] { return number(svc.db.tx_stats().retries.load()); });
    r.add_value("sh_redis_errors_total", Type::counter, "Redis commands that failed.",
                [&svc] { return number(svc.redis.errors()); });
    const auto& b = svc.bookings.counters();
    r.add_value("sh_booking_attempts_total", Type::counter, "Booking requests.",
                [&b] { return number(b.attempts.load()); });
    r.add_value("sh_booking_redis_rejections_total", Type::counter,
                "Booking requests turned away by the Redis claim.",
                [&b] { return number(b.redis_rejections.load()); });
    r.add_value("sh_booking_mysql_attempts_total", Type::counter,
                "Booking requests decided in MySQL.",
                [&b] { return number(b.mysql_attempts.load()); });
    r.add_value("sh_booking_created_total", Type::counter, "Bookings made.",
                [&b] { return number(b.created.load()); });
    // The heap as glibc's allocator sees it: bytes in use against bytes held free. RSS that grows
    // while in-use stays flat is the allocator's arenas, not a leak (the soak reads both).
    r.add_value("sh_heap_in_use_bytes", Type::gauge, "Heap bytes in use (glibc).", [] {
        auto heap = ::mallinfo2();
        return number(heap.uordblks + heap.hblkhd);
    });
    r.add_value("sh_heap_free_bytes", Type::gauge, "Heap bytes held free (glibc).",
                [] { return number(::mallinfo2().fordblks); });
}

}  // namespace sh::api
