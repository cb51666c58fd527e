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
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1);
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
    auto endpoints = co_await resolver->async_resolve(
        base.host, base.port, asio::redirect_error(asio::use_awaitable, ec));
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
        if (SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME,
                     TLSEXT_NAMETYPE_host_name, const_cast<char*>(base.host.c_str())) != 1) {
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
                why = std::string("tls: certificate refused: ") +
                      X509_verify_cert_error_string(verify);
                co_return std::nullopt;
            }
        }
        if (!ec)
            co_await bhttp::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec)
            co_await bhttp::async_read(stream, buffer, parser,
                                       asio::redirect_error(asio::use_awaitable, ec));
        beast::get_lowest_layer(stream).close();
    } else {
        beast::tcp_stream stream(ex);
        stream.expires_at(deadline);
        co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec)
            co_await bhttp::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
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

template <class T>
awaitable<WxResult<T>> Client::call(const char* method, std::string target, std::string body,
                                    WxResult<T> (*read)(std::optional<RawReply>,
                                                        const std::string& why)) {
    std::string why;
    auto reply = co_await exchange(method, target, body, why);
    co_return read(std::move(reply), why);
}

awaitable<WxResult<LoginSession>> Client::code2session(const std::string& js_code) {
    std::string target = "/sns/jscode2session?appid=" + url_encode(cfg_.appid) +
                         "&secret=" + url_encode(cfg_.secret) + "&js_code=" + url_encode(js_code) +
                         "&grant_type=authorization_code";
    return call<LoginSession>("GET", target, "", read_login_session);
}

awaitable<WxResult<AccessToken>> Client::stable_token(bool force_refresh) {
    json body = {{"grant_type", "client_credential"},
                 {"appid", cfg_.appid},
                 {"secret", cfg_.secret},
                 {"force_refresh", force_refresh}};
    return call<AccessToken>("POST", "/cgi-bin/stable_token", body.dump(), read_access_token);
}

awaitable<WxResult<Sent>> Client::send_subscribe_message(const std::string& access_token,
                                                         const json& message) {
    return call<Sent>("POST",
                      "/cgi-bin/message/subscribe/send?access_token=" + url_encode(access_token),
                      message.dump(), read_sent);
}

awaitable<WxResult<PhoneInfo>> Client::get_phone_number(const std::string& access_token,
                                                        const std::string& code) {
    json body = {{"code", code}};  // in the body: in the query string WeChat answers 40029
    return call<PhoneInfo>(
        "POST", "/wxa/business/getuserphonenumber?access_token=" + url_encode(access_token),
        body.dump(), read_phone);
}

awaitable<WxResult<SecCheckResult>> Client::msg_sec_check(const std::string& access_token,
                                                          const std::string& openid, int scene,
                                                          const std::string& content) {
    json body = {{"version", 2}, {"openid", openid}, {"scene", scene}, {"content", content}};
    return call<SecCheckResult>("POST",
                                "/wxa/msg_sec_check?access_token=" + url_encode(access_token),
                                body.dump(), read_sec_check);
}

awaitable<WxResult<std::string>> Client::get_wxacode_unlimited(const std::string& access_token,
                                                               const json& request) {
    return call<std::string>("POST",
                             "/wxa/getwxacodeunlimit?access_token=" + url_encode(access_token),
                             request.dump(), read_wxacode);
}

}  // namespace sh::wechat
