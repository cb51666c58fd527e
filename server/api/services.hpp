#pragma once
#include <atomic>
// Everything a handler may use, built once by main (the composition root) and passed down.
#include "app/bookings.hpp"
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
    app::BookingService& bookings;
    booking::ShiftedClock* test_clock = nullptr;  // only in a test configuration: POST /test/clock
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
    return workers::run(svc.db, std::move(f));
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
