#pragma once
// An end-to-end stack for tests: private MariaDB + Redis, a migrated database, the fake WeChat
// process and one or more `sharedhall serve` processes, all on loopback.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "booking/clock.hpp"

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/services.hpp"

namespace sh::test {

constexpr const char* e2e_secret = "E2E-APPSECRET-7f3a9c";
// The seal's key of every test server (auth.token_key): a test may mint a token as a server would.
constexpr const char* test_token_key = "e2e-token-key-0123456789abcdef0123456789";

struct ApiResult {
    int status = 0;
    nlohmann::json body;
    std::string raw;
    std::string retry_after;
    std::map<std::string, std::string> headers;  // names in lower case; a repeated one: its last
};

// The error envelope's code, or "" for a body without one.
inline std::string error_code(const ApiResult& r) {
    return r.body.is_object() && r.body.contains("error")
               ? r.body["error"]["code"].get<std::string>()
               : "";
}

// The time the tests run at. SH_TEST_CLOCK_START=HH:MM:SS (Shanghai) runs every server of the
// process as if it were that time of day today — e.g. 23:59:30, so the suite crosses midnight —
// with time flowing on from there; unset: the real time. Tests take "today" from now(), never from
// the system clock.
std::chrono::milliseconds clock_offset();
booking::TimePoint now();

class Stack {
  public:
    // `extra` is merged into every server's config (e.g. {"auth":{"cache_ttl_s":2}}).
    Stack(OwnServices& services, std::uint16_t base_port,
          nlohmann::json extra = nlohmann::json::object());
    ~Stack();

    // Starts one more server process, `extra` merged into its config; returns its port.
    std::uint16_t start_server(const nlohmann::json& extra = nlohmann::json::object());
    // kill -9 of server i; the servers after it move down one place.
    void kill_server(std::size_t i);
    // Sends `sig` to server i (SIGSTOP, SIGCONT, SIGTERM, ...).
    void signal_server(std::size_t i, int sig);
    // Waits up to timeout_ms for server i to exit: its exit status, or -1.
    int wait_server(std::size_t i, int timeout_ms);
    std::uint16_t port(std::size_t i = 0) const { return ports_.at(i); }
    std::uint16_t fake_port() const { return fake_port_; }

    ApiResult call(std::uint16_t port, const std::string& method, const std::string& path,
                   const nlohmann::json& body = nullptr, const std::string& token = "",
                   const std::string& extra_headers = "");
    // Logs in with a WeChat code on server 0 and agrees to the privacy guide in force, as the
    // phone's first run does: {token, user id}.
    std::pair<std::string, std::uint64_t> login(const std::string& code);
    // Logs in only: the member has not agreed to the guide (their collecting calls are refused).
    std::pair<std::string, std::uint64_t> login_without_consent(const std::string& code);
    // POST /me/consents for the guide's current version.
    void agree_to_guide(const std::string& token);
    // POST /fake/inject on the fake WeChat.
    void inject(const std::string& endpoint, long long errcode, int delay_ms = 0, int times = 1);
    nlohmann::json fake_stats();
    // What the fake WeChat received: {messages, codes, content_checks}.
    nlohmann::json fake_received();
    // Runs `sharedhall <args...>` against this stack's database: its exit status (`out`: what it
    // printed).
    int command(const std::vector<std::string>& args, std::string* out = nullptr);
    // The configuration file the command-line tools use against this stack's database.
    std::string command_config() { return write_config(1); }
    // Runs `sharedhall grant-role` against this stack's database.
    int grant_role(const std::string& openid, const std::string& role,
                   const std::string& extra_args = "");
    // Sets every server's clock to `t` (time flows on from there).
    void set_clock(booking::TimePoint t);
    // Sets every server's clock to `t` and stands it still there (until set, advanced or thawed):
    // a test that compares exact instants freezes, since a running clock crosses a minute or a
    // second between two readings.
    void freeze_clock(booking::TimePoint t);
    // Moves every server's clock forward (the servers run a test configuration).
    void advance_clock(int seconds);
    // Runs a timed job now on server i (POST /test/jobs/{name}/run): {job, due, changed}.
    ApiResult run_job(const std::string& name, std::size_t i = 0);
    // One pass of server i's scheduler, as its timer makes every tick (the servers of a test
    // with test.manual_jobs have none): {"ran": [jobs], "running": [jobs]}, waiting up to
    // wait_ms for the runs it starts.
    ApiResult scheduler_pass(std::size_t i = 0, int wait_ms = 10'000);
    // Runs SQL as the application user on this stack's database.
    void sql(const std::string& statement);
    // The statements in one transaction: the servers' jobs see all of them or none.
    void sql(const std::vector<std::string>& statements);
    // The first column of the first row of `query`, as text ("NULL" for NULL).
    std::string sql_value(const std::string& query);

    // Everything every server wrote, and every response body seen.
    std::string server_logs() const;
    const std::string& responses() const { return responses_; }
    const config::MysqlConfig& mysql() const { return db_.config(); }

  private:
    std::string write_config(std::uint16_t port,
                             const nlohmann::json& extra = nlohmann::json::object());

    OwnServices& services_;
    TempDatabase db_;
    std::uint16_t base_port_, fake_port_;
    nlohmann::json extra_;
    std::unique_ptr<Process> fake_;
    std::vector<std::unique_ptr<Process>> servers_;
    std::vector<std::uint16_t> ports_;
    std::size_t started_ = 0;  // servers ever started: each gets a port of its own
    std::string responses_;
    std::mutex mu_;
};

// The kinds of the notices in a member's list (GET /me/notices on server 0), newest first.
inline std::vector<std::string> notice_kinds(Stack& s, const std::string& token) {
    std::vector<std::string> out;
    auto list = s.call(s.port(), "GET", "/api/v1/me/notices", nullptr, token);
    for (const auto& n : list.body["items"]) out.push_back(n["kind"].get<std::string>());
    return out;
}

}  // namespace sh::test
