#pragma once
// The HTTPS client for WeChat's server APIs (https://api.weixin.qq.com, or the fake WeChat on
// loopback). Every call: one connection, a deadline of config.timeout_ms for everything
// (resolve, connect, TLS, write, read), TLS with peer verification against the system CA store
// and SNI. Secrets and session keys never appear in errors or logs.
// Beast lives in client.cpp only.
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "config/app_config.hpp"
#include "common/asio.hpp"

namespace sh::wechat {

// WeChat's errcodes that we act on, and our own transport failures.
enum class WxErrc {
    ok,
    busy,                // -1: system busy, transient
    invalid_code,        // 40029
    code_used,           // 40163
    rate_limited,        // 45011
    login_blocked,       // 40226 high-risk user
    invalid_token,       // 40001 access_token invalid
    token_expired,       // 42001
    ip_not_whitelisted,  // 40164 (operator problem)
    secret_frozen,       // 40243 (operator problem)
    quota_exhausted,     // 45009 (operator problem)
    no_subscription,     // 43101 user has no subscription left
    bad_template_data,   // 47003
    bad_openid,          // 40003
    bad_template,        // 40037
    bad_page,            // 41030
    other,               // any other non-zero errcode
    transport,           // timeout, connection, TLS, HTTP 5xx
    bad_response,        // not the JSON we expect
};

WxErrc classify(long long errcode);
std::string_view errc_name(WxErrc e);
// Transient failures worth retrying later (busy, transport).
bool is_transient(WxErrc e);

struct WxError {
    WxErrc code = WxErrc::other;
    long long errcode = 0;
    std::string errmsg;  // WeChat's text (never contains our secrets)
};

template <class T>
using WxResult = std::variant<T, WxError>;

template <class T>
bool ok(const WxResult<T>& r) {
    return r.index() == 0;
}

struct LoginSession {
    std::string openid;
    std::string session_key;  // never leaves the server
    std::optional<std::string> unionid;
};

struct AccessToken {
    std::string token;
    int expires_in = 0;
};

struct PhoneInfo {
    std::string phone_number;
    std::string pure_phone_number;
    std::string country_code;
};

struct SecCheckResult {
    std::string suggest;  // pass | review | risky
    int label = 0;
};

struct Sent {};

// One HTTP exchange, as the client sees it (exposed for tests of the transport).
struct RawReply {
    int status = 0;
    std::string content_type;
    std::string body;
};

class Client {
public:
    explicit Client(config::WechatConfig cfg);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    awaitable<WxResult<LoginSession>> code2session(const std::string& js_code);
    awaitable<WxResult<AccessToken>> stable_token(bool force_refresh);
    awaitable<WxResult<Sent>> send_subscribe_message(const std::string& access_token,
                                                     const nlohmann::json& message);
    awaitable<WxResult<PhoneInfo>> get_phone_number(const std::string& access_token,
                                                    const std::string& code);
    awaitable<WxResult<SecCheckResult>> msg_sec_check(const std::string& access_token,
                                                      const std::string& openid, int scene,
                                                      const std::string& content);
    // PNG bytes on success.
    awaitable<WxResult<std::string>> get_wxacode_unlimited(const std::string& access_token,
                                                           const nlohmann::json& request);

    const config::WechatConfig& config() const { return cfg_; }

    // GET or POST `target` (path and query) on the base URL. Throws nothing: transport
    // problems come back as nullopt with `why` set (no secrets in it).
    awaitable<std::optional<RawReply>> exchange(const char* method, const std::string& target,
                                                const std::string& body, std::string& why);

private:
    // Parameters by value: callers return this coroutine without awaiting it themselves.
    template <class T, class Parse>
    awaitable<WxResult<T>> call_json(const char* method, std::string target, std::string body,
                                     Parse parse);

    struct Impl;
    config::WechatConfig cfg_;
    std::unique_ptr<Impl> impl_;
};

// Percent-encodes a query value.
std::string url_encode(std::string_view s);

}  // namespace sh::wechat
