#pragma once
// Expected failures are values: an AppError carries the domain's code. What the domain decides
// only: the HTTP status of each code is server/http's (http::status_of).
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "common/failure.hpp"

namespace sh::booking {

enum class Errc {
    validation,               // 422 a field is wrong (details name it)
    unauthorized,             // 401 no or dead token
    invalid_code,             // 401 WeChat login code rejected
    forbidden,                // 403 can see, cannot change
    self_approval,            // 403 one's own request or violation is decided by someone else
    not_found,                // 404 cannot see (or does not exist)
    conflict,                 // 409 generic state conflict
    conflicts_with_bookings,  // 409 a closure has bookings in its way (ids in details)
    slot_taken,               // 409 a quantum of the range is held or booked
    idempotency_mismatch,     // 422 the same Idempotency-Key with another body
    too_many_holds,           // 429
    outside_opening_hours,
    closed,
    not_yet_open,
    beyond_horizon,
    in_past,
    misaligned,
    bad_duration,
    over_capacity,          // 422 booking rules
    quota_exceeded,         // 403 details.limit
    banned,                 // 403 details.until
    not_open_to_you,        // 403 the hall is open to its street or named units (details.open_to)
    notice_too_short,       // 422 the hall is booked this long ahead (details.earliest)
    too_late_to_cancel,     // 422
    too_late_to_appeal,     // 422 details.until: the appeal's 7 days are over
    invalid_state,          // 409 the booking is not in a state that allows this
    change_needs_approval,  // 409 a confirmed booking moved (not extended) where approval is needed
    coorganisers_full,      // 409 the booking has its two co-organisers (details.max)
    wrong_venue,            // 422 the scanned code is another hall's
    checkin_window_closed,  // 422 details.opens_at / closes_at
    no_running_booking,     // 409 nobody is checked in to the scanned hall now
    content_rejected,       // 422 the content check found the text unacceptable
    rate_limited,           // 429 (with Retry-After)
    login_blocked,          // 403 WeChat flags the user as high-risk
    invalid_phone_code,     // 422 the phone-number code is invalid or used
    invitation_used,        // 409 someone already took this invitation
    invitation_expired,     // 410 the invitation's days are over
    consent_required,       // 403 the privacy guide's current version is not agreed to yet
    policy_changed,      // 409 the guide agreed to is not the current one (details.policy_version)
    role_held,           // 409 an account is closed only after its role is handed over
    internal,            // 500 never with detail
    db_unavailable,      // 503 MySQL cannot be reached
    redis_unavailable,   // 503 feature needs Redis and Redis is down
    wechat_unavailable,  // 503 WeChat could not be reached or is busy
};
// (The statuses above are server/http's decision, noted here for the reader. Failures of the
// transport and the pools — bad_json, payload_too_large, busy, shutting_down, ... — are not the
// domain's: server/http and server/workers raise them as sh::Failure with their own codes.)

// The stable code of each error (the contract's snake_case) and a default message for
// developers (clients show their own words for the code).
std::string_view code_of(Errc e);
std::string_view default_message(Errc e);

struct AppError {
    Errc code;
    std::string message;  // empty: default_message(code)
    nlohmann::json details = nullptr;

    // As it crosses to the layers that render it.
    operator Failure() const;
};

inline AppError make_error(Errc code, std::string message = {}, nlohmann::json details = nullptr) {
    return AppError{code, std::move(message), std::move(details)};
}

// 422 validation naming the field: {"code":"validation","message":"field:
// why","details":{"field":...}}
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

// An expected failure raised below a layer that cannot return a Result (storage, Redis); the
// request boundary answers it like any other Failure.
class AppException : public FailureException {
  public:
    explicit AppException(AppError e) : FailureException(Failure(e)), error_(std::move(e)) {}
    explicit AppException(Errc code, std::string message = {})
        : AppException(make_error(code, std::move(message))) {}
    const AppError& error() const { return error_; }

  private:
    AppError error_;
};

}  // namespace sh::booking
