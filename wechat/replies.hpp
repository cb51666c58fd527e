#pragma once
// What WeChat's answers mean: one HTTP exchange (or none, with why) read into a result. Pure: no
// sockets, no Beast, so the fuzzer (tests/fuzz/fuzz_wechat_replies.cpp) runs exactly these.
// Field names and errcodes: ../shared/wechat-api.md.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

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

// Each reader: no exchange (nullopt) is `transport` with `why`; HTTP 5xx is `transport`; a
// non-zero errcode is classified; a success without the fields we need is `bad_response`.
WxResult<LoginSession> read_login_session(std::optional<RawReply> reply, const std::string& why);
WxResult<AccessToken> read_access_token(std::optional<RawReply> reply, const std::string& why);
WxResult<Sent> read_sent(std::optional<RawReply> reply, const std::string& why);
WxResult<PhoneInfo> read_phone(std::optional<RawReply> reply, const std::string& why);
WxResult<SecCheckResult> read_sec_check(std::optional<RawReply> reply, const std::string& why);
// getwxacodeunlimit answers PNG bytes, or a JSON error.
WxResult<std::string> read_wxacode(std::optional<RawReply> reply, const std::string& why);

}  // namespace sh::wechat
