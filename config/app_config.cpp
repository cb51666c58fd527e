#include "config/app_config.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace sh::config {
namespace {

using nlohmann::json;

// Reads the members of one JSON object into struct fields, naming the field on any error
// and rejecting unknown keys (a typo in a config must not be silently ignored).
class Section {
  public:
    Section(const json& root, std::string name) : name_(std::move(name)) {
        if (!root.contains(name_)) return;
        node_ = &root.at(name_);
        if (!node_->is_object()) throw ConfigError(name_, "expected an object");
    }

    void str(const char* key, std::string& out) {
        if (const json* v = take(key)) {
            if (!v->is_string()) throw ConfigError(path(key), "expected a string");
            out = v->get<std::string>();
        }
    }
    template <class Int>
    void integer(const char* key, Int& out, long long min, long long max) {
        if (const json* v = take(key)) {
            if (!v->is_number_integer()) throw ConfigError(path(key), "expected an integer");
            auto n = v->get<long long>();
            if (n < min || n > max)
                throw ConfigError(path(key), "must be between " + std::to_string(min) + " and " +
                                                 std::to_string(max));
            out = static_cast<Int>(n);
        }
    }
    void boolean(const char* key, bool& out) {
        if (const json* v = take(key)) {
            if (!v->is_boolean()) throw ConfigError(path(key), "expected true or false");
            out = v->get<bool>();
        }
    }
    void strings(const char* key, std::vector<std::string>& out) {
        if (const json* v = take(key)) {
            if (!v->is_array()) throw ConfigError(path(key), "expected an array of strings");
            out.clear();
            for (const auto& e : *v) {
                if (!e.is_string()) throw ConfigError(path(key), "expected an array of strings");
                out.push_back(e.get<std::string>());
            }
        }
    }
    void finish() const {
        if (!node_) return;
        for (const auto& [key, value] : node_->items())
            if (!seen_.count(key)) throw ConfigError(path(key.c_str()), "unknown field");
    }

  private:
    const json* take(const char* key) {
        seen_.insert(key);
        if (!node_ || !node_->contains(key)) return nullptr;
        return &node_->at(key);
    }
    std::string path(const char* key) const { return name_ + "." + key; }

    std::string name_;
    const json* node_ = nullptr;
    std::set<std::string> seen_;
};

void override_str(const EnvLookup& env, const char* var, std::string& out) {
    if (auto v = env(var)) out = *v;
}

void override_port(const EnvLookup& env, const char* var, const char* field, std::uint16_t& out) {
    auto v = env(var);
    if (!v) return;
    char* end = nullptr;
    long n = std::strtol(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || n < 1 || n > 65535)
        throw ConfigError(field, std::string("environment ") + var + " must be a port 1..65535");
    out = static_cast<std::uint16_t>(n);
}

void validate_url(const std::string& url) {
    auto u = parse_url(url);
    if (!u) throw ConfigError("wechat.base_url", "not a URL: expected scheme://host[:port][/path]");
    if (u->scheme != "https" && !(u->scheme == "http" && is_loopback_host(u->host)))
        throw ConfigError("wechat.base_url",
                          "must be https:// (plain http:// only for 127.0.0.1, ::1 or localhost)");
}

}  // namespace

bool is_loopback_host(const std::string& host) {
    if (host == "localhost" || host == "::1") return true;
    // 127.x.y.z, digits only ("127.evil.tld" is a name anyone can register).
    if (host.rfind("127.", 0) != 0) return false;
    int dots = 0;
    for (char ch : host) {
        if (ch == '.')
            ++dots;
        else if (!std::isdigit(static_cast<unsigned char>(ch)))
            return false;
    }
    return dots == 3 && host.find("..") == std::string::npos && host.back() != '.';
}

std::optional<Url> parse_url(const std::string& url) {
    // scheme "://" host [":" port] [path]; the host is a name, an IPv4 address or [IPv6]; no
    // user info (an '@' would let "http://127.0.0.1@evil" pass as loopback).
    Url u;
    auto sep = url.find("://");
    if (sep == std::string::npos) return std::nullopt;
    u.scheme = url.substr(0, sep);
    if (u.scheme != "http" && u.scheme != "https") return std::nullopt;
    std::string rest = url.substr(sep + 3);
    auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    u.path = slash == std::string::npos ? "" : rest.substr(slash);
    if (authority.empty() || authority.find_first_of("@?#") != std::string::npos)
        return std::nullopt;
    std::string port;
    if (authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string::npos) return std::nullopt;
        u.host = authority.substr(1, close - 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') return std::nullopt;
            port = authority.substr(close + 2);
        }
    } else {
        auto colon = authority.find(':');
        u.host = authority.substr(0, colon);
        if (colon != std::string::npos) port = authority.substr(colon + 1);
        for (char ch : u.host)
            if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-'))
                return std::nullopt;
    }
    if (u.host.empty()) return std::nullopt;
    if (port.empty()) {
        if (authority.back() == ':') return std::nullopt;
        u.port = u.scheme == "https" ? 443 : 80;
    } else {
        if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        long n = std::stol(port);
        if (n < 1 || n > 65535) return std::nullopt;
        u.port = static_cast<std::uint16_t>(n);
    }
    return u;
}

