// The real WeChat HTTPS client code against the fake WeChat server over loopback: every call,
// every errcode we act on, a timeout, a 5xx, and a success without errcode.
#include <doctest/doctest.h>

#include <cstdlib>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "server/fake_wechat/fake_server.hpp"
#include "server/fake_wechat/tls_front.hpp"
#include "server/http/server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/sync.hpp"
#include "wechat/client.hpp"

using namespace sh;
using namespace sh::wechat;
using nlohmann::json;
using sh::fake_wechat::FakeWechat;
using sh::fake_wechat::TlsFront;

namespace {

struct Fixture {
    Fixture() {
        config::HttpConfig c;
        c.port = 0;
        server = std::make_unique<http::Server>(ioc, c, router, log, metrics);
        server->start();
        thread = std::thread([this] { ioc.run(); });
        config::WechatConfig wc;
        wc.base_url = "http://127.0.0.1:" + std::to_string(server->port());
        wc.appid = "wxtestappid";
        wc.secret = "TESTSECRET";
        wc.timeout_ms = 300;
        client = std::make_unique<Client>(wc);
    }
    ~Fixture() {
        asio::co_spawn(ioc, server->drain(std::chrono::milliseconds(500)), asio::use_future).get();
        guard.reset();
        ioc.stop();
        thread.join();
    }
    void inject(const std::string& endpoint, long long errcode, int delay_ms = 0,
                int http_status = 0) {
        json j = {{"endpoint", endpoint},
                  {"errcode", errcode},
                  {"delay_ms", delay_ms},
                  {"http_status", http_status}};
        auto r = test::request(server->port(), "POST", "/fake/inject", j.dump());
        REQUIRE(r);
        REQUIRE(r->status == 200);
    }
    std::string token() {
        auto r = test::sync_await(client->stable_token(false));
        REQUIRE(ok(r));
        return std::get<AccessToken>(r).token;
    }

    FakeWechat fake{"wxtestappid", "TESTSECRET"};
    http::Router router = fake.router();
    http::Metrics metrics;
    http::AccessLog log{false};
    asio::io_context ioc;
    asio::executor_work_guard<asio::io_context::executor_type> guard = asio::make_work_guard(ioc);
    std::unique_ptr<http::Server> server;
    std::thread thread;
    std::unique_ptr<Client> client;
};

template <class T>
WxErrc error_of(const WxResult<T>& r) {
    return ok(r) ? WxErrc::ok : std::get<WxError>(r).code;
}

}  // namespace

TEST_CASE("code2session: a code gives its openid; a missing errcode counts as success") {
    Fixture f;
    auto r = test::sync_await(f.client->code2session("alice"));
    REQUIRE(ok(r));
    CHECK(std::get<LoginSession>(r).openid == "openid-alice");
    CHECK_FALSE(std::get<LoginSession>(r).session_key.empty());
    CHECK_FALSE(std::get<LoginSession>(r).unionid);

    auto u = test::sync_await(f.client->code2session("union-bob"));
    REQUIRE(ok(u));
    CHECK(std::get<LoginSession>(u).unionid == std::optional<std::string>("unionid-union-bob"));
}

TEST_CASE("code2session errcodes map to typed errors") {
    Fixture f;
    CHECK(error_of(test::sync_await(f.client->code2session("invalid-1"))) == WxErrc::invalid_code);
    REQUIRE(ok(test::sync_await(f.client->code2session("once"))));
    CHECK(error_of(test::sync_await(f.client->code2session("once"))) == WxErrc::code_used);
    for (auto [errcode, expect] :
         {std::pair{-1LL, WxErrc::busy}, std::pair{45011LL, WxErrc::rate_limited},
          std::pair{40226LL, WxErrc::login_blocked}, std::pair{40164LL, WxErrc::ip_not_whitelisted},
          std::pair{40243LL, WxErrc::secret_frozen}, std::pair{12345LL, WxErrc::other}}) {
        CAPTURE(errcode);
        f.inject("jscode2session", errcode);
        auto r = test::sync_await(f.client->code2session("c" + std::to_string(errcode)));
        CHECK(error_of(r) == expect);
        CHECK(std::get<WxError>(r).errcode == errcode);
    }
}

