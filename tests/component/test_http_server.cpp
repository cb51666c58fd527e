// The HTTP server over a real loopback socket: what a phone (or a misbehaving client) sees.
#include <doctest/doctest.h>

#include <atomic>

#include <cstdio>
#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>

#include "server/http/server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace sh;
using namespace sh::http;
using sh::test::Connection;
using std::chrono::milliseconds;

namespace {

std::atomic<int> handlers_started{0};  // /slow and /hang count here as they begin

Router test_router() {
    Router r;
    r.add(Method::get, "/ping", [](Request&, const Params&) -> awaitable<Response> {
        co_return Response::text(200, "{\"pong\":true}", "application/json");
    });
    r.add(Method::post, "/echo", [](Request& req, const Params&) -> awaitable<Response> {
        auto body = req.json_body();
        co_return Response::json(200, body);
    });
    r.add(Method::get, "/slow", [](Request&, const Params&) -> awaitable<Response> {
        ++handlers_started;
        asio::steady_timer t(co_await asio::this_coro::executor, milliseconds(400));
        co_await t.async_wait(asio::use_awaitable);
        co_return Response::text(200, "{\"slow\":true}", "application/json");
    });
    r.add(Method::get, "/hang", [](Request&, const Params&) -> awaitable<Response> {
        ++handlers_started;
        asio::steady_timer t(co_await asio::this_coro::executor, milliseconds(10'000));
        co_await t.async_wait(asio::use_awaitable);
        co_return Response::text(200, "{\"slow\":true}", "application/json");
    });
    r.add(Method::get, "/boom", [](Request&, const Params&) -> awaitable<Response> {
        throw std::runtime_error("secret-detail-xyz at /srv/db password=hunter2");
        co_return Response{};
    });
    r.add(Method::get, "/items/{id}", [](Request&, const Params& p) -> awaitable<Response> {
        nlohmann::json body = {{"id", p["id"]}};
        co_return Response::json(200, body);
    });
    r.add(Method::get, "/whoami", [](Request& req, const Params&) -> awaitable<Response> {
        nlohmann::json body = {{"client", req.client_ip}};
        co_return Response::json(200, body);
    });
    return r;
}

struct TestServer {
    explicit TestServer(config::HttpConfig c = base_config()) : cfg(c) {
        log_file = std::tmpfile();
        log = std::make_unique<AccessLog>(true, log_file);
        server = std::make_unique<Server>(ioc, cfg, router, *log, metrics);
        server->start();
        for (int i = 0; i < 2; ++i) threads.emplace_back([this] { ioc.run(); });
    }
    ~TestServer() {
        if (!drained) drain(milliseconds(1000)).get();
        guard.reset();
        ioc.stop();
        for (auto& t : threads) t.join();
        log.reset();
        std::fclose(log_file);
    }
    static config::HttpConfig base_config() {
        config::HttpConfig c;
        c.port = 0;
        c.io_threads = 2;
        c.body_limit = 1024;
        c.header_limit = 2048;
        c.read_timeout_ms = 800;
        c.idle_timeout_ms = 5000;
        return c;
    }
    std::future<void> drain(milliseconds grace) {
        drained = true;
        return asio::co_spawn(ioc, server->drain(grace), asio::use_future);
    }
    std::uint16_t port() const { return server->port(); }
    std::string access_log() {
        log->flush();
        std::fflush(log_file);
        std::rewind(log_file);
        std::string out;
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, log_file)) > 0) out.append(buf, n);
        return out;
    }

    config::HttpConfig cfg;
    asio::io_context ioc;
    asio::executor_work_guard<asio::io_context::executor_type> guard = asio::make_work_guard(ioc);
    Router router = test_router();
    Metrics metrics;
    std::FILE* log_file;
    std::unique_ptr<AccessLog> log;
    std::unique_ptr<Server> server;
    std::vector<std::thread> threads;
    bool drained = false;
};

std::string error_code_of(const test::HttpResult& r) {
    return nlohmann::json::parse(r.body)["error"]["code"].get<std::string>();
}

}  // namespace

TEST_CASE("keep-alive: several requests are answered on one connection") {
    TestServer s;
    Connection c(s.port());
    for (int i = 0; i < 3; ++i) {
        REQUIRE(c.send(test::make_request("GET", "/items/" + std::to_string(i))));
        auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(nlohmann::json::parse(r->body)["id"] == std::to_string(i));
        CHECK(r->header("connection") != "close");
    }
    // Two requests sent back to back (pipelined) are both answered, in order.
    REQUIRE(c.send(test::make_request("GET", "/items/a") + test::make_request("GET", "/items/b")));
    auto a = c.read_response(), b = c.read_response();
    REQUIRE(a);
    REQUIRE(b);
    CHECK(nlohmann::json::parse(a->body)["id"] == "a");
    CHECK(nlohmann::json::parse(b->body)["id"] == "b");
}

