#include <doctest/doctest.h>

#include <map>

#include "config/app_config.hpp"

using sh::config::ConfigError;
using sh::config::parse;

namespace {
sh::config::EnvLookup env(std::map<std::string, std::string> vars = {}) {
    return [vars](const std::string& k) -> std::optional<std::string> {
        auto it = vars.find(k);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

std::string error_field(const std::string& json, std::map<std::string, std::string> vars = {}) {
    try {
        parse(json, env(vars));
    } catch (const ConfigError& e) {
        return e.field();
    }
    return "(no error)";
}
}  // namespace

TEST_CASE("an empty config gives the documented defaults") {
    auto c = parse("", env());
    CHECK(c.http.port == 8080);
    CHECK(c.http.body_limit == 16 * 1024);
    CHECK(c.http.access_log);
    CHECK(c.mysql.pool_size == 8);
    CHECK(c.redis.command_timeout_ms == 100);
    CHECK(c.wechat.base_url == "https://api.weixin.qq.com");
}

TEST_CASE("values from the file are read") {
    auto c = parse(R"({"http":{"port":9000,"io_threads":4,"trusted_proxies":["10.0.0.1"]},
                       "mysql":{"database":"hall","acquire_timeout_ms":50},
                       "redis":{"port":7000}})",
                   env());
    CHECK(c.http.port == 9000);
    CHECK(c.http.io_threads == 4);
    CHECK(c.http.trusted_proxies == std::vector<std::string>{"10.0.0.1"});
    CHECK(c.mysql.database == "hall");
    CHECK(c.mysql.acquire_timeout_ms == 50);
    CHECK(c.redis.port == 7000);
}

TEST_CASE("every section the configuration has can be written in the file") {
    // penalties and notifications were refused as unknown sections before privacy came.
    auto c = parse(R"({"penalties":{"ban_days":14},"notifications":{"remind_before_minutes":30},
                       "privacy":{"guide_file":"/etc/sharedhall/guide.md"}})",
                   env());
    CHECK(c.penalties.ban_days == 14);
    CHECK(c.notifications.remind_before_minutes == 30);
    CHECK(c.privacy.guide_file == "/etc/sharedhall/guide.md");
    CHECK(error_field(R"({"privacy":{"guide":"x"}})") == "privacy.guide");
    CHECK(error_field(R"({"privasy":{}})") == "privasy");
}

TEST_CASE("retention periods are configurable; the audit log is never kept under six months") {
    auto c = parse(R"({"privacy":{"keep_phone_unseen_days":730,"keep_scans_days":0,
                                  "keep_audit_days":180,"keep_sessions_days":7}})",
                   env());
    CHECK(c.privacy.keep_phone_unseen_days == 730);
    CHECK(c.privacy.keep_scans_days == 0);  // kept
    CHECK(c.privacy.keep_audit_days == 180);
    CHECK(c.privacy.keep_sessions_days == 7);
    auto d = parse("", env());
    CHECK(d.privacy.keep_phone_unseen_days == 365);
    CHECK(d.privacy.keep_audit_days == 365);
    CHECK(error_field(R"({"privacy":{"keep_audit_days":179}})") == "privacy.keep_audit_days");
    CHECK(parse(R"({"privacy":{"keep_audit_days":0}})", env()).privacy.keep_audit_days == 0);
    CHECK(error_field(R"({"privacy":{"keep_scans_days":-1}})") == "privacy.keep_scans_days");
}