TEST_CASE("the client gives up after its timeout, and a 5xx is a transport error") {
    Fixture f;
    f.inject("jscode2session", 0, /*delay_ms=*/1500);
    auto r = test::sync_await(f.client->code2session("slow"));
    CHECK(error_of(r) == WxErrc::transport);
    CHECK(std::get<WxError>(r).errmsg == "timeout");  // not the fake's answer, 1.5 s later

    f.inject("jscode2session", 0, 0, /*http_status=*/502);
    CHECK(error_of(test::sync_await(f.client->code2session("upstream"))) == WxErrc::transport);
}

TEST_CASE("an unreachable WeChat is a transport error, not an exception") {
    config::WechatConfig wc;
    wc.base_url = "http://127.0.0.1:1";  // nothing listens there
    wc.timeout_ms = 300;
    Client c(wc);
    CHECK(error_of(test::sync_await(c.code2session("x"))) == WxErrc::transport);
}

TEST_CASE("stable_token: the same token until force_refresh replaces it") {
    Fixture f;
    auto a = test::sync_await(f.client->stable_token(false));
    auto b = test::sync_await(f.client->stable_token(false));
    REQUIRE(ok(a));
    REQUIRE(ok(b));
    CHECK(std::get<AccessToken>(a).token == std::get<AccessToken>(b).token);
    CHECK(std::get<AccessToken>(a).expires_in == 7200);
    auto c = test::sync_await(f.client->stable_token(true));
    REQUIRE(ok(c));
    CHECK(std::get<AccessToken>(c).token != std::get<AccessToken>(a).token);
    // The old token is now refused.
    auto sent = test::sync_await(f.client->send_subscribe_message(
        std::get<AccessToken>(a).token, json{{"touser", "o"}, {"template_id", "t"}}));
    CHECK(error_of(sent) == WxErrc::invalid_token);
    f.inject("stable_token", 40243);
    CHECK(error_of(test::sync_await(f.client->stable_token(false))) == WxErrc::secret_frozen);
}

TEST_CASE("subscribe/send: the fake records the message; send errcodes are typed") {
    Fixture f;
    auto t = f.token();
    json msg = {{"touser", "openid-alice"},
                {"template_id", "TPL1"},
                {"data", {{"thing1", {{"value", "会议室"}}}}}};
    REQUIRE(ok(test::sync_await(f.client->send_subscribe_message(t, msg))));
    auto sent = test::request(f.server->port(), "GET", "/fake/sent");
    REQUIRE(sent);
    auto messages = json::parse(sent->body)["messages"];
    REQUIRE(messages.size() == 1);
    CHECK(messages[0]["data"]["thing1"]["value"] == "会议室");

    for (auto [errcode, expect] :
         {std::pair{43101LL, WxErrc::no_subscription},
          std::pair{47003LL, WxErrc::bad_template_data}, std::pair{40003LL, WxErrc::bad_openid},
          std::pair{40037LL, WxErrc::bad_template}, std::pair{41030LL, WxErrc::bad_page},
          std::pair{42001LL, WxErrc::token_expired}, std::pair{45009LL, WxErrc::quota_exhausted}}) {
        CAPTURE(errcode);
        f.inject("subscribe_send", errcode);
        CHECK(error_of(test::sync_await(f.client->send_subscribe_message(t, msg))) == expect);
    }
}

TEST_CASE("getuserphonenumber: the number from a valid code; a bad or used code is invalid_code") {
    Fixture f;
    auto t = f.token();
    auto r = test::sync_await(f.client->get_phone_number(t, "phone-13800138000"));
    REQUIRE(ok(r));
    CHECK(std::get<PhoneInfo>(r).phone_number == "13800138000");
    CHECK(std::get<PhoneInfo>(r).country_code == "86");  // sent as a number, read as text
    CHECK(error_of(test::sync_await(f.client->get_phone_number(t, "phone-13800138000"))) ==
          WxErrc::invalid_code);
    CHECK(error_of(test::sync_await(f.client->get_phone_number(t, "nonsense"))) ==
          WxErrc::invalid_code);
}

