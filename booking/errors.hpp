#pragma once
// Expected failures are values: an AppError carries a stable code; to_http() is the one place
// that decides the HTTP status and the public code string for each.
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

namespace sh::booking {

enum class Errc {
    bad_request,          // 400 malformed HTTP or parameters
    bad_json,             // 400 body is not JSON
    validation,           // 422 a field is wrong (details name it)
    unauthorized,         // 401 no or dead token
    invalid_code,         // 401 WeChat login code rejected
    forbidden,            // 403 can see, cannot change
    self_approval,        // 403 one's own request or violation is decided by someone else
    not_found,            // 404 cannot see (or does not exist)
    method_not_allowed,   // 405
    conflict,             // 409 generic state conflict
    conflicts_with_bookings,  // 409 a closure has bookings in its way (ids in details)
    slot_taken,           // 409 a quantum of the range is held or booked
    idempotency_mismatch, // 422 the same Idempotency-Key with another body
    too_many_holds,       // 429
    outside_opening_hours, closed, not_yet_open, beyond_horizon, in_past, misaligned,
    bad_duration, over_capacity,  // 422 booking rules
    quota_exceeded,       // 403 details.limit
    banned,               // 403 details.until
    too_late_to_cancel,   // 422
    invalid_state,        // 409 the booking is not in a state that allows this
    wrong_venue,          // 422 the scanned code is another hall's
    checkin_window_closed,  // 422 details.opens_at / closes_at
    no_running_booking,   // 409 nobody is checked in to the scanned hall now
    content_rejected,     // 422 the content check found the text unacceptable
    payload_too_large,    // 413
    headers_too_large,    // 431
    rate_limited,         // 429 (with Retry-After)
    login_blocked,        // 403 WeChat flags the user as high-risk
    invalid_phone_code,   // 422 the phone-number code is invalid or used
    internal,             // 500 never with detail
    busy,                 // 503 no database connection free in time
    db_unavailable,       // 503 MySQL cannot be reached
    redis_unavailable,    // 503 feature needs Redis and Redis is down
    wechat_unavailable,   // 503 WeChat could not be reached or is busy
    shutting_down,        // 503 server is draining
    too_many_connections  // 503 connection cap reached
};

struct HttpError {
    int status;
    std::string_view code;
    std::string_view message;  // default human message
};

HttpError to_http(Errc e);

struct AppError {
    Errc code;
    std::string message;  // empty: the default message of to_http(code)
    nlohmann::json details = nullptr;

    // The JSON error envelope {"error":{"code","message","details"?}}.
    std::string body() const;
    int status() const { return to_http(code).status; }
};

inline AppError make_error(Errc code, std::string message = {},
                           nlohmann::json details = nullptr) {
    return AppError{code, std::move(message), std::move(details)};
}

// 422 validation naming the field: {"code":"validation","message":"field: why","details":{"field":...}}
inline AppError invalid_field(const std::string& field, const std::string& why) {
    return make_error(Errc::validation, field + ": " + why, {{"field", field}});
}

// Result of a domain call: the value or an expected failure.
template <class T>
class Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(AppError error) : v_(std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    const AppError& error() const { return std::get<1>(v_); }

private:
    std::variant<T, AppError> v_;
};

}  // namespace sh::booking

namespace sh::booking {

// An expected failure raised below a layer that cannot return a Result (the storage pools,
// Redis); the request boundary turns it into its AppError like any other.
class AppException : public std::runtime_error {
public:
    explicit AppException(AppError e)
        : std::runtime_error(std::string(to_http(e.code).code)), error_(std::move(e)) {}
    explicit AppException(Errc code, std::string message = {})
        : AppException(make_error(code, std::move(message))) {}
    const AppError& error() const { return error_; }

private:
    AppError error_;
};

}  // namespace sh::booking