TEST_CASE("more than one machine: Sentinels, a read pool and the WeChat CA are read") {
    auto c =
        parse(R"({"redis":{"sentinels":["127.0.0.1:26379","10.0.0.2:26379"],"sentinel_master":"sh"},
                       "mysql":{"read_host":"10.0.0.9","read_port":3307,"read_pool_size":3},
                       "wechat":{"ca_file":"/etc/ssl/test-ca.pem"}})",
              env());
    CHECK(c.redis.sentinels == std::vector<std::string>{"127.0.0.1:26379", "10.0.0.2:26379"});
    CHECK(c.redis.sentinel_master == "sh");
    CHECK(c.mysql.read_host == "10.0.0.9");
    CHECK(c.mysql.read_port == 3307);
    CHECK(c.mysql.read_pool_size == 3);
    CHECK(c.wechat.ca_file == "/etc/ssl/test-ca.pem");
    // By default: no Sentinels, no read pool, the system's CA store, a generous per-address
    // sign-in limit and a strict per-openid one.
    auto d = parse("", env());
    CHECK(d.redis.sentinels.empty());
    CHECK(d.mysql.read_port == 0);
    CHECK(d.wechat.ca_file.empty());
    CHECK(d.rate_limit.login_per_ip_per_minute == 1200);
    CHECK(d.rate_limit.login_per_openid_per_minute == 10);
}

TEST_CASE("environment overrides secrets and addresses") {
    auto c = parse(R"({"mysql":{"password":"from-file"}})", env({{"SH_MYSQL_PASSWORD", "from-env"},
                                                                 {"SH_HTTP_PORT", "8181"},
                                                                 {"SH_WECHAT_SECRET", "s3cret"},
                                                                 {"SH_REDIS_HOST", "10.1.1.1"}}));
    CHECK(c.mysql.password == "from-env");
    CHECK(c.http.port == 8181);
    CHECK(c.wechat.secret == "s3cret");
    CHECK(c.redis.host == "10.1.1.1");
}

