// Our own process dying or freezing, and the services under it going away, in the middle of a
// booking load (short forms, run by scripts/test.sh). Each ends with the invariant query: no
// quantum owned twice, every booking's quanta present, no notice lost, every 201
// the clients saw in MySQL.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

#include "tests/support/halls.hpp"
#include "tests/support/invariants.hpp"
#include "tests/support/stack.hpp"

using namespace sh;
using nlohmann::json;
using test::ApiResult;
using test::booking_body;
using test::check_invariants;
using test::error_code;
using test::make_hall;
using test::Stack;

namespace {

test::OwnServices& own() {
    static test::OwnServices s("chaos", 13430, 16430);
    return s;
}

json open_config() {
    return json{{"rate_limit",
                 {{"login_per_ip_per_minute", 0},
                  {"login_per_openid_per_minute", 0},
                  {"user_per_minute", 0}}},
                {"booking",
                 {{"max_active_per_user", 1000},
                  {"max_per_user_per_day", 1000},
                  {"max_minutes_per_user_per_week", 10080}}}};
}

// A call that survives a dead server: status 0 when nothing answered.
ApiResult try_call(Stack& s, std::uint16_t port, const json& body, const std::string& token) {
    try {
        return s.call(port, "POST", "/api/v1/bookings", body, token);
    } catch (const std::exception&) {
        return ApiResult{};
    }
}

// Members booking one after another on `ports` in turn, `threads` at a time, until stopped:
// thread t books 15-minute slots of its own hall on day d, so any two requests of the load differ
// in hall or time unless `same_slots`, when every thread books the same few slots.
struct Load {
    Load(Stack& s, std::vector<std::uint16_t> ports, const std::vector<std::string>& tokens,
         int threads, bool same_slots)
        : stack(s) {
        auto day = booking::add_days(test::tomorrow(), 1);
        for (int t = 0; t < threads; ++t)
            workers.emplace_back([this, ports, tokens, t, day, same_slots, threads] {
                for (int k = 0; !stop; ++k) {
                    int slot = same_slots ? k % 4 : k % 96;
                    std::uint64_t venue = same_slots ? 1 : static_cast<std::uint64_t>(t + 1);
                    auto d = same_slots ? day : booking::add_days(day, k / 96);
                    auto port = ports[static_cast<std::size_t>(k + t) % ports.size()];
                    auto started = std::chrono::steady_clock::now();
                    auto r =
                        try_call(stack, port, booking_body(venue, d, slot * 15, slot * 15 + 15),
                                 tokens[static_cast<std::size_t>(t + threads * k) % tokens.size()]);
                    auto took =
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                            .count();
                    {
                        std::lock_guard lock(mu);
                        results.push_back(r);
                        seconds.push_back(took);
                    }
                    // Paced: a failing service answers fast, and the walk must stay in the horizon.
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));
                }
            });
    }
    std::vector<ApiResult> finish() {
        stop = true;
        for (auto& w : workers) w.join();
        return results;
    }
    // Answers so far with this status (-1: any).
    std::size_t count(int status = -1) {
        std::lock_guard lock(mu);
        return static_cast<std::size_t>(
            std::count_if(results.begin(), results.end(),
                          [&](const ApiResult& r) { return status < 0 || r.status == status; }));
    }
    // Waits until `more` answers with `status` have come in since this was called.
    void wait_for_more(std::size_t more, int status = -1) {
        auto target = count(status) + more;
        REQUIRE(test::eventually([&] { return count(status) >= target; },
                                 static_cast<int>(20'000 + 1'000 * more), 5));
    }
    Stack& stack;
    std::atomic<bool> stop{false};
    std::vector<std::thread> workers;
    std::mutex mu;
    std::vector<ApiResult> results;
    std::vector<double> seconds;  // how long each answer took, beside results
};

