#include "tests/support/stack.hpp"

#include "booking/calendar.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include "server/mysql/database.hpp"

namespace sh::test {

using nlohmann::json;

std::chrono::milliseconds clock_offset() {
    static const std::chrono::milliseconds offset = [] {
        const char* start = std::getenv("SH_TEST_CLOCK_START");
        if (!start || !*start) return std::chrono::milliseconds(0);
        int h = 0, m = 0, sec = 0;
        if (std::sscanf(start, "%d:%d:%d", &h, &m, &sec) != 3 || h < 0 || h > 23 || m < 0 ||
            m > 59 || sec < 0 || sec > 59)
            throw std::runtime_error("SH_TEST_CLOCK_START must be HH:MM:SS");
        auto real = std::chrono::system_clock::now();
        auto wanted = booking::to_timepoint(booking::to_local(real).date, h * 60 + m) +
                      std::chrono::seconds(sec);
        return std::chrono::duration_cast<std::chrono::milliseconds>(wanted - real);
    }();
    return offset;
}

booking::TimePoint now() {
    return std::chrono::time_point_cast<booking::TimePoint::duration>(
        std::chrono::system_clock::now() + clock_offset());
}

Stack::Stack(OwnServices& services, std::uint16_t base_port, json extra)
    : services_(services),
      db_(services.mysql()),
      base_port_(base_port),
      fake_port_(base_port),
      extra_(std::move(extra)) {
    std::string cfg = write_config(fake_port_);
    fake_ = std::make_unique<Process>(
        std::vector<std::string>{server_binary(), "fake-wechat", "--port",
                                 std::to_string(fake_port_), "--config", cfg},
        std::vector<std::string>{},
        std::string(SH_TEST_RUN_DIR) + "/fake-" + std::to_string(fake_port_) + ".log");
    if (!eventually([&] { return can_connect(fake_port_); }, 10000))
        throw std::runtime_error("fake WeChat did not start");
    start_server();
}

Stack::~Stack() {
    servers_.clear();
    fake_.reset();
}

std::string Stack::write_config(std::uint16_t port, const json& extra) {
    auto m = db_.config();
    auto r = services_.redis();
    json c = {
        {"http", {{"port", port}, {"io_threads", 2}}},
        {"mysql",
         {{"port", m.port}, {"user", m.user}, {"password", m.password}, {"database", m.database}}},
        {"redis", {{"port", r.port}, {"key_prefix", "sh:" + m.database + ":"}}},
        {"wechat",
         {{"base_url", "http://127.0.0.1:" + std::to_string(fake_port_)},
          {"appid", "wxe2etestappid"},
          {"secret", e2e_secret},
          {"timeout_ms", 800}}},
        {"auth", {{"token_key", test_token_key}}}};
    // Tests own time: every server of a stack has a clock the test moves (POST /test/clock), and
    // no timers: the timed work runs when a test asks (a job, or a scheduler's pass), never in
    // the middle of what a test reads (a job expiring a hand-made history's requests between the
    // server's answer and the test's own count of the rows).
    c["test"] = {{"settable_clock", true},
                 {"clock_offset_ms", clock_offset().count()},
                 {"manual_jobs", true}};
    c.merge_patch(extra_);
    c.merge_patch(extra);
    // Named after the database, which is this stack's alone: the command-line tools' config
    // (port 1) was once "e2e-1.json" for every stack, so two test processes running at once
    // could each grant a role in the other's database (a 403 seen under ASan's slowness).
    std::string path =
        std::string(SH_TEST_RUN_DIR) + "/e2e-" + m.database + "-" + std::to_string(port) + ".json";
    std::system(("mkdir -p '" + std::string(SH_TEST_RUN_DIR) + "'").c_str());
    std::ofstream(path) << c.dump(2);
    return path;
}

std::uint16_t Stack::start_server(const json& extra) {
    auto port = static_cast<std::uint16_t>(base_port_ + 1 + started_++);
    std::string cfg = write_config(port, extra);
    servers_.push_back(std::make_unique<Process>(
        std::vector<std::string>{server_binary(), "serve", "--config", cfg},
        std::vector<std::string>{},
        std::string(SH_TEST_RUN_DIR) + "/server-" + std::to_string(port) + ".log"));
    if (!eventually([&] { return can_connect(port); }, 10000))
        throw std::runtime_error("sharedhall did not start on " + std::to_string(port) + ":\n" +
                                 servers_.back()->log());
    // Someone else listening on the port would answer in its place: the server must still run.
    if (servers_.back()->wait(100) >= 0)
        throw std::runtime_error("sharedhall exited after starting on " + std::to_string(port) +
                                 " (port taken?):\n" + servers_.back()->log());
    ports_.push_back(port);
    return port;
}

namespace {

// Every answer the end-to-end tier receives, for tools/contract/check-answers.mjs to hold against
// docs/openapi.yaml: one JSON line per answer in $SH_ANSWER_LOG/answers-<pid>.jsonl, when the
// test command asks for it (scripts/test.sh does for the end-to-end tier).
void log_answer(const std::string& method, const std::string& path, int status,
                const std::string& content_type, const std::string& body) {
    static const char* dir = std::getenv("SH_ANSWER_LOG");
    if (!dir || !*dir) return;
    static std::mutex mu;
    static std::ofstream out(std::string(dir) + "/answers-" + std::to_string(::getpid()) + ".jsonl",
                             std::ios::app);
    json line = {{"method", method},
                 {"path", path.substr(0, path.find('?'))},
                 {"status", status},
                 {"type", content_type}};
    line["body"] = content_type.rfind("application/json", 0) == 0
                       ? json::parse(body, nullptr, false)
                       : json(nullptr);
    std::lock_guard lock(mu);
    out << line.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    out.flush();
}

}  // namespace

ApiResult Stack::call(std::uint16_t port, const std::string& method, const std::string& path,
                      const json& body, const std::string& token,
                      const std::string& extra_headers) {
    std::string headers =
        (token.empty() ? "" : "Authorization: Bearer " + token + "\r\n") + extra_headers;
    auto r = request(port, method, path, body.is_null() ? "" : body.dump(), headers);
    if (!r) throw std::runtime_error("no response to " + method + " " + path);
    {
        std::lock_guard lock(mu_);
        responses_ += r->body + "\n";
    }
    log_answer(method, path, r->status, r->header("content-type"), r->body);
    ApiResult out;
    out.status = r->status;
    out.raw = r->body;
    out.retry_after = r->header("retry-after");
    out.headers = r->headers;
    out.body = json::parse(r->body, nullptr, false);
    return out;
}

std::pair<std::string, std::uint64_t> Stack::login_without_consent(const std::string& code) {
    auto r = call(port(), "POST", "/api/v1/auth/login", json{{"code", code}});
    if (r.status != 200) throw std::runtime_error("login failed: " + r.raw);
    return {r.body["token"].get<std::string>(), r.body["user"]["id"].get<std::uint64_t>()};
}

void Stack::agree_to_guide(const std::string& token) {
    auto guide = call(port(), "GET", "/api/v1/privacy/guide");
    if (guide.status != 200) throw std::runtime_error("no privacy guide: " + guide.raw);
    auto r = call(port(), "POST", "/api/v1/me/consents",
                  json{{"policy_version", guide.body["version"]}}, token);
    if (r.status != 200) throw std::runtime_error("consent failed: " + r.raw);
}

std::pair<std::string, std::uint64_t> Stack::login(const std::string& code) {
    auto signed_in = login_without_consent(code);
    agree_to_guide(signed_in.first);
    return signed_in;
}

void Stack::inject(const std::string& endpoint, long long errcode, int delay_ms, int times) {
    json j = {
        {"endpoint", endpoint}, {"errcode", errcode}, {"delay_ms", delay_ms}, {"times", times}};
    auto r = request(fake_port_, "POST", "/fake/inject", j.dump());
    if (!r || r->status != 200) throw std::runtime_error("inject failed");
}

void Stack::signal_server(std::size_t i, int sig) {
    servers_.at(i)->signal(sig);
}

int Stack::wait_server(std::size_t i, int timeout_ms) {
    return servers_.at(i)->wait(timeout_ms);
}

void Stack::kill_server(std::size_t i) {
    servers_.at(i)->signal(SIGKILL);
    servers_.at(i)->wait(5000);
    servers_.erase(servers_.begin() + static_cast<std::ptrdiff_t>(i));
    ports_.erase(ports_.begin() + static_cast<std::ptrdiff_t>(i));
}

json Stack::fake_received() {
    auto r = request(fake_port_, "GET", "/fake/received");
    return r ? json::parse(r->body) : json();
}

json Stack::fake_stats() {
    auto r = request(fake_port_, "GET", "/fake/stats");
    return r ? json::parse(r->body) : json();
}

int Stack::command(const std::vector<std::string>& args, std::string* out) {
    std::string printed;
    std::vector<std::string> argv = {server_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--config");
    argv.push_back(command_config());
    int rc = run_command(argv, {}, printed);
    if (out) *out = printed;
    return rc;
}

int Stack::grant_role(const std::string& openid, const std::string& role,
                      const std::string& extra_args) {
    std::vector<std::string> args = {"grant-role", "--openid", openid, "--role", role};
    if (!extra_args.empty()) {
        auto space = extra_args.find(' ');
        args.push_back(extra_args.substr(0, space));
        args.push_back(extra_args.substr(space + 1));
    }
    return command(args);
}

void Stack::sql(const std::string& statement) {
    mysql::Conn c(sql::mysql::get_mysql_driver_instance(), db_.config());
    c.ensure_ready();
    c.execute(statement);
}

void Stack::sql(const std::vector<std::string>& statements) {
    mysql::Conn c(sql::mysql::get_mysql_driver_instance(), db_.config());
    c.ensure_ready();
    c.execute("START TRANSACTION");
    for (const auto& s : statements) c.execute(s);
    c.execute("COMMIT");
}

std::string Stack::sql_value(const std::string& query) {
    mysql::Conn c(sql::mysql::get_mysql_driver_instance(), db_.config());
    c.ensure_ready();
    std::unique_ptr<sql::ResultSet> rs(c.prepare(query).executeQuery());
    if (!rs->next()) throw std::runtime_error("no row: " + query);
    return rs->isNull(1) ? std::string("NULL") : std::string(rs->getString(1));
}

std::string Stack::server_logs() const {
    std::string all;
    for (const auto& s : servers_) all += s->log();
    return all;
}

void Stack::set_clock(booking::TimePoint t) {
    for (auto p : ports_) {
        auto r = call(p, "POST", "/test/clock", json{{"now", booking::to_iso(t)}});
        if (r.status != 200) throw std::runtime_error("cannot set the server's clock: " + r.raw);
    }
}

void Stack::freeze_clock(booking::TimePoint t) {
    for (auto p : ports_) {
        auto r =
            call(p, "POST", "/test/clock", json{{"now", booking::to_iso(t)}, {"freeze", true}});
        if (r.status != 200) throw std::runtime_error("cannot freeze the server's clock: " + r.raw);
    }
}

void Stack::advance_clock(int seconds) {
    for (auto p : ports_) {
        auto r = call(p, "POST", "/test/clock", json{{"advance_s", seconds}});
        if (r.status != 200) throw std::runtime_error("cannot move the server's clock: " + r.raw);
    }
}

ApiResult Stack::run_job(const std::string& name, std::size_t i) {
    return call(port(i), "POST", "/test/jobs/" + name + "/run");
}

ApiResult Stack::scheduler_pass(std::size_t i, int wait_ms) {
    return call(port(i), "POST", "/test/scheduler/pass", nlohmann::json{{"wait_ms", wait_ms}});
}

}  // namespace sh::test