TEST_CASE("a bad config names the field that is wrong") {
    CHECK(error_field(R"({"http":{"port":"8080"}})") == "http.port");
    CHECK(error_field(R"({"http":{"port":70000}})") == "http.port");
    CHECK(error_field(R"({"http":{"io_threads":0}})") == "http.io_threads");
    CHECK(error_field(R"({"http":{"access_log":"yes"}})") == "http.access_log");
    CHECK(error_field(R"({"http":{"trusted_proxies":[1]}})") == "http.trusted_proxies");
    CHECK(error_field(R"({"mysql":{"pool_size":-1}})") == "mysql.pool_size");
    CHECK(error_field(R"({"mysql":{"database":"x; DROP"}})") == "mysql.database");
    CHECK(error_field(R"({"mysql":{"pasword":"typo"}})") == "mysql.pasword");
    CHECK(error_field(R"({"redis":3})") == "redis");
    CHECK(error_field(R"({"redis":{"sentinels":["127.0.0.1"]}})") == "redis.sentinels");
    CHECK(error_field(R"({"redis":{"sentinels":["127.0.0.1:26379x"]}})") == "redis.sentinels");
    CHECK(error_field(R"({"mysql":{"read_port":70000}})") == "mysql.read_port");
    CHECK(error_field(R"({"unknown":{}})") == "unknown");
    CHECK(error_field(R"({"wechat":{"base_url":"http://example.com"}})") == "wechat.base_url");
    CHECK(error_field("{not json") == "(file)");
    CHECK(error_field("[]") == "(file)");
    CHECK(error_field("", {{"SH_HTTP_PORT", "eighty"}}) == "http.port");
}

TEST_CASE("plain http is accepted for WeChat only on loopback (the fake)") {
    CHECK(parse(R"({"wechat":{"base_url":"http://127.0.0.1:8081"}})", env()).wechat.base_url ==
          "http://127.0.0.1:8081");
}

TEST_CASE("WeChat's URL is parsed, not matched by prefix: plain http only for a loopback host") {
    for (const char* bad :
         {"http://localhost.evil.tld", "http://127.0.0.1.evil.tld:80", "http://127.evil.tld",
          "http://127.0.0.1@evil.tld", "http://evil.tld/127.0.0.1", "ftp://127.0.0.1", "https://",
          "https://host:0", "https://host:99999", "https://ho st"})
        CHECK_MESSAGE(error_field(std::string(R"({"wechat":{"base_url":")") + bad + "\"}}") ==
                          "wechat.base_url",
                      bad);
    for (const char* good : {"http://localhost:8081", "http://127.0.0.2:80/x", "http://[::1]:8081",
                             "https://api.weixin.qq.com"})
        CHECK_MESSAGE(
            error_field(std::string(R"({"wechat":{"base_url":")") + good + "\"}}") == "(no error)",
            good);
    auto u = sh::config::parse_url("https://localhost:14091/cgi-bin");
    REQUIRE(u);
    CHECK(u->host == "localhost");
    CHECK(u->port == 14091);
    CHECK(u->path == "/cgi-bin");
}

namespace {
std::string serving_error(const std::string& json) {
    try {
        sh::config::check_for_serving(parse(json, env()));
    } catch (const ConfigError& e) {
        return e.field();
    }
    return "(serves)";
}
}  // namespace

TEST_CASE(
    "a server refuses to start with a test clock beside anything only a deployment has, or without "
    "its seal's key") {
    const std::string key = R"("auth":{"token_key":"0123456789abcdef0123456789abcdef"})";
    const std::string test = R"("test":{"settable_clock":true})";
    CHECK(serving_error("{}") == "auth.token_key");
    CHECK(serving_error(R"({"auth":{"token_key":"short"}})") == "auth.token_key");
    CHECK(serving_error("{" + key + "}") == "(serves)");
    CHECK(serving_error("{" + key + "," + test +
                        R"(,"wechat":{"base_url":"http://127.0.0.1:8081"}})") == "(serves)");
    // The default WeChat is the real one: no test clock there.
    CHECK(serving_error("{" + key + "," + test + "}") == "test.settable_clock");
    CHECK(serving_error(
              "{" + key + "," + test +
              R"(,"wechat":{"base_url":"https://wx.test:14091","ca_file":"/tmp/ca.pem"}})") ==
          "(serves)");
    CHECK(
        serving_error(
            "{" + key + "," + test +
            R"(,"wechat":{"base_url":"http://127.0.0.1:8081"},"http":{"trusted_proxies":["127.0.0.2"]}})") ==
        "test.settable_clock");
    CHECK(serving_error(
              "{" + key + "," + test +
              R"(,"wechat":{"base_url":"http://127.0.0.1:8081"},"http":{"address":"0.0.0.0"}})") ==
          "test.settable_clock");
    // A Redis on another machine needs a password.
    CHECK(serving_error("{" + key + R"(,"redis":{"host":"10.0.0.5"}})") == "redis.password");
    CHECK(serving_error("{" + key + R"(,"redis":{"sentinels":["10.0.0.6:26379"]}})") ==
          "redis.password");
    CHECK(serving_error("{" + key + R"(,"redis":{"host":"10.0.0.5","password":"p"}})") ==
          "(serves)");
    // The key may come from the environment, as a deployment's does.
    CHECK_NOTHROW(sh::config::check_for_serving(
        parse("", env({{"SH_AUTH_TOKEN_KEY", std::string(40, 'k')}}))));
}

TEST_CASE("load() of a missing file names --config") {
    try {
        sh::config::load("/nonexistent/config.json");
        FAIL("expected an error");
    } catch (const ConfigError& e) {
        CHECK(e.field() == "--config");
    }
}

TEST_CASE(
    "the committed configurations parse; the one for phones on the network has no test clock") {
    for (const char* name : {"dev.json", "phone.json"}) {
        CAPTURE(name);
        CHECK_NOTHROW(sh::config::load(std::string(SH_SOURCE_DIR) + "/config/" + name));
    }
    auto phone = sh::config::load(std::string(SH_SOURCE_DIR) + "/config/phone.json");
    CHECK(phone.http.address == "0.0.0.0");
    CHECK_FALSE(phone.test.settable_clock);
}
