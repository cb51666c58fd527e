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
        case Errc::self_approval: return {403, "self_approval", "Someone else decides on your own request."};
        case Errc::not_found: return {404, "not_found", "Not found."};
        case Errc::method_not_allowed:
            return {405, "method_not_allowed", "This method is not allowed here."};
        case Errc::conflict: return {409, "conflict", "The request conflicts with current state."};
        case Errc::conflicts_with_bookings:
            return {409, "conflicts_with_bookings", "Bookings are in the way."};
        case Errc::slot_taken: return {409, "slot_taken", "This time is already held or booked."};
        case Errc::idempotency_mismatch:
            return {422, "idempotency_mismatch", "This Idempotency-Key was used with another request."};
        case Errc::too_many_holds: return {429, "too_many_holds", "You hold too many slots already."};
        case Errc::outside_opening_hours:
            return {422, "outside_opening_hours", "The hall is not open at that time."};
        case Errc::closed: return {422, "closed", "The hall is closed at that time."};
        case Errc::not_yet_open: return {422, "not_yet_open", "That day is not open for booking yet."};
        case Errc::beyond_horizon: return {422, "beyond_horizon", "That day is too far ahead."};
        case Errc::in_past: return {422, "in_past", "That time has passed."};
        case Errc::misaligned: return {422, "misaligned", "Start and end must be on the hall's slots."};
        case Errc::bad_duration: return {422, "bad_duration", "The booking is too short or too long."};
        case Errc::over_capacity: return {422, "over_capacity", "More attendees than the hall holds."};
        case Errc::quota_exceeded: return {403, "quota_exceeded", "You have reached a booking limit."};
        case Errc::banned: return {403, "banned", "You may not book until the ban ends."};
        case Errc::too_late_to_cancel:
            return {422, "too_late_to_cancel", "It is too late to cancel; ask the hall's manager."};
        case Errc::invalid_state: return {409, "invalid_state", "The booking cannot change this way now."};
        case Errc::wrong_venue: return {422, "wrong_venue", "This code belongs to another hall."};
        case Errc::checkin_window_closed:
            return {422, "checkin_window_closed", "Check-in is open only around the start of the booking."};
        case Errc::no_running_booking: return {409, "no_running_booking", "Nobody has checked in to this hall for now."};
        case Errc::content_rejected: return {422, "content_rejected", "Please describe the purpose differently."};
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