TEST_CASE("msg_sec_check: pass, review and risky") {
    Fixture f;
    auto t = f.token();
    auto check = [&](const std::string& text) {
        auto r = test::sync_await(f.client->msg_sec_check(t, "openid-a", 2, text));
        REQUIRE(ok(r));
        return std::get<SecCheckResult>(r).suggest;
    };
    CHECK(check("党支部组织生活会") == "pass");
    CHECK(check("please REVIEW this") == "review");
    CHECK(check("RISKY content") == "risky");
}

TEST_CASE("getwxacodeunlimit: a real PNG, or a typed error") {
    Fixture f;
    auto t = f.token();
    auto r = test::sync_await(f.client->get_wxacode_unlimited(
        t, json{{"scene", "v=12"}, {"page", "pages/checkin/index"}}));
    REQUIRE(ok(r));
    const auto& png = std::get<std::string>(r);
    REQUIRE(png.size() > 33);
    CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
    CHECK(png.compare(12, 4, "IHDR") == 0);
    CHECK(png.compare(png.size() - 8, 4, "IEND") == 0);
    CHECK(error_of(test::sync_await(f.client->get_wxacode_unlimited(
              t, json{{"scene", std::string(40, 'x')}}))) == WxErrc::other);
}

TEST_CASE("errors never carry the AppSecret") {
    Fixture f;
    f.inject("jscode2session", 40029);
    auto r = test::sync_await(f.client->code2session("x"));
    REQUIRE_FALSE(ok(r));
    CHECK(std::get<WxError>(r).errmsg.find("TESTSECRET") == std::string::npos);
}

// ---- Over TLS: the fake behind a TLS front with certificates made by scripts/tls-certs.sh ----

namespace {

std::string tls_dir() {
    const char* d = std::getenv("SH_TLS_DIR");
    return d ? d : SH_TLS_DIR;
}

// The fake over HTTPS with the certificate `name` (server, wronghost, unknown, expired); the
// client trusts only the test CA and asks for https://localhost:port.
struct TlsFixture : Fixture {
    explicit TlsFixture(const std::string& name)
        : front(ioc, tls_dir() + "/" + name + ".pem", tls_dir() + "/" + name + ".key",
                server->port()) {
        config::WechatConfig wc;
        wc.base_url = "https://localhost:" + std::to_string(front.start());
        wc.ca_file = tls_dir() + "/ca.pem";
        wc.appid = "wxtestappid";
        wc.secret = "TESTSECRET";
        wc.timeout_ms = 2000;
        tls_client = std::make_unique<Client>(wc);
    }
    ~TlsFixture() { front.stop(); }

    // Signing in over TLS: the openid, or the error's message.
    std::pair<std::string, std::string> sign_in(const std::string& code) {
        auto r = test::sync_await(tls_client->code2session(code));
        if (ok(r)) return {std::get<LoginSession>(r).openid, ""};
        CHECK(std::get<WxError>(r).code == WxErrc::transport);
        return {"", std::get<WxError>(r).errmsg};
    }

    TlsFront front;
    std::unique_ptr<Client> tls_client;
};

}  // namespace

TEST_CASE("over TLS the client sends SNI, checks the chain and the host name, and signs in") {
    TlsFixture f("server");
    auto [openid, why] = f.sign_in("alice");
    CHECK(openid == "openid-alice");
    CHECK(why.empty());
    CHECK(f.front.last_server_name() == "localhost");
}

TEST_CASE("a certificate for another host name is refused: no session, a clear reason") {
    TlsFixture f("wronghost");
    auto [openid, why] = f.sign_in("alice");
    CHECK(openid.empty());
    CHECK(why.find("hostname mismatch") != std::string::npos);
}

TEST_CASE("a certificate from an unknown CA is refused") {
    TlsFixture f("unknown");
    auto [openid, why] = f.sign_in("alice");
    CHECK(openid.empty());
    CHECK(why.find("unable to get local issuer certificate") != std::string::npos);
}

TEST_CASE("an expired certificate is refused") {
    TlsFixture f("expired");
    auto [openid, why] = f.sign_in("alice");
    CHECK(openid.empty());
    CHECK(why.find("certificate has expired") != std::string::npos);
}

TEST_CASE("a CA file that cannot be read is a startup error, not a silent fallback") {
    config::WechatConfig wc;
    wc.base_url = "https://localhost:1";
    wc.ca_file = tls_dir() + "/no-such-ca.pem";
    CHECK_THROWS(Client{wc});
}
