#include "server/api/auth.hpp"

#include "server/api/input.hpp"

namespace sh::api {

std::optional<std::string> Auth::bearer(const http::Request& req) {
    auto h = req.header("authorization");
    if (h && h->size() > 7 && h->substr(0, 7) == "Bearer ") {
        std::string token(h->substr(7));
        if (token.size() > 128) return std::nullopt;
        return token;
    }
    auto c = cookie(req, session_cookie);
    if (!c || c->empty() || c->size() > 128) return std::nullopt;
    if (req.method != http::Method::get &&
        req.header("x-console") != std::optional<std::string_view>("1"))
        throw booking::AppException(booking::Errc::forbidden,
                                    "A console request must say so (X-Console: 1).");
    return c;
}

awaitable<booking::Principal> Auth::authenticate(const http::Request& req) {
    auto token = bearer(req);
    if (!token) throw booking::AppException(booking::Errc::unauthorized);
    auto me = co_await accounts_.authenticate(*token, req.client_ip);
    if (!me) throw booking::AppException(me.error());
    co_return std::move(me.value());
}

awaitable<booking::Principal> Auth::consenting(const http::Request& req) {
    auto who = co_await authenticate(req);
    auto me = co_await consents_.require(std::move(who));
    if (!me) throw booking::AppException(me.error());
    co_return std::move(me.value());
}

}  // namespace sh::api