// How many answers a phase waits for: the short form's, times SH_CHAOS_SCALE (scripts/test.sh
// --full sets 10: the same faults under a ten times longer load).
std::size_t answers(std::size_t n) {
    static const std::size_t scale = [] {
        const char* v = std::getenv("SH_CHAOS_SCALE");
        return v && std::atoi(v) > 0 ? static_cast<std::size_t>(std::atoi(v)) : std::size_t{1};
    }();
    return n * scale;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<std::string> members(Stack& s, const std::string& prefix, int n) {
    std::vector<std::string> tokens;
    for (int i = 0; i < n; ++i) tokens.push_back(s.login(prefix + std::to_string(i)).first);
    return tokens;
}

}  // namespace

TEST_CASE(
    "a server kill -9ed in the middle of a burst across two servers: one owner per slot, every 201 "
    "kept") {
    Stack s(own(), 19000, open_config());
    s.start_server();
    make_hall(s, 1);
    auto tokens = members(s, "kill", 32);
    Load load(s, {s.port(0), s.port(1)}, tokens, 8, true);
    load.wait_for_more(answers(20));  // in the middle of the burst
    s.kill_server(1);
    load.wait_for_more(answers(20), 0);    // requests that found it dead
    load.wait_for_more(answers(20), 409);  // and the survivor still deciding
    auto rs = load.finish();
    int winners = 0, unanswered = 0;
    for (const auto& r : rs) {
        if (r.status == 201) ++winners;
        if (r.status == 0) ++unanswered;
        CHECK((r.status == 201 || r.status == 409 || r.status == 0));
    }
    CHECK(winners <= 4);    // four slots
    CHECK(unanswered > 0);  // the kill did land mid-load
    check_invariants(s.mysql(), rs);
}

TEST_CASE(
    "a server frozen (SIGSTOP) right after a hold: the other server refuses the held slot, the "
    "holder books "
    "it once resumed") {
    Stack s(own(), 19010, open_config());
    s.start_server();
    make_hall(s, 1);
    auto [holder, holder_id] = s.login("holder");
    auto [other, other_id] = s.login("other");
    auto body = booking_body(1, booking::add_days(test::tomorrow(), 1), 600, 660);
    auto hold = s.call(s.port(0), "POST", "/api/v1/holds", body, holder);
    REQUIRE(hold.status == 201);
    s.signal_server(0, SIGSTOP);
    auto refused = s.call(s.port(1), "POST", "/api/v1/bookings", body, other);
    CHECK(refused.status == 409);
    s.signal_server(0, SIGCONT);
    auto mine = body;
    mine["hold_id"] = hold.body["hold_id"];
    auto booked = s.call(s.port(0), "POST", "/api/v1/bookings", mine, holder);
    CHECK(booked.status == 201);
    check_invariants(s.mysql(), {refused, booked});
}

TEST_CASE(
    "Redis killed (SIGKILL) in the middle of a load and restarted soon after, empty: bookings go "
    "on, one "
    "owner per slot") {
    Stack s(own(), 19020, open_config());
    make_hall(s, 1);
    for (int h = 2; h <= 4; ++h) make_hall(s, static_cast<std::uint64_t>(h));
    auto tokens = members(s, "redis", 16);
    Load load(s, {s.port(0)}, tokens, 4, false);
    load.wait_for_more(answers(20));
    own().kill("redis");
    load.wait_for_more(answers(20));  // booked without Redis
    own().start("redis");             // no persistence: it comes back empty
    load.wait_for_more(answers(20));
    auto rs = load.finish();
    for (const auto& r : rs) CHECK(r.status == 201);  // distinct slots: Redis is only the fast path
    check_invariants(s.mysql(), rs);
}

