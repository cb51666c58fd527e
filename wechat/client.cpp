#include "wechat/client.hpp"

#include <chrono>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace sh::wechat {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
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

std::string_view errc_name(WxErrc e) {
    switch (e) {
        case WxErrc::ok: return "ok";
        case WxErrc::busy: return "busy";
        case WxErrc::invalid_code: return "invalid_code";
        case WxErrc::code_used: return "code_used";
        case WxErrc::rate_limited: return "rate_limited";
        case WxErrc::login_blocked: return "login_blocked";
        case WxErrc::invalid_token: return "invalid_token";
        case WxErrc::token_expired: return "token_expired";
        case WxErrc::ip_not_whitelisted: return "ip_not_whitelisted";
        case WxErrc::secret_frozen: return "secret_frozen";
        case WxErrc::quota_exhausted: return "quota_exhausted";
        case WxErrc::no_subscription: return "no_subscription";
        case WxErrc::bad_template_data: return "bad_template_data";
        case WxErrc::bad_openid: return "bad_openid";
        case WxErrc::bad_template: return "bad_template";
        case WxErrc::bad_page: return "bad_page";
        case WxErrc::other: return "other";
        case WxErrc::transport: return "transport";
        case WxErrc::bad_response: return "bad_response";
    }
    return "other";
}

bool is_transient(WxErrc e) { return e == WxErrc::busy || e == WxErrc::transport; }

std::string url_encode(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xf]);
        }
    }
    return out;
}

namespace {

struct BaseUrl {
    bool tls = true;
    std::string host;
    std::string port;
    std::string prefix;  // path prefix without trailing slash
};

BaseUrl parse_base(const std::string& url) {
    BaseUrl b;
    std::string rest;
    if (url.rfind("https://", 0) == 0) {
        rest = url.substr(8);
    } else {
        b.tls = false;
        rest = url.substr(url.find("://") + 3);
    }
    auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    b.prefix = slash == std::string::npos ? "" : rest.substr(slash);
    while (!b.prefix.empty() && b.prefix.back() == '/') b.prefix.pop_back();
    auto colon = authority.rfind(':');
    if (colon != std::string::npos) {
        b.host = authority.substr(0, colon);
        b.port = authority.substr(colon + 1);
    } else {
        b.host = authority;
        b.port = b.tls ? "443" : "80";
    }
    return b;
}

constexpr std::size_t max_reply_bytes = 4 * 1024 * 1024;  // a QR code PNG is far smaller

}  // namespace

struct Client::Impl {
    BaseUrl base;
    ssl::context tls{ssl::context::tls_client};
};

Client::Client(config::WechatConfig cfg) : cfg_(std::move(cfg)), impl_(std::make_unique<Impl>()) {
    impl_->base = parse_base(cfg_.base_url);
    if (cfg_.ca_file.empty())
        impl_->tls.set_default_verify_paths();  // the system CA store (ca-certificates)
    else
        impl_->tls.load_verify_file(cfg_.ca_file);  // throws when unreadable: a startup error
    impl_->tls.set_verify_mode(ssl::verify_peer);
    impl_->tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
}

Client::~Client() = default;