void check_for_serving(const AppConfig& c) {
    if (c.auth.token_key.size() < 32)
        throw ConfigError(
            "auth.token_key",
            "must be set, at least 32 characters, the same on every instance (SH_AUTH_TOKEN_KEY)");
    // A Redis on another machine holds the sessions' cache and the claims: never without a
    // password.
    bool remote_redis = !is_loopback_host(c.redis.host);
    for (const auto& a : c.redis.sentinels)
        remote_redis = remote_redis || !is_loopback_host(a.substr(0, a.rfind(':')));
    if (remote_redis && c.redis.password.empty())
        throw ConfigError("redis.password",
                          "must be set when Redis is not on this machine (SH_REDIS_PASSWORD)");
    if (!c.test.settable_clock) {
        if (!c.test.slow_job.empty())
            throw ConfigError("test.slow_job", "is for tests: only with test.settable_clock");
        if (c.test.manual_jobs)
            throw ConfigError("test.manual_jobs", "is for tests: only with test.settable_clock");
        return;
    }
    const char* why = "a settable clock (test.settable_clock) is for tests on loopback only: ";
    if (!c.http.trusted_proxies.empty())
        throw ConfigError("test.settable_clock",
                          std::string(why) + "not with http.trusted_proxies");
    if (!is_loopback_host(c.http.address))
        throw ConfigError("test.settable_clock",
                          std::string(why) + "not with a non-loopback http.address");
    auto wx = parse_url(c.wechat.base_url);
    if (!wx || (!is_loopback_host(wx->host) && c.wechat.ca_file.empty()))
        throw ConfigError("test.settable_clock", std::string(why) +
                                                     "not with a real WeChat (wechat.base_url "
                                                     "neither loopback nor pinned to a test CA)");
}

