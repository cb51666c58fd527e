#include "booking/errors.hpp"

namespace sh::booking {

HttpError to_http(Errc e) {
    switch (e) {
        case Errc::bad_request: return {400, "bad_request", "The request is malformed."};
        case Errc::bad_json: return {400, "bad_json", "The body is not valid JSON."};
        case Errc::validation: return {422, "validation", "A field is missing or invalid."};
        case Errc::unauthorized: return {401, "unauthorized", "Sign in first."};
        case Errc::invalid_code: return {401, "invalid_code", "The login code is invalid or used."};
        case Errc::forbidden: return {403, "forbidden", "You may not change this."};
        case Errc::not_found: return {404, "not_found", "Not found."};
        case Errc::method_not_allowed:
            return {405, "method_not_allowed", "This method is not allowed here."};
        case Errc::conflict: return {409, "conflict", "The request conflicts with current state."};
        case Errc::conflicts_with_bookings:
            return {409, "conflicts_with_bookings", "Bookings are in the way."};
        case Errc::payload_too_large: return {413, "payload_too_large", "The body is too large."};
        case Errc::headers_too_large:
            return {431, "headers_too_large", "The request headers are too large."};
        case Errc::rate_limited: return {429, "rate_limited", "Too many requests; retry later."};
        case Errc::login_blocked:
            return {403, "login_blocked", "WeChat does not allow this account to sign in."};
        case Errc::invalid_phone_code:
            return {422, "invalid_phone_code", "The phone number code is invalid or used."};
        case Errc::internal: return {500, "internal", "Something went wrong on our side."};
        case Errc::busy: return {503, "busy", "The service is busy; retry shortly."};
        case Errc::db_unavailable:
            return {503, "db_unavailable", "The database is unavailable; retry shortly."};
        case Errc::redis_unavailable:
            return {503, "redis_unavailable", "This feature is temporarily unavailable."};
        case Errc::wechat_unavailable:
            return {503, "wechat_unavailable", "WeChat is unavailable; retry shortly."};
        case Errc::shutting_down:
            return {503, "shutting_down", "The server is restarting; retry shortly."};
        case Errc::too_many_connections:
            return {503, "too_many_connections", "Too many connections; retry shortly."};
    }
    return {500, "internal", "Something went wrong on our side."};
}

std::string AppError::body() const {
    auto h = to_http(code);
    nlohmann::json err = {{"code", h.code},
                          {"message", message.empty() ? std::string(h.message) : message}};
    if (!details.is_null()) err["details"] = details;
    return nlohmann::json{{"error", std::move(err)}}.dump();
}

}  // namespace sh::booking
