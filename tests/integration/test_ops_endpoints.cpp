// The real sharedhall process with its own MariaDB and Redis: /healthz, /readyz and /metrics
// as an operator (and a load balancer) sees them, through outages, and SIGTERM.
#include <doctest/doctest.h>

#include <csignal>

#include <nlohmann/json.hpp>

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/services.hpp"

using namespace sh;

namespace {

constexpr std::uint16_t http_port = 18412;

test::OwnServices& own() {
    static test::OwnServices s("ops-it", 13412, 16412);
    return s;
}

std::vector<std::string> server_env(const config::MysqlConfig& m, const config::RedisConfig& r) {
    return {"SH_HTTP_PORT=" + std::to_string(http_port),
            "SH_MYSQL_PORT=" + std::to_string(m.port),
            "SH_MYSQL_USER=" + m.user,
            "SH_MYSQL_PASSWORD=" + m.password,
            "SH_MYSQL_DATABASE=" + m.database,
            "SH_REDIS_PORT=" + std::to_string(r.port),
            "SH_AUTH_TOKEN_KEY=ops-test-token-key-0123456789abcdef0123"};
}

nlohmann::json readyz(int* status = nullptr) {
    auto r = test::request(http_port, "GET", "/readyz");
    if (!r) return nullptr;
    if (status) *status = r->status;
    return nlohmann::json::parse(r->body);
}

}  // namespace

TEST_CASE("readyz follows MariaDB and Redis through outages; healthz and metrics answer") {
    test::TempDatabase db(own().mysql());
    std::string log = std::string(SH_TEST_RUN_DIR) + "/ops-it-server.log";
    test::Process server({test::server_binary(), "serve"}, server_env(db.config(), own().redis()),
                         log);
    REQUIRE(test::eventually([] { return test::can_connect(http_port); }, 10000));

    auto health = test::request(http_port, "GET", "/healthz");
    REQUIRE(health);
    CHECK(health->status == 200);

    int status = 0;
    auto body = readyz(&status);
    CHECK(status == 200);
    CHECK(body["mysql"] == "ok");
    CHECK(body["redis"] == "ok");

    SUBCASE("Redis stopped: still ready, reported degraded; back to ok when it returns") {
        own().stop("redis");
        body = readyz(&status);
        CHECK(status == 200);
        CHECK(body["redis"] == "degraded");
        CHECK(body["mysql"] == "ok");
        own().start("redis");
        CHECK(test::eventually([] { return readyz()["redis"] == "ok"; }, 3000, 50));
    }

    SUBCASE("MariaDB stopped: 503 until it returns, then 200") {
        own().stop("mysql");
        body = readyz(&status);
        CHECK(status == 503);
        CHECK(body["mysql"] == "down");
        CHECK(body["status"] == "unavailable");
        own().start("mysql");
        CHECK(test::eventually(
            [] {
                int s = 0;
                readyz(&s);
                return s == 200;
            },
            10000, 100));
    }

    auto metrics = test::request(http_port, "GET", "/metrics");
    REQUIRE(metrics);
    CHECK(metrics->status == 200);
    CHECK(metrics->body.find("sh_http_requests_total{method=\"GET\",route=\"/readyz\"") !=
          std::string::npos);
    CHECK(metrics->body.find("sh_pool_connections{pool=\"mysql\",state=\"in_use\"}") !=
          std::string::npos);
    CHECK(metrics->body.find("sh_pool_waiting{pool=\"mysql\"}") != std::string::npos);
    CHECK(metrics->body.find("sh_redis_errors_total") != std::string::npos);
    CHECK(metrics->body.find("sh_http_request_duration_seconds_bucket") != std::string::npos);

    // SIGTERM: a clean exit, with every request in the access log.
    server.signal(SIGTERM);
    CHECK(server.wait(10000) == 0);
    CHECK_FALSE(test::can_connect(http_port));
    std::string out = server.log();
    CHECK(out.find("\"route\":\"/readyz\"") != std::string::npos);
    CHECK(out.find("\"route\":\"/metrics\"") != std::string::npos);
}
