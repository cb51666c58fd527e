// The web console: its files, and signing in by scanning a code (app/console.cpp).
#include <fstream>
#include <sstream>

#include "app/console.hpp"
#include "server/api/handlers.hpp"
#include "server/api/input.hpp"
#include "server/api/user_view.hpp"

namespace sh::api {

using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

constexpr const char* login_cookie = "sh_wl";

std::string cookie_header(const Services& svc, const std::string& name, const std::string& value,
                          const char* path, long long max_age) {
    return name + "=" + value + "; Path=" + path + "; Max-Age=" + std::to_string(max_age) +
           "; HttpOnly; SameSite=Strict" + (svc.cfg.auth.secure_cookies ? "; Secure" : "");
}

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

http::Handler start_web_login(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto started = co_await svc.console.start(
            req.client_ip, std::string(req.header("user-agent").value_or("")));
        if (!started) co_return Response::error(started.error());
        const auto& login = started.value();
        auto r = Response::json(
            200, json{{"nonce", login.nonce},
                      {"expires_in", login.expires_in.count()},
                      {"code_url", "/api/v1/auth/web-login/" + login.nonce + "/code"}});
        r.headers.emplace_back("Set-Cookie",
                               cookie_header(svc, login_cookie, login.browser_secret,
                                             "/api/v1/auth/web-login", login.expires_in.count()));
        r.headers.emplace_back("Cache-Control", "no-store");
        co_return r;
    };
}

http::Handler web_login_code(Services& svc) {
    return [&svc](Request&, const Params& p) -> awaitable<Response> {
        auto png = co_await svc.console.code(p["nonce"]);
        if (!png) co_return Response::error(png.error());
        co_return Response::text(200, std::move(png.value()), "image/png");
    };
}

http::Handler web_login_context(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto w = co_await svc.console.context(me, p["nonce"]);
        if (!w) co_return Response::error(w.error());
        co_return Response::json(200, json{{"client_ip", w.value().client_ip},
                                           {"browser", w.value().browser},
                                           {"asked_at", booking::to_iso(w.value().asked_at)},
                                           {"expires_at", booking::to_iso(w.value().expires_at)}});
    };
}

http::Handler confirm_web_login(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto r = co_await svc.console.confirm(me, p["nonce"]);
        co_return r ? Response::json(200, json{{"confirmed", true}}) : Response::error(r.error());
    };
}

http::Handler finish_web_login(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto secret = cookie(req, login_cookie).value_or("");
        auto r = co_await svc.console.finish(p["nonce"], secret);
        if (!r) co_return Response::error(r.error());
        const auto& s = r.value();
        if (!s.signed_in) co_return Response::json(200, json{{"status", "pending"}});
        auto out = Response::json(
            200, json{{"status", "signed_in"}, {"user", user_view(*s.user, s.user->principal)}});
        out.headers.emplace_back("Set-Cookie",
                                 cookie_header(svc, login_cookie, "", "/api/v1/auth/web-login", 0));
        out.headers.emplace_back("Set-Cookie", cookie_header(svc, Auth::session_cookie, s.token,
                                                             "/", s.expires_in.count()));
        out.headers.emplace_back("Cache-Control", "no-store");
        co_return out;
    };
}

// The console's files, read once at start (a missing file answers 404: the console is optional).
http::Handler console_file(Services& svc, const std::string& relative, const std::string& type) {
    auto body = svc.cfg.http.console_dir.empty()
                    ? std::nullopt
                    : read_file(svc.cfg.http.console_dir + "/" + relative);
    return [body, type](Request&, const Params&) -> awaitable<Response> {
        if (!body)
            co_return Response::error(
                booking::make_error(booking::Errc::not_found, "No console here."));
        auto r = Response::text(200, *body, type);
        r.headers.emplace_back("Content-Security-Policy",
                               "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; frame-ancestors 'none'");
        r.headers.emplace_back("X-Content-Type-Options", "nosniff");
        r.headers.emplace_back("Cache-Control", "no-cache");
        co_return r;
    };
}

}  // namespace sh::api
