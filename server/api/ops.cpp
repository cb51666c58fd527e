#include "server/api/handlers.hpp"

#include <malloc.h>

#include "booking/local_time.hpp"
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

template <class Stats>
void append_pool(std::string& out, const char* pool, const Stats& s) {
    std::string p = std::string("{pool=\"") + pool + "\"";
    out += "sh_pool_connections" + p + ",state=\"in_use\"} " + std::to_string(s.in_use) + "\n";
    out +=
        "sh_pool_connections" + p + ",state=\"idle\"} " + std::to_string(s.size - s.in_use) + "\n";
    out += "sh_pool_waiting" + p + "} " + std::to_string(s.waiting) + "\n";
    out += "sh_pool_acquire_timeouts_total" + p + "} " + std::to_string(s.timeouts) + "\n";
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

void register_metric_sources(Services& svc) {
    svc.metrics.add_source([&svc](std::string& out) {
        out +=
            "# TYPE sh_pool_connections gauge\n# TYPE sh_pool_waiting gauge\n"
            "# TYPE sh_pool_acquire_timeouts_total counter\n";
        append_pool(out, "mysql", svc.db.pool().stats());
        append_pool(out, "mysql_booking", svc.db.booking_pool().stats());
        if (svc.read_db) append_pool(out, "mysql_read", svc.read_db->pool().stats());
        append_pool(out, "redis", svc.redis.pool().stats());
        out += "# TYPE sh_mysql_tx_commits_total counter\nsh_mysql_tx_commits_total " +
               std::to_string(svc.db.tx_stats().commits.load()) + "\n";
        out += "# TYPE sh_mysql_tx_retries_total counter\nsh_mysql_tx_retries_total " +
               std::to_string(svc.db.tx_stats().retries.load()) + "\n";
        out += "# TYPE sh_redis_errors_total counter\nsh_redis_errors_total " +
               std::to_string(svc.redis.errors()) + "\n";
        const auto& b = svc.bookings.counters();
        out += "# TYPE sh_booking_attempts_total counter\nsh_booking_attempts_total " +
               std::to_string(b.attempts.load()) + "\n";
        out +=
            "# TYPE sh_booking_redis_rejections_total counter\nsh_booking_redis_rejections_total " +
            std::to_string(b.redis_rejections.load()) + "\n";
        out += "# TYPE sh_booking_mysql_attempts_total counter\nsh_booking_mysql_attempts_total " +
               std::to_string(b.mysql_attempts.load()) + "\n";
        out += "# TYPE sh_booking_created_total counter\nsh_booking_created_total " +
               std::to_string(b.created.load()) + "\n";
        // The heap as glibc's allocator sees it: bytes in use against bytes held free. RSS that
        // grows while in-use stays flat is the allocator's arenas, not a leak (the soak reads
        // both).
        auto heap = ::mallinfo2();
        out += "# TYPE sh_heap_in_use_bytes gauge\nsh_heap_in_use_bytes " +
               std::to_string(heap.uordblks + heap.hblkhd) + "\n";
        out += "# TYPE sh_heap_free_bytes gauge\nsh_heap_free_bytes " +
               std::to_string(heap.fordblks) + "\n";
    });
}

}  // namespace sh::api
