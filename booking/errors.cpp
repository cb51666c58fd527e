#include "booking/errors.hpp"

namespace sh::booking {

namespace {

struct Named {
    std::string_view code, message;
};

Named named(Errc e) {
    switch (e) {
        case Errc::validation: return {"validation", "A field is missing or invalid."};
        case Errc::unauthorized: return {"unauthorized", "Sign in first."};
        case Errc::invalid_code: return {"invalid_code", "The login code is invalid or used."};
        case Errc::forbidden: return {"forbidden", "You may not change this."};
        case Errc::self_approval:
            return {"self_approval", "Someone else decides on your own request."};
        case Errc::not_found: return {"not_found", "Not found."};
        case Errc::conflict: return {"conflict", "The request conflicts with current state."};
        case Errc::conflicts_with_bookings:
            return {"conflicts_with_bookings", "Bookings are in the way."};
        case Errc::slot_taken: return {"slot_taken", "This time is already held or booked."};
        case Errc::idempotency_mismatch:
            return {"idempotency_mismatch", "This Idempotency-Key was used with another request."};
        case Errc::too_many_holds: return {"too_many_holds", "You hold too many slots already."};
        case Errc::outside_opening_hours:
            return {"outside_opening_hours", "The hall is not open at that time."};
        case Errc::closed: return {"closed", "The hall is closed at that time."};
        case Errc::not_yet_open: return {"not_yet_open", "That day is not open for booking yet."};
        case Errc::beyond_horizon: return {"beyond_horizon", "That day is too far ahead."};
        case Errc::in_past: return {"in_past", "That time has passed."};
        case Errc::misaligned: return {"misaligned", "Start and end must be on the hall's slots."};
        case Errc::bad_duration: return {"bad_duration", "The booking is too short or too long."};
        case Errc::over_capacity: return {"over_capacity", "More attendees than the hall holds."};
        case Errc::quota_exceeded: return {"quota_exceeded", "You have reached a booking limit."};
        case Errc::banned: return {"banned", "You may not book until the ban ends."};
        case Errc::not_open_to_you:
            return {"not_open_to_you", "This hall is open to other members than you."};
        case Errc::notice_too_short:
            return {"notice_too_short", "This hall is booked further ahead."};
        case Errc::too_late_to_appeal:
            return {"too_late_to_appeal", "A violation is appealed within 7 days."};
        case Errc::too_late_to_cancel:
            return {"too_late_to_cancel", "It is too late to cancel; ask the hall's manager."};
        case Errc::change_needs_approval:
            return {"change_needs_approval",
                    "This hall needs approval: a confirmed booking may ask for more time, but a "
                    "move to another time is a new request."};
        case Errc::invalid_state:
            return {"invalid_state", "The booking cannot change this way now."};
        case Errc::coorganisers_full:
            return {"coorganisers_full", "This booking has its co-organisers already."};
        case Errc::wrong_venue: return {"wrong_venue", "This code belongs to another hall."};
        case Errc::checkin_window_closed:
            return {"checkin_window_closed",
                    "Check-in is open only around the start of the booking."};
        case Errc::no_running_booking:
            return {"no_running_booking", "Nobody has checked in to this hall for now."};
        case Errc::content_rejected:
            return {"content_rejected", "Please describe the purpose differently."};
        case Errc::rate_limited: return {"rate_limited", "Too many requests; retry later."};
        case Errc::login_blocked:
            return {"login_blocked", "WeChat does not allow this account to sign in."};
        case Errc::invalid_phone_code:
            return {"invalid_phone_code", "The phone number code is invalid or used."};
        case Errc::invitation_used:
            return {"invitation_used", "This invitation has already been taken."};
        case Errc::invitation_expired:
            return {"invitation_expired", "This invitation has expired."};
        case Errc::consent_required:
            return {"consent_required", "Agree to the current privacy guide first."};
        case Errc::role_held:
            return {"role_held", "Hand over your role before closing the account."};
        case Errc::policy_changed:
            return {"policy_changed", "The privacy guide has changed; read the current one."};
        case Errc::internal: return {"internal", "Something went wrong on our side."};
        case Errc::db_unavailable:
            return {"db_unavailable", "The database is unavailable; retry shortly."};
        case Errc::redis_unavailable:
            return {"redis_unavailable", "This feature is temporarily unavailable."};
        case Errc::wechat_unavailable:
            return {"wechat_unavailable", "WeChat is unavailable; retry shortly."};
    }
    return {"internal", "Something went wrong on our side."};
}

}  // namespace

std::string_view code_of(Errc e) {
    return named(e).code;
}
std::string_view default_message(Errc e) {
    return named(e).message;
}

AppError::operator Failure() const {
    return Failure{std::string(code_of(code)),
                   message.empty() ? std::string(default_message(code)) : message, details};
}

}  // namespace sh::booking
