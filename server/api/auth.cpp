#include "server/api/auth.hpp"

namespace sh::api {

std::optional<std::string> Auth::bearer(const http::Request& req) {
    auto h = req.header("authorization");
    if (!h || h->size() <= 7 || h->substr(0, 7) != "Bearer ") return std::nullopt;
    std::string token(h->substr(7));
    if (token.size() > 128) return std::nullopt;
    return token;
}

awaitable<booking::Principal> Auth::authenticate(const http::Request& req) {
    auto token = bearer(req);
    if (!token) throw booking::AppException(booking::Errc::unauthorized);
    auto me = co_await accounts_.authenticate(*token, req.client_ip);
    if (!me) throw booking::AppException(me.error());
    co_return std::move(me.value());
}

}  // namespace sh::api
