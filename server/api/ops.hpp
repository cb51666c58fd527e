#pragma once
// Operations endpoints: /healthz, /readyz, /metrics.
#include "server/http/metrics.hpp"
#include "server/http/router.hpp"
#include "server/mysql/database.hpp"
#include "server/redis/redis_client.hpp"

namespace sh::api {

struct Services {
    mysql::Database& db;
    redis::Client& redis;
    http::Metrics& metrics;
};

void add_ops_routes(http::Router& router, Services& services);

// Adds the pools' and Redis' gauges to the metrics output.
void register_metric_sources(Services& services);

// The full routing table of the service.
http::Router make_router(Services& services);

}  // namespace sh::api