TEST_CASE("an unknown path is 404 and a wrong method 405, both as JSON errors") {
    TestServer s;
    auto nf = test::request(s.port(), "GET", "/nothing-here");
    REQUIRE(nf);
    CHECK(nf->status == 404);
    CHECK(error_code_of(*nf) == "not_found");
    CHECK(nf->header("content-type") == "application/json");

    auto na = test::request(s.port(), "DELETE", "/ping");
    REQUIRE(na);
    CHECK(na->status == 405);
    CHECK(error_code_of(*na) == "method_not_allowed");
    CHECK(na->header("allow") == "GET");
}

TEST_CASE("a body over the limit gets 413 payload_too_large") {
    TestServer s;
    Connection c(s.port());
    std::string big(4096, 'x');
    REQUIRE(c.send(test::make_request("POST", "/echo", "\"" + big + "\"")));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(error_code_of(*r) == "payload_too_large");
    CHECK(r->header("connection") == "close");
}

TEST_CASE("a malformed request line gets 400 bad_request") {
    TestServer s;
    Connection c(s.port());
    REQUIRE(c.send("THIS IS NOT HTTP\r\n\r\n"));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(error_code_of(*r) == "bad_request");
    CHECK(c.wait_closed(milliseconds(2000)));
}

TEST_CASE("header blocks over the limit get 431") {
    TestServer s;
    Connection c(s.port());
    REQUIRE(
        c.send("GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n"));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 431);
    CHECK(error_code_of(*r) == "headers_too_large");
}

TEST_CASE("malformed JSON in a body is 400 bad_json") {
    TestServer s;
    auto r = test::request(s.port(), "POST", "/echo", "{\"a\":");
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(error_code_of(*r) == "bad_json");
}

TEST_CASE("an unexpected exception is a bare 500 that leaks nothing") {
    TestServer s;
    auto r = test::request(s.port(), "GET", "/boom");
    REQUIRE(r);
    CHECK(r->status == 500);
    CHECK(error_code_of(*r) == "internal");
    CHECK(r->body.find("secret") == std::string::npos);
    CHECK(r->body.find("hunter2") == std::string::npos);
    // The server carries on.
    auto ok = test::request(s.port(), "GET", "/ping");
    REQUIRE(ok);
    CHECK(ok->status == 200);
}

TEST_CASE("a client trickling one byte at a time is dropped after the read timeout") {
    TestServer s;  // read_timeout_ms = 800
    Connection c(s.port());
    std::string req = test::make_request("GET", "/ping");
    bool closed = false;
    std::size_t sent = 0;
    for (char ch : req) {
        if (!c.send(std::string(1, ch))) {
            closed = true;
            break;
        }
        ++sent;
        if (c.wait_closed(milliseconds(150))) {
            closed = true;
            break;
        }
    }
    // Dropped before its request was whole: trickling does not keep a connection (a worker's
    // time) for ever. (The read timeout is wall-clock time in the server; the test bounds
    // nothing by the clock.)
    CHECK(closed);
    CHECK(sent < req.size());
}

TEST_CASE("every response carries an X-Request-Id; a sane incoming one is echoed") {
    TestServer s;
    auto fresh = test::request(s.port(), "GET", "/ping");
    REQUIRE(fresh);
    CHECK(fresh->header("x-request-id").size() == 16);

    auto echoed = test::request(s.port(), "GET", "/ping", "", "X-Request-Id: abc-123\r\n");
    REQUIRE(echoed);
    CHECK(echoed->header("x-request-id") == "abc-123");

    auto replaced = test::request(s.port(), "GET", "/ping", "", "X-Request-Id: bad id\"<>\r\n");
    REQUIRE(replaced);
    CHECK(replaced->header("x-request-id") != "bad id\"<>");
    CHECK(replaced->header("x-request-id").size() == 16);
}

TEST_CASE("each request writes one JSON access-log line with route, status, latency and id") {
    TestServer s;
    auto r = test::request(s.port(), "GET", "/items/77", "", "X-Request-Id: log-check-1\r\n");
    REQUIRE(r);
    std::string log;
    CHECK(test::eventually(
        [&] { return (log = s.access_log()).find("log-check-1") != std::string::npos; }, 2000));
    auto pos = log.find("log-check-1");
    REQUIRE(pos != std::string::npos);
    auto line_start = log.rfind('\n', pos);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    auto j = nlohmann::json::parse(log.substr(line_start, log.find('\n', pos) - line_start));
    CHECK(j["method"] == "GET");
    CHECK(j["route"] == "/items/{id}");
    CHECK(j["path"] == "/items/77");
    CHECK(j["status"] == 200);
    CHECK(j["latency_ms"].is_number());
}

