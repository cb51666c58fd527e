#include "server/http/errors.hpp"

#include <utility>

namespace sh::http {

namespace {

struct Row {
    std::string_view code;
    int status;
};

constexpr Row table[] = {
    {"bad_request", 400},
    {"bad_json", 400},
    {"validation", 422},
    {"unauthorized", 401},
    {"invalid_code", 401},
    {"forbidden", 403},
    {"self_approval", 403},
    {"not_found", 404},
    {"method_not_allowed", 405},
    {"conflict", 409},
    {"conflicts_with_bookings", 409},
    {"slot_taken", 409},
    {"idempotency_mismatch", 422},
    {"too_many_holds", 429},
    {"outside_opening_hours", 422},
    {"closed", 422},
    {"not_yet_open", 422},
    {"beyond_horizon", 422},
    {"in_past", 422},
    {"misaligned", 422},
    {"bad_duration", 422},
    {"over_capacity", 422},
    {"quota_exceeded", 403},
    {"banned", 403},
    {"too_late_to_cancel", 422},
    {"invalid_state", 409},
    {"wrong_venue", 422},
    {"checkin_window_closed", 422},
    {"no_running_booking", 409},
    {"content_rejected", 422},
    {"payload_too_large", 413},
    {"headers_too_large", 431},
    {"rate_limited", 429},
    {"login_blocked", 403},
    {"invalid_phone_code", 422},
    {"internal", 500},
    {"busy", 503},
    {"db_unavailable", 503},
    {"redis_unavailable", 503},
    {"wechat_unavailable", 503},
    {"shutting_down", 503},
    {"too_many_connections", 503},
};

}  // namespace

int status_of(std::string_view code) {
    for (const auto& r : table)
        if (r.code == code) return r.status;
    return 500;
}

std::vector<std::string_view> known_codes() {
    std::vector<std::string_view> out;
    for (const auto& r : table) out.push_back(r.code);
    return out;
}

Failure transport_failure(std::string_view code) {
    static const std::pair<std::string_view, std::string_view> messages[] = {
        {"bad_request", "The request is malformed."},
        {"bad_json", "The body is not valid JSON."},
        {"not_found", "Not found."},
        {"method_not_allowed", "This method is not allowed here."},
        {"payload_too_large", "The body is too large."},
        {"headers_too_large", "The request headers are too large."},
        {"too_many_connections", "Too many connections; retry shortly."},
    };
    for (const auto& [c, m] : messages)
        if (c == code) return Failure{std::string(c), std::string(m)};
    return Failure{"internal", "Something went wrong on our side."};
}

}  // namespace sh::http
