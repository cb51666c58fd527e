// What WeChat's answers mean (replies.hpp).
#include "wechat/replies.hpp"

#include <nlohmann/json.hpp>

#include "common/names.hpp"

namespace sh::wechat {

using nlohmann::json;

WxErrc classify(long long errcode) {
    switch (errcode) {
        case 0: return WxErrc::ok;
        case -1: return WxErrc::busy;
        case 40029: return WxErrc::invalid_code;
        case 40163: return WxErrc::code_used;
        case 45011: return WxErrc::rate_limited;
        case 40226: return WxErrc::login_blocked;
        case 40001: return WxErrc::invalid_token;
        case 42001: return WxErrc::token_expired;
        case 40164: return WxErrc::ip_not_whitelisted;
        case 40243: return WxErrc::secret_frozen;
        case 45009: return WxErrc::quota_exhausted;
        case 43101: return WxErrc::no_subscription;
        case 47003: return WxErrc::bad_template_data;
        case 40003: return WxErrc::bad_openid;
        case 40037: return WxErrc::bad_template;
        case 41030: return WxErrc::bad_page;
        default: return WxErrc::other;
    }
}

namespace {
constexpr NameTable errc_names{
    std::pair{WxErrc::ok, std::string_view("ok")},
    std::pair{WxErrc::busy, std::string_view("busy")},
    std::pair{WxErrc::invalid_code, std::string_view("invalid_code")},
    std::pair{WxErrc::code_used, std::string_view("code_used")},
    std::pair{WxErrc::rate_limited, std::string_view("rate_limited")},
    std::pair{WxErrc::login_blocked, std::string_view("login_blocked")},
    std::pair{WxErrc::invalid_token, std::string_view("invalid_token")},
    std::pair{WxErrc::token_expired, std::string_view("token_expired")},
    std::pair{WxErrc::ip_not_whitelisted, std::string_view("ip_not_whitelisted")},
    std::pair{WxErrc::secret_frozen, std::string_view("secret_frozen")},
    std::pair{WxErrc::quota_exhausted, std::string_view("quota_exhausted")},
    std::pair{WxErrc::no_subscription, std::string_view("no_subscription")},
    std::pair{WxErrc::bad_template_data, std::string_view("bad_template_data")},
    std::pair{WxErrc::bad_openid, std::string_view("bad_openid")},
    std::pair{WxErrc::bad_template, std::string_view("bad_template")},
    std::pair{WxErrc::bad_page, std::string_view("bad_page")},
    std::pair{WxErrc::other, std::string_view("other")},
    std::pair{WxErrc::transport, std::string_view("transport")},
    std::pair{WxErrc::bad_response, std::string_view("bad_response")}};
}  // namespace

std::string_view errc_name(WxErrc e) {
    return errc_names.name(e);
}

bool is_transient(WxErrc e) {
    return e == WxErrc::busy || e == WxErrc::transport;
}

namespace {

std::string str(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number()) return it->dump();  // countryCode may arrive as a number or a string
    return {};
}

// The shape every JSON API shares: transport, errcode, then the success's own fields.
template <class T, class Parse>
WxResult<T> read_json(const std::optional<RawReply>& reply, const std::string& why, Parse parse) {
    if (!reply) return WxError{WxErrc::transport, 0, why};
    if (reply->status >= 500)
        return WxError{WxErrc::transport, 0, "http " + std::to_string(reply->status)};
    json j = json::parse(reply->body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return WxError{WxErrc::bad_response, 0, "not a JSON object"};
    // A success may carry no errcode at all: missing counts as 0.
    long long errcode = j.contains("errcode") && j["errcode"].is_number_integer()
                            ? j["errcode"].get<long long>()
                            : 0;
    if (errcode != 0) return WxError{classify(errcode), errcode, str(j, "errmsg")};
    std::optional<T> parsed;
    try {
        parsed = parse(j);
    } catch (const json::exception&) {
    }
    if (parsed) return std::move(*parsed);
    return WxError{WxErrc::bad_response, 0, "missing fields"};
}

}  // namespace

WxResult<LoginSession> read_login_session(std::optional<RawReply> reply, const std::string& why) {
    return read_json<LoginSession>(reply, why, [](const json& j) -> std::optional<LoginSession> {
        LoginSession s{str(j, "openid"), str(j, "session_key"), std::nullopt};
        if (s.openid.empty()) return std::nullopt;
        if (auto u = str(j, "unionid"); !u.empty()) s.unionid = u;
        return s;
    });
}

WxResult<AccessToken> read_access_token(std::optional<RawReply> reply, const std::string& why) {
    return read_json<AccessToken>(reply, why, [](const json& j) -> std::optional<AccessToken> {
        AccessToken t{str(j, "access_token"), 0};
        if (j.contains("expires_in") && j["expires_in"].is_number_integer())
            t.expires_in = j["expires_in"].get<int>();
        if (t.token.empty() || t.expires_in <= 0) return std::nullopt;
        return t;
    });
}

WxResult<Sent> read_sent(std::optional<RawReply> reply, const std::string& why) {
    return read_json<Sent>(reply, why, [](const json&) -> std::optional<Sent> { return Sent{}; });
}

WxResult<PhoneInfo> read_phone(std::optional<RawReply> reply, const std::string& why) {
    return read_json<PhoneInfo>(reply, why, [](const json& j) -> std::optional<PhoneInfo> {
        auto it = j.find("phone_info");
        if (it == j.end() || !it->is_object()) return std::nullopt;
        PhoneInfo p{str(*it, "phoneNumber"), str(*it, "purePhoneNumber"), str(*it, "countryCode")};
        if (p.phone_number.empty() && p.pure_phone_number.empty()) return std::nullopt;
        return p;
    });
}

WxResult<SecCheckResult> read_sec_check(std::optional<RawReply> reply, const std::string& why) {
    return read_json<SecCheckResult>(
        reply, why, [](const json& j) -> std::optional<SecCheckResult> {
            auto it = j.find("result");
            if (it == j.end() || !it->is_object()) return std::nullopt;
            SecCheckResult r{str(*it, "suggest"), 0};
            if (it->contains("label") && (*it)["label"].is_number_integer())
                r.label = (*it)["label"].get<int>();
            if (r.suggest != "pass" && r.suggest != "review" && r.suggest != "risky")
                return std::nullopt;
            return r;
        });
}

WxResult<std::string> read_wxacode(std::optional<RawReply> reply, const std::string& why) {
    if (!reply) return WxError{WxErrc::transport, 0, why};
    if (reply->status >= 500)
        return WxError{WxErrc::transport, 0, "http " + std::to_string(reply->status)};
    if (reply->body.size() > 8 && reply->body.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0)
        return std::move(reply->body);
    // Errors come back as JSON.
    json j = json::parse(reply->body, nullptr, false);
    long long errcode = !j.is_discarded() && j.is_object() && j.contains("errcode") &&
                                j["errcode"].is_number_integer()
                            ? j["errcode"].get<long long>()
                            : 0;
    if (errcode != 0) return WxError{classify(errcode), errcode, str(j, "errmsg")};
    return WxError{WxErrc::bad_response, 0, "neither a PNG nor an error"};
}

}  // namespace sh::wechat