awaitable<std::optional<RawReply>> Client::exchange(const char* method, const std::string& target,
                                                    const std::string& body, std::string& why) {
    auto ex = co_await asio::this_coro::executor;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(cfg_.timeout_ms);
    const BaseUrl& base = impl_->base;
    error_code ec;

    // Name resolution is bounded by the same deadline: a timer cancels it.
    auto resolver = std::make_shared<tcp::resolver>(ex);
    asio::steady_timer resolve_timer(ex);
    resolve_timer.expires_at(deadline);
    resolve_timer.async_wait([resolver](error_code e) {
        if (!e) resolver->cancel();
    });
    auto endpoints = co_await resolver->async_resolve(base.host, base.port,
                                                      asio::redirect_error(asio::use_awaitable, ec));
    resolve_timer.cancel();
    if (ec) {
        why = "resolve: " + ec.message();
        co_return std::nullopt;
    }

    bhttp::request<bhttp::string_body> req;
    req.method(bhttp::string_to_verb(method));
    req.target(base.prefix + target);
    req.version(11);
    req.set(bhttp::field::host, base.host);
    req.set(bhttp::field::user_agent, "sharedhall/1");
    req.set(bhttp::field::connection, "close");
    if (!body.empty()) {
        req.set(bhttp::field::content_type, "application/json");
        req.body() = body;
    }
    req.prepare_payload();

    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(max_reply_bytes);
    beast::flat_buffer buffer;

    if (base.tls) {
        beast::ssl_stream<beast::tcp_stream> stream(ex, impl_->tls);
        // SNI, and the certificate must name the host we asked for.
        // SSL_set_tlsext_host_name, spelled out: the macro uses an old-style cast.
        if (SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     const_cast<char*>(base.host.c_str())) != 1) {
            why = "tls: cannot set SNI";
            co_return std::nullopt;
        }
        // OpenSSL's own host check (RFC 6125), so a mismatch is reported as such.
        X509_VERIFY_PARAM* param = SSL_get0_param(stream.native_handle());
        boost::system::error_code addr_ec;
        asio::ip::make_address(base.host, addr_ec);
        if ((addr_ec ? X509_VERIFY_PARAM_set1_host(param, base.host.c_str(), base.host.size())
                     : X509_VERIFY_PARAM_set1_ip_asc(param, base.host.c_str())) != 1) {
            why = "tls: cannot set the host to verify";
            co_return std::nullopt;
        }
        beast::get_lowest_layer(stream).expires_at(deadline);
        co_await beast::get_lowest_layer(stream).async_connect(
            endpoints, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) {
            co_await stream.async_handshake(ssl::stream_base::client,
                                            asio::redirect_error(asio::use_awaitable, ec));
            long verify = SSL_get_verify_result(stream.native_handle());
            if (ec && verify != X509_V_OK) {
                // Say why the certificate was refused: expired, unknown issuer, wrong host.
                why = std::string("tls: certificate refused: ") + X509_verify_cert_error_string(verify);
                co_return std::nullopt;
            }
        }
        if (!ec) co_await bhttp::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec)
            co_await bhttp::async_read(stream, buffer, parser,
                                       asio::redirect_error(asio::use_awaitable, ec));
        beast::get_lowest_layer(stream).close();
    } else {
        beast::tcp_stream stream(ex);
        stream.expires_at(deadline);
        co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) co_await bhttp::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec)
            co_await bhttp::async_read(stream, buffer, parser,
                                       asio::redirect_error(asio::use_awaitable, ec));
        stream.close();
    }
    if (ec) {
        why = ec == beast::error::timeout ? std::string("timeout") : ec.message();
        co_return std::nullopt;
    }
    auto res = parser.release();
    RawReply reply;
    reply.status = static_cast<int>(res.result_int());
    reply.content_type = std::string(res[bhttp::field::content_type]);
    reply.body = std::move(res.body());
    co_return reply;
}

template <class T, class Parse>
awaitable<WxResult<T>> Client::call_json(const char* method, std::string target, std::string body,
                                         Parse parse) {
    std::string why;
    auto reply = co_await exchange(method, target, body, why);
    WxResult<T> result = WxError{WxErrc::transport, 0, why};
    if (reply && reply->status >= 500) {
        result = WxError{WxErrc::transport, 0, "http " + std::to_string(reply->status)};
    } else if (reply) {
        json j = json::parse(reply->body, nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            result = WxError{WxErrc::bad_response, 0, "not a JSON object"};
        } else {
            // A success may carry no errcode at all: missing counts as 0.
            long long errcode = j.contains("errcode") && j["errcode"].is_number_integer()
                                    ? j["errcode"].get<long long>()
                                    : 0;
            if (errcode != 0) {
                std::string msg = j.contains("errmsg") && j["errmsg"].is_string()
                                      ? j["errmsg"].get<std::string>()
                                      : std::string();
                result = WxError{classify(errcode), errcode, msg};
            } else {
                std::optional<T> parsed;
                try {
                    parsed = parse(j);
                } catch (const json::exception&) {
                }
                if (parsed) result = std::move(*parsed);
                else result = WxError{WxErrc::bad_response, 0, "missing fields"};
            }
        }
    }
    co_return result;
}

namespace {
std::string str(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number()) return it->dump();  // countryCode may arrive as a number or a string
    return {};
}
}  // namespace