AppConfig parse(const std::string& json_text, const EnvLookup& env) {
    json root = json::object();
    if (json_text.find_first_not_of(" \t\r\n") != std::string::npos) {
        try {
            root = json::parse(json_text);
        } catch (const json::parse_error& e) {
            throw ConfigError("(file)", std::string("not valid JSON: ") + e.what());
        }
    }
    if (!root.is_object()) throw ConfigError("(file)", "expected a JSON object");
    static const std::set<std::string> sections = {
        "http",    "mysql",     "redis",         "wechat",  "auth", "rate_limit",
        "booking", "penalties", "notifications", "privacy", "test"};
    for (const auto& [key, value] : root.items())
        if (!sections.count(key)) throw ConfigError(key, "unknown section");

    AppConfig c;
    constexpr long long int_max = std::numeric_limits<int>::max();
    {
        Section s(root, "http");
        auto& h = c.http;
        s.str("address", h.address);
        s.integer("port", h.port, 1, 65535);
        s.integer("io_threads", h.io_threads, 1, 256);
        s.integer("body_limit", h.body_limit, 1024, 64LL * 1024 * 1024);
        s.integer("header_limit", h.header_limit, 1024, 1024 * 1024);
        s.integer("read_timeout_ms", h.read_timeout_ms, 100, int_max);
        s.integer("idle_timeout_ms", h.idle_timeout_ms, 100, int_max);
        s.integer("max_connections", h.max_connections, 1, 1'000'000);
        s.integer("shutdown_grace_ms", h.shutdown_grace_ms, 0, int_max);
        s.boolean("access_log", h.access_log);
        s.strings("trusted_proxies", h.trusted_proxies);
        s.str("console_dir", h.console_dir);
        s.finish();
    }
    {
        Section s(root, "mysql");
        auto& m = c.mysql;
        s.str("host", m.host);
        s.integer("port", m.port, 1, 65535);
        s.str("user", m.user);
        s.str("password", m.password);
        s.str("database", m.database);
        s.integer("pool_size", m.pool_size, 1, 512);
        s.integer("booking_batch", m.booking_batch, 1, 64);
        s.integer("booking_connections", m.booking_connections, 1, 256);
        s.str("read_host", m.read_host);
        s.integer("read_port", m.read_port, 0, 65535);
        s.integer("read_pool_size", m.read_pool_size, 1, 256);
        s.integer("acquire_timeout_ms", m.acquire_timeout_ms, 1, 60'000);
        s.integer("connect_timeout_s", m.connect_timeout_s, 1, 60);
        s.integer("read_timeout_s", m.read_timeout_s, 1, 3600);
        s.integer("write_timeout_s", m.write_timeout_s, 1, 3600);
        s.integer("lock_wait_timeout_s", m.lock_wait_timeout_s, 1, 3600);
        s.integer("tx_retries", m.tx_retries, 0, 20);
        s.finish();
    }
    {
        Section s(root, "redis");
        auto& r = c.redis;
        s.str("host", r.host);
        s.integer("port", r.port, 1, 65535);
        s.str("password", r.password);
        s.integer("pool_size", r.pool_size, 1, 512);
        s.integer("command_timeout_ms", r.command_timeout_ms, 1, 60'000);
        s.integer("connect_timeout_ms", r.connect_timeout_ms, 1, 60'000);
        s.integer("retry_interval_ms", r.retry_interval_ms, 1, 60'000);
        s.str("key_prefix", r.key_prefix);
        s.strings("sentinels", r.sentinels);
        s.str("sentinel_master", r.sentinel_master);
        s.integer("availability_ttl_ms", r.availability_ttl_ms, 0, 60'000);  // DESIGN: at most 60 s
        s.finish();
    }
    {
        Section s(root, "wechat");
        auto& w = c.wechat;
        s.str("base_url", w.base_url);
        s.str("appid", w.appid);
        s.str("secret", w.secret);
        s.str("ca_file", w.ca_file);
        s.integer("timeout_ms", w.timeout_ms, 1, 60'000);
        s.finish();
    }

    {
        Section s(root, "auth");
        s.integer("token_ttl_s", c.auth.token_ttl_s, 1, 365LL * 24 * 3600);
        s.integer("cache_ttl_s", c.auth.cache_ttl_s, 0, 30);  // DESIGN: at most 30 s
        s.integer("web_session_ttl_s", c.auth.web_session_ttl_s, 60, 7 * 24 * 3600);
        s.integer("web_login_ttl_s", c.auth.web_login_ttl_s, 10, 600);
        s.boolean("secure_cookies", c.auth.secure_cookies);
        s.str("web_login_page", c.auth.web_login_page);
        s.str("invitation_page", c.auth.invitation_page);
        s.str("token_key", c.auth.token_key);
        s.finish();
    }
    {
        Section s(root, "rate_limit");
        auto& r = c.rate_limit;
        s.integer("login_per_ip_per_minute", r.login_per_ip_per_minute, 0, 1'000'000);
        s.integer("login_per_openid_per_minute", r.login_per_openid_per_minute, 0, 1'000'000);
        s.integer("user_per_minute", r.user_per_minute, 0, 1'000'000'000);
        s.integer("unknown_lookups_per_ip_per_minute", r.unknown_lookups_per_ip_per_minute, 0,
                  1'000'000);
        s.integer("web_login_per_ip_per_minute", r.web_login_per_ip_per_minute, 0, 1'000'000);
        s.integer("export_per_user_per_hour", r.export_per_user_per_hour, 0, 1'000);
        s.finish();
    }

    {
        Section s(root, "booking");
        auto& b = c.booking;
        s.integer("max_active_per_user", b.max_active_per_user, 1, 1000);
        s.integer("max_per_user_per_day", b.max_per_user_per_day, 1, 1000);
        s.integer("max_minutes_per_user_per_week", b.max_minutes_per_user_per_week, 15, 7 * 1440);
        s.integer("claim_ttl_ms", b.claim_ttl_ms, 100, 60'000);
        s.integer("hold_ttl_s", b.hold_ttl_s, 1, 1800);
        s.integer("max_holds_per_user", b.max_holds_per_user, 1, 20);
        s.integer("max_holds_per_range_per_hour", b.max_holds_per_range_per_hour, 1, 100);
        s.integer("jobs_interval_ms", b.jobs_interval_ms, 100, 3'600'000);
        s.finish();
    }
    {
        Section s(root, "penalties");
        auto& p = c.penalties;
        s.integer("violations_to_ban", p.violations_to_ban, 1, 100);
        s.integer("window_days", p.window_days, 1, 365);
        s.integer("ban_days", p.ban_days, 1, 365);
        s.integer("late_cancel_per_mille", p.late_cancel_per_mille, 0, 1000);
        s.finish();
    }
    {
        Section s(root, "notifications");
        auto& n = c.notifications;
        s.str("template_result", n.template_result);
        s.str("template_cancelled", n.template_cancelled);
        s.str("template_reminder", n.template_reminder);
        s.str("template_violation", n.template_violation);
        s.str("template_request", n.template_request);
        s.str("page", n.page);
        s.str("checkin_page", n.checkin_page);
        s.integer("remind_before_minutes", n.remind_before_minutes, 0, 7 * 1440);
        s.integer("max_attempts", n.max_attempts, 1, 50);
        s.integer("first_retry_s", n.first_retry_s, 1, 3600);
        s.finish();
    }

    {
        Section s(root, "privacy");
        auto& p = c.privacy;
        s.str("guide_file", p.guide_file);
        constexpr int ten_years = 3650;
        s.integer("keep_phone_unseen_days", p.keep_phone_unseen_days, 0, ten_years);
        s.integer("keep_scans_days", p.keep_scans_days, 0, ten_years);
        s.integer("keep_audit_days", p.keep_audit_days, 0, ten_years);
        s.integer("keep_sessions_days", p.keep_sessions_days, 0, ten_years);
        if (p.keep_audit_days != 0 && p.keep_audit_days < 180)
            throw ConfigError("privacy.keep_audit_days",
                              "the audit log is kept at least 180 days (网络安全法 第二十一条)");
        s.finish();
    }
    {
        Section s(root, "test");
        s.boolean("settable_clock", c.test.settable_clock);
        s.integer("clock_offset_ms", c.test.clock_offset_ms, -100LL * 365 * 86'400'000,
                  100LL * 365 * 86'400'000);
        s.str("slow_job", c.test.slow_job);
        s.integer("slow_job_ms", c.test.slow_job_ms, 0, 600'000);
        s.boolean("manual_jobs", c.test.manual_jobs);
        s.finish();
    }

    // Secrets and addresses come from the environment in deployments.
    override_str(env, "SH_HTTP_ADDRESS", c.http.address);
    override_port(env, "SH_HTTP_PORT", "http.port", c.http.port);
    override_str(env, "SH_MYSQL_HOST", c.mysql.host);
    override_port(env, "SH_MYSQL_PORT", "mysql.port", c.mysql.port);
    override_str(env, "SH_MYSQL_USER", c.mysql.user);
    override_str(env, "SH_MYSQL_PASSWORD", c.mysql.password);
    override_str(env, "SH_MYSQL_DATABASE", c.mysql.database);
    override_str(env, "SH_REDIS_HOST", c.redis.host);
    override_port(env, "SH_REDIS_PORT", "redis.port", c.redis.port);
    override_str(env, "SH_REDIS_PASSWORD", c.redis.password);
    override_str(env, "SH_WECHAT_BASE_URL", c.wechat.base_url);
    override_str(env, "SH_WECHAT_APPID", c.wechat.appid);
    override_str(env, "SH_WECHAT_SECRET", c.wechat.secret);
    override_str(env, "SH_WECHAT_CA_FILE", c.wechat.ca_file);
    override_str(env, "SH_AUTH_TOKEN_KEY", c.auth.token_key);

    if (c.http.address.empty()) throw ConfigError("http.address", "must not be empty");
    if (c.mysql.host.empty()) throw ConfigError("mysql.host", "must not be empty");
    if (c.mysql.database.empty()) throw ConfigError("mysql.database", "must not be empty");
    for (char ch : c.mysql.database)
        if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'))
            throw ConfigError("mysql.database", "only letters, digits and _ are allowed");
    if (c.redis.host.empty()) throw ConfigError("redis.host", "must not be empty");
    validate_url(c.wechat.base_url);
    for (const auto& a : c.redis.sentinels) {
        auto colon = a.rfind(':');
        if (colon == std::string::npos || colon == 0 ||
            a.find_first_not_of("0123456789", colon + 1) != std::string::npos ||
            colon + 1 == a.size())
            throw ConfigError("redis.sentinels", "expected \"host:port\", got \"" + a + "\"");
    }
    return c;
}

EnvLookup process_env() {
    return [](const std::string& name) -> std::optional<std::string> {
        if (const char* v = std::getenv(name.c_str())) return std::string(v);
        return std::nullopt;
    };
}

AppConfig load(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ConfigError("--config", "cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return parse(ss.str(), process_env());
}

}  // namespace sh::config
