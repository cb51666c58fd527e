#pragma once
#include <atomic>
// Everything a handler may use, built once by main (the composition root) and passed down.
#include "booking/clock.hpp"
#include "config/app_config.hpp"
#include "server/api/auth.hpp"
#include "server/api/rate_limit.hpp"
#include "server/api/wechat_token.hpp"
#include "server/http/metrics.hpp"
#include "server/http/router.hpp"
#include "server/mysql/database.hpp"
#include "server/redis/redis_client.hpp"
#include "wechat/client.hpp"

namespace sh::api {

class AvailabilityService;
class SlotClaims;

// Counters of the booking path (exported on /metrics).
struct BookingCounters {
    std::atomic<std::uint64_t> attempts{0};          // POST /bookings that reached the handler
    std::atomic<std::uint64_t> redis_rejections{0};  // turned away by the Redis claim
    std::atomic<std::uint64_t> mysql_attempts{0};    // booking transactions started in MySQL
    std::atomic<std::uint64_t> created{0};
};

struct Services {
    const config::AppConfig& cfg;
    const booking::Clock& clock;
    mysql::Database& db;
    redis::Client& redis;
    http::Metrics& metrics;
    wechat::Client& wx;
    AccessTokenProvider& wx_token;
    RateLimiter& limiter;
    AuthService& auth;
    AvailabilityService& availability;
    SlotClaims& claims;
    BookingCounters& booking_counters;
};

// The full routing table of the service: one place lists every route (routes.cpp).
http::Router make_router(Services& services);

// Adds the pools' and Redis' gauges to the metrics output.
void register_metric_sources(Services& services);

// Runs a blocking job on the MySQL pool: co_await db_run(svc, [&](mysql::Conn& c) { ... }).
template <class F>
auto db_run(Services& svc, F f);

}  // namespace sh::api

#include "server/workers/await.hpp"

template <class F>
auto sh::api::db_run(Services& svc, F f) {
    return workers::run_on(svc.db.pool(), svc.db.guard(std::move(f)), svc.db.acquire_timeout());
}

namespace sh::api {

// Runs a use case returning Result<T> against Store (built on the connection) in one READ
// COMMITTED transaction. An expected failure rolls the transaction back and is thrown as
// AppException, which the request boundary answers.
template <class Store, class UseCase>
auto in_transaction(Services& svc, UseCase use_case) {
    return db_run(svc, [&svc, use_case](mysql::Conn& c) mutable {
        return svc.db.transact(c, mysql::Isolation::read_committed, [&](mysql::Conn& tx) {
            Store store(tx);
            auto r = use_case(store);
            if (!r.ok()) throw booking::AppException(r.error());
            return std::move(r.value());
        });
    });
}

}  // namespace sh::api