awaitable<WxResult<LoginSession>> Client::code2session(const std::string& js_code) {
    std::string target = "/sns/jscode2session?appid=" + url_encode(cfg_.appid) +
                         "&secret=" + url_encode(cfg_.secret) + "&js_code=" + url_encode(js_code) +
                         "&grant_type=authorization_code";
    return call_json<LoginSession>("GET", target, "", [](const json& j) -> std::optional<LoginSession> {
        LoginSession s{str(j, "openid"), str(j, "session_key"), std::nullopt};
        if (s.openid.empty()) return std::nullopt;
        if (auto u = str(j, "unionid"); !u.empty()) s.unionid = u;
        return s;
    });
}

awaitable<WxResult<AccessToken>> Client::stable_token(bool force_refresh) {
    json body = {{"grant_type", "client_credential"},
                 {"appid", cfg_.appid},
                 {"secret", cfg_.secret},
                 {"force_refresh", force_refresh}};
    return call_json<AccessToken>("POST", "/cgi-bin/stable_token", body.dump(),
                                  [](const json& j) -> std::optional<AccessToken> {
                                      AccessToken t{str(j, "access_token"), 0};
                                      if (j.contains("expires_in") && j["expires_in"].is_number_integer())
                                          t.expires_in = j["expires_in"].get<int>();
                                      if (t.token.empty() || t.expires_in <= 0) return std::nullopt;
                                      return t;
                                  });
}

awaitable<WxResult<Sent>> Client::send_subscribe_message(const std::string& access_token,
                                                         const json& message) {
    return call_json<Sent>("POST",
                           "/cgi-bin/message/subscribe/send?access_token=" + url_encode(access_token),
                           message.dump(), [](const json&) -> std::optional<Sent> { return Sent{}; });
}

awaitable<WxResult<PhoneInfo>> Client::get_phone_number(const std::string& access_token,
                                                        const std::string& code) {
    json body = {{"code", code}};  // in the body: in the query string WeChat answers 40029
    return call_json<PhoneInfo>(
        "POST", "/wxa/business/getuserphonenumber?access_token=" + url_encode(access_token),
        body.dump(), [](const json& j) -> std::optional<PhoneInfo> {
            auto it = j.find("phone_info");
            if (it == j.end() || !it->is_object()) return std::nullopt;
            PhoneInfo p{str(*it, "phoneNumber"), str(*it, "purePhoneNumber"), str(*it, "countryCode")};
            if (p.phone_number.empty() && p.pure_phone_number.empty()) return std::nullopt;
            return p;
        });
}

awaitable<WxResult<SecCheckResult>> Client::msg_sec_check(const std::string& access_token,
                                                          const std::string& openid, int scene,
                                                          const std::string& content) {
    json body = {{"version", 2}, {"openid", openid}, {"scene", scene}, {"content", content}};
    return call_json<SecCheckResult>(
        "POST", "/wxa/msg_sec_check?access_token=" + url_encode(access_token), body.dump(),
        [](const json& j) -> std::optional<SecCheckResult> {
            auto it = j.find("result");
            if (it == j.end() || !it->is_object()) return std::nullopt;
            SecCheckResult r{str(*it, "suggest"), 0};
            if (it->contains("label") && (*it)["label"].is_number_integer())
                r.label = (*it)["label"].get<int>();
            if (r.suggest != "pass" && r.suggest != "review" && r.suggest != "risky") return std::nullopt;
            return r;
        });
}

awaitable<WxResult<std::string>> Client::get_wxacode_unlimited(const std::string& access_token,
                                                               const json& request) {
    std::string why;
    auto reply = co_await exchange(
        "POST", "/wxa/getwxacodeunlimit?access_token=" + url_encode(access_token), request.dump(), why);
    WxResult<std::string> result = WxError{WxErrc::transport, 0, why};
    if (reply && reply->status >= 500) {
        result = WxError{WxErrc::transport, 0, "http " + std::to_string(reply->status)};
    } else if (reply && reply->body.size() > 8 && reply->body.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) {
        result = std::move(reply->body);
    } else if (reply) {
        // Errors come back as JSON.
        json j = json::parse(reply->body, nullptr, false);
        long long errcode = !j.is_discarded() && j.is_object() && j.contains("errcode") &&
                                    j["errcode"].is_number_integer()
                                ? j["errcode"].get<long long>()
                                : 0;
        result = errcode != 0 ? WxError{classify(errcode), errcode, str(j, "errmsg")}
                              : WxError{WxErrc::bad_response, 0, "neither a PNG nor an error"};
    }
    co_return result;
}

}  // namespace sh::wechat
