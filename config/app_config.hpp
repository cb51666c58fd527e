#pragma once
// The whole configuration of a Shared Hall process: plain structs, loaded in one place.
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sh::config {

struct HttpConfig {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;
    int io_threads = 2;
    std::size_t body_limit = 16 * 1024;   // bytes; larger bodies get 413
    std::size_t header_limit = 8 * 1024;  // bytes; larger header blocks get 431
    int read_timeout_ms = 10'000;         // a whole request must arrive within this
    int idle_timeout_ms = 60'000;         // keep-alive connection with no request is closed
    int max_connections = 10'000;         // beyond this a new connection gets 503 and is closed
    int shutdown_grace_ms = 10'000;       // in-flight requests get this long after SIGTERM
    bool access_log = true;
    std::vector<std::string> trusted_proxies;  // peers whose X-Forwarded-For is believed
    // The web console's files (console/: index.html, app.js, app.css and node_modules/echarts);
    // empty: no console.
    std::string console_dir;
};

struct MysqlConfig {
    std::string host = "127.0.0.1";
    std::uint16_t port = 3306;
    std::string user = "sharedhall";
    std::string password;
    std::string database = "sharedhall";
    int pool_size = 8;
    int acquire_timeout_ms = 500;  // wait for a free connection, then 503 busy
    int connect_timeout_s = 2;
    int read_timeout_s = 10;
    int write_timeout_s = 10;
    int lock_wait_timeout_s = 5;
    int tx_retries = 3;  // deadlocks and lock-wait timeouts are retried this many times
    // Booking requests waiting for a connection are decided together, up to this many in one
    // transaction (one commit, one statement of each kind); 1 decides each alone.
    int booking_batch = 16;
    int booking_connections =
        2;  // the connections that decide bookings, besides pool_size (few: bigger batches)
    // Reads that may be a moment behind (statistics and their exports) go here when read_port is
    // set: any node of a Galera cluster (haproxy's readers). 0: they use the pool above.
    std::string read_host = "127.0.0.1";
    std::uint16_t read_port = 0;
    int read_pool_size = 4;
};

struct RedisConfig {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    std::string password;
    int pool_size = 4;
    int command_timeout_ms = 100;
    int connect_timeout_ms = 100;
    int retry_interval_ms = 500;  // while Redis is down, commands fail fast for this long
    std::string key_prefix = "sh:";
    int availability_ttl_ms = 60'000;  // per-hall-per-day cache; 0 turns the cache off
    // Redis Sentinel ("host:port" each): when set, host and port are ignored and the primary
    // of sentinel_master is asked of the Sentinels, on connect and whenever it fails.
    std::vector<std::string> sentinels;
    std::string sentinel_master = "sharedhall";
};

struct WechatConfig {
    std::string base_url = "https://api.weixin.qq.com";
    std::string appid;
    std::string secret;
    // PEM file of the CAs trusted for base_url's certificate; empty: the system's store
    // (ca-certificates). Tests and the loopback cluster set it to their test CA.
    std::string ca_file;
    int timeout_ms = 5'000;
};

struct AuthConfig {
    int token_ttl_s = 7 * 24 * 3600;  // a login lasts a week; the phone logs in again on 401
    int cache_ttl_s = 30;             // token -> user and roles are cached at most this long
    // The web console: a sign-in by scanning a code lasts this long (shorter than the phone's).
    int web_session_ttl_s = 8 * 3600;
    int web_login_ttl_s = 120;   // a nonce shown as a code is good this long, once
    bool secure_cookies = true;  // Secure cookies (HTTPS behind nginx); off for plain-HTTP dev
    std::string web_login_page = "pages/weblogin/index";  // the mini-program page the code opens
    std::string invitation_page = "pages/invite/index";   // the page an invitation's code opens
    // The key of the servers' seal (common/seal.hpp): tokens and cached sessions are signed with
    // it. Every instance of a deployment shares it; at least 32 characters, from the environment
    // (SH_AUTH_TOKEN_KEY) in a deployment. Changing it signs every phone out (they sign in again).
    std::string token_key;
};

// Requests per minute; 0 switches a limit off.
struct RateLimitConfig {
    int login_per_ip_per_minute = 1200;  // generous: a branch meeting on one Wi-Fi, carrier NAT
    int login_per_openid_per_minute = 10;
    int user_per_minute = 600;
    // MySQL lookups of well-formed tokens that found no live session (revoked, expired), per
    // client address: beyond it that address's uncached tokens are 401 without a lookup until the
    // minute ends. Never a 429: hundreds of phones share one address behind a carrier's NAT.
    int unknown_lookups_per_ip_per_minute = 600;
    int web_login_per_ip_per_minute = 60;  // console sign-ins started (each a row and a code)
    int export_per_user_per_hour = 5;      // a member's own copy (GET /me/export) reads everything
};

// Booking rules that hold across halls (each hall adds its own: hours, horizon, durations).
struct BookingConfig {
    int max_active_per_user = 5;              // pending or confirmed bookings that have not ended
    int max_per_user_per_day = 2;             // bookings whose day of use is that day
    int max_minutes_per_user_per_week = 600;  // booked time in a Monday-to-Sunday week
    int claim_ttl_ms = 10'000;                // Redis claim of a booking in flight
    int hold_ttl_s = 300;                     // a hold while the user fills in the form
    int max_holds_per_user = 3;
    int max_holds_per_range_per_hour = 3;  // the same user holding the same range again
    int jobs_interval_ms = 10'000;  // time-driven work (no-shows, reminders, the outbox, ...)
};

// Violations and bans: violations_to_ban within window_days ban new bookings and holds for
// ban_days. A no-show counts one; a cancellation after the hall's deadline late_cancel_per_mille
// thousandths of one.
struct PenaltyConfig {
    int violations_to_ban = 3;
    int window_days = 30;
    int ban_days = 14;
    int late_cancel_per_mille = 500;
};

// Subscribe messages: the template of each kind of notice (the mini-program's templates share
// the layout thing1 hall, time2 when, phrase3 what, thing4 note), the page they open, and the
// check-in page hall codes open.
struct NotificationConfig {
    std::string template_result = "tmpl-booking-result";        // approved, rejected
    std::string template_cancelled = "tmpl-booking-cancelled";  // cancelled, closure, expired
    std::string template_reminder = "tmpl-booking-reminder";
    std::string template_violation = "tmpl-booking-violation";  // no-show, ban
    std::string template_request = "tmpl-booking-request";      // to approvers, to the street
    std::string page = "pages/booking/detail";
    std::string checkin_page = "pages/checkin/index";
    int remind_before_minutes = 60;
    int max_attempts = 6;
    int first_retry_s = 30;
};

// The privacy guide members agree to (app/privacy.hpp): built in from docs/privacy/guide.md;
// guide_file names another text to serve instead (a newer version published without a build).
// How long rows about people are kept (app/retention.hpp), in days; 0: kept.
struct PrivacyConfig {
    std::string guide_file;
    int keep_phone_unseen_days = 365;  // a phone, after its member last signed in
    int keep_scans_days = 180;         // raw scans (their count is on the booking)
    int keep_audit_days = 365;    // 0 or at least 180 (网络安全法: network logs six months)
    int keep_sessions_days = 30;  // after a session expired
};

// Only for tests: a deployment leaves this section out. The server's clock is the system clock
// shifted by clock_offset_ms; with settable_clock, POST /test/clock moves it.
struct TestConfig {
    bool settable_clock = false;
    long long clock_offset_ms = 0;
    // A test makes one timed job long: its runs wait this long after their work (only with
    // settable_clock).
    std::string slow_job;
    int slow_job_ms = 0;
    // The timed jobs run only when a test asks (POST /test/jobs/{name}/run): no timers, no
    // catch-up at start (only with settable_clock).
    bool manual_jobs = false;
};

struct AppConfig {
    HttpConfig http;
    MysqlConfig mysql;
    RedisConfig redis;
    WechatConfig wechat;
    AuthConfig auth;
    RateLimitConfig rate_limit;
    BookingConfig booking;
    PenaltyConfig penalties;
    NotificationConfig notifications;
    PrivacyConfig privacy;
    TestConfig test;
};

// A configuration that cannot be right; field() names it ("http.port").
class ConfigError : public std::runtime_error {
  public:
    ConfigError(std::string field, const std::string& why)
        : std::runtime_error(field + ": " + why), field_(std::move(field)) {}
    const std::string& field() const { return field_; }

  private:
    std::string field_;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Parses JSON text (may be empty: defaults only), then applies environment overrides
// (SH_MYSQL_PASSWORD, SH_WECHAT_SECRET, ... listed in README.md). Throws ConfigError.
AppConfig parse(const std::string& json_text, const EnvLookup& env);

// What only a deployment has must never meet what only a test may do: a settable clock beside
// trusted proxies, a non-loopback listen address, or a WeChat that is neither on loopback nor
// pinned to a test CA (wechat.ca_file). And a server needs its seal's key, and a password for a
// Redis on another machine. Throws ConfigError;
// `serve` calls it, the command-line tools (migrate, grant-role) do not need it.
void check_for_serving(const AppConfig& c);

// wechat.base_url's parts; http only for loopback hosts.
struct Url {
    std::string scheme, host;
    std::uint16_t port = 0;
    std::string path;
};
std::optional<Url> parse_url(const std::string& url);
bool is_loopback_host(const std::string& host);

// Reads the file (throws ConfigError naming "--config" if unreadable) and parses it with
// the process environment.
AppConfig load(const std::string& path);

EnvLookup process_env();

}  // namespace sh::config