TEST_CASE(
    "MariaDB stopped under load: 503 within the pool's bound, no request hangs, service back "
    "within 5 s of "
    "its return") {
    json cfg = open_config();
    cfg["mysql"] = {{"acquire_timeout_ms", 500},
                    {"connect_timeout_s", 1},
                    {"read_timeout_s", 2},
                    {"write_timeout_s", 2}};
    Stack s(own(), 19030, cfg);
    for (int h = 1; h <= 4; ++h) make_hall(s, static_cast<std::uint64_t>(h));
    auto tokens = members(s, "db", 16);
    Load load(s, {s.port()}, tokens, 4, false);
    load.wait_for_more(answers(20));
    own().stop("mysql");
    load.wait_for_more(answers(20), 503);  // refused within the bound, not hanging
    own().start("mysql");
    // Service is back when bookings succeed again.
    auto t0 = std::chrono::steady_clock::now();
    auto made = load.count(201);
    bool resumed = test::eventually([&] { return load.count(201) > made; }, 10'000, 5);
    double back = seconds_since(t0);
    auto rs = load.finish();
    MESSAGE("MariaDB back; bookings again after " << back << " s");
    CHECK(resumed);
    CHECK(back <= 5.0);
    std::map<std::string, int> kinds;
    for (const auto& r : rs) ++kinds[std::to_string(r.status) + " " + error_code(r)];
    for (const auto& [kind, n] : kinds) MESSAGE(kind << " x" << n);
    for (std::size_t i = 0; i < rs.size(); ++i) {
        CHECK((rs[i].status == 201 || rs[i].status == 503));
        if (rs[i].status == 503)
            CHECK(load.seconds[i] < 4.0);  // the connect timeout and the pool's wait bound it
    }
    check_invariants(s.mysql(), rs);
}

TEST_CASE(
    "SIGTERM under load: every request in flight is answered, nothing new is accepted, the process "
    "exits "
    "within the drain bound") {
    json cfg = open_config();
    cfg["http"] = {{"shutdown_grace_ms", 3000}};
    Stack s(own(), 19040, cfg);
    for (int h = 1; h <= 4; ++h) make_hall(s, static_cast<std::uint64_t>(h));
    auto tokens = members(s, "term", 16);
    Load load(s, {s.port()}, tokens, 4, false);
    load.wait_for_more(answers(20));
    auto t0 = std::chrono::steady_clock::now();
    s.signal_server(0, SIGTERM);
    int exit_status = s.wait_server(0, 10'000);
    double took = seconds_since(t0);
    auto rs = load.finish();
    MESSAGE("exited " << exit_status << " after " << took << " s; " << rs.size() << " requests");
    CHECK(exit_status == 0);
    CHECK(took < 3.5);
    // A request either got its answer or was never taken in (status 0: refused or closed unread).
    for (const auto& r : rs) CHECK((r.status == 201 || r.status == 0));
    check_invariants(s.mysql(), rs);
}

TEST_CASE(
    "SIGTERM: a request half sent before the signal is read to its end and answered, a new "
    "connection after "
    "it is refused") {
    json cfg = open_config();
    cfg["http"] = {{"shutdown_grace_ms", 3000}};
    Stack s(own(), 19050, cfg);
    make_hall(s, 1);
    auto [token, id] = s.login("in-flight");
    std::string body = booking_body(1, booking::add_days(test::tomorrow(), 1), 600, 660).dump();
    test::Connection c(s.port());
    std::string head =
        "POST /api/v1/bookings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n";
    REQUIRE(c.send(head + body.substr(0, body.size() / 2)));
    // In flight: the server has read the first half (the kernel holds nothing unread for it).
    REQUIRE(test::eventually([&] { return test::server_read_all(s.port(), c.local_port()); }, 5'000,
                             5));
    s.signal_server(0, SIGTERM);
    // Nothing new is accepted: the listener is gone while the request is still open.
    REQUIRE(test::eventually([&] { return !test::can_connect(s.port()); }, 3'000, 5));
    REQUIRE(c.send(body.substr(body.size() / 2)));
    auto answer = c.read_response(std::chrono::seconds(5));
    REQUIRE(answer);
    CHECK(answer->status == 201);
    CHECK(answer->header("connection") == "close");  // the last answer of a draining server
    CHECK(s.wait_server(0, 10'000) == 0);
    ApiResult booked;
    booked.status = answer->status;
    booked.body = json::parse(answer->body);
    check_invariants(s.mysql(), {booked});
}