TEST_CASE("X-Forwarded-For is believed only from a trusted proxy") {
    SUBCASE("untrusted peer: its own address") {
        TestServer s;
        auto r = test::request(s.port(), "GET", "/whoami", "", "X-Forwarded-For: 1.2.3.4\r\n");
        REQUIRE(r);
        CHECK(nlohmann::json::parse(r->body)["client"] == "127.0.0.1");
    }
    SUBCASE("trusted peer: the right-most untrusted hop") {
        auto cfg = TestServer::base_config();
        cfg.trusted_proxies = {"127.0.0.1", "10.0.0.2"};
        TestServer s(cfg);
        auto r = test::request(s.port(), "GET", "/whoami", "",
                               "X-Forwarded-For: 6.6.6.6, 1.2.3.4, 10.0.0.2\r\n");
        REQUIRE(r);
        CHECK(nlohmann::json::parse(r->body)["client"] == "1.2.3.4");
    }
    SUBCASE("trusted peer, header split over two lines by a second proxy: the lines are one list") {
        auto cfg = TestServer::base_config();
        cfg.trusted_proxies = {"127.0.0.1", "10.0.0.2"};
        TestServer s(cfg);
        auto r =
            test::request(s.port(), "GET", "/whoami", "",
                          "X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-For: 1.2.3.4, 10.0.0.2\r\n");
        REQUIRE(r);
        CHECK(nlohmann::json::parse(r->body)["client"] == "1.2.3.4");
    }
}

TEST_CASE("beyond the connection cap a new connection gets 503 too_many_connections") {
    auto cfg = TestServer::base_config();
    cfg.max_connections = 2;
    TestServer s(cfg);
    Connection a(s.port()), b(s.port());
    REQUIRE(a.send(test::make_request("GET", "/ping")));
    REQUIRE(a.read_response());
    REQUIRE(b.send(test::make_request("GET", "/ping")));
    REQUIRE(b.read_response());
    Connection c(s.port());
    auto r = c.read_response(milliseconds(2000));
    REQUIRE(r);
    CHECK(r->status == 503);
    CHECK(error_code_of(*r) == "too_many_connections");
    CHECK(s.metrics.connections_rejected.load() == 1);
}

TEST_CASE(
    "graceful shutdown answers the request in flight, closes idle connections, refuses new ones") {
    TestServer s;
    Connection idle(s.port());
    REQUIRE(idle.send(test::make_request("GET", "/ping")));
    REQUIRE(idle.read_response());

    Connection busy(s.port());
    int started = handlers_started;
    REQUIRE(busy.send(test::make_request("GET", "/slow")));
    REQUIRE(test::eventually([&] { return handlers_started > started; },
                             2000));  // the slow handler is running

    auto drained = s.drain(milliseconds(3000));
    CHECK(idle.wait_closed(milliseconds(1000)));
    auto r = busy.read_response(milliseconds(3000));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->header("connection") == "close");
    CHECK(drained.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
    CHECK_FALSE(test::can_connect(s.port()));
}

TEST_CASE("a request still running when the grace period ends is cut, and drain completes") {
    TestServer s;
    Connection busy(s.port());
    int started = handlers_started;
    REQUIRE(busy.send(test::make_request("GET", "/hang")));  // would answer after 10 s
    REQUIRE(test::eventually([&] { return handlers_started > started; }, 2000));
    auto drained = s.drain(milliseconds(100));
    CHECK(drained.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
    // The busy connection was cut without an answer, long before its handler would have finished.
    CHECK_FALSE(busy.read_response(milliseconds(2000)));
    CHECK(busy.wait_closed(milliseconds(1000)));
}

TEST_CASE("metrics count requests by route and status") {
    TestServer s;
    for (int i = 0; i < 3; ++i)
        REQUIRE(test::request(s.port(), "GET", "/items/" + std::to_string(i)));
    REQUIRE(test::request(s.port(), "GET", "/nope"));
    // Metrics are recorded once the response is written, on whichever I/O thread wrote it: the
    // client may have its answer before the count moves, so wait for each line.
    auto has = [&](const std::string& line) {
        return test::eventually([&] { return s.metrics.render().find(line) != std::string::npos; },
                                2000);
    };
    CHECK(has("sh_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1"));
    CHECK(has("sh_http_requests_total{method=\"GET\",route=\"/items/{id}\",status=\"200\"} 3"));
    CHECK(has("sh_http_request_duration_seconds_count{route=\"/items/{id}\"} 3"));
}
