#include "booking/booking.hpp"

#include <algorithm>

#include "common/names.hpp"
#include "common/utf8.hpp"

namespace sh::booking {

using nlohmann::json;

bool owns_quanta(BookingStatus s) {
    return s == BookingStatus::pending || s == BookingStatus::confirmed ||
           s == BookingStatus::checked_in || s == BookingStatus::completed;
}

namespace {
constexpr NameTable statuses{std::pair{BookingStatus::pending, std::string_view("pending")},
                             std::pair{BookingStatus::confirmed, std::string_view("confirmed")},
                             std::pair{BookingStatus::checked_in, std::string_view("checked_in")},
                             std::pair{BookingStatus::completed, std::string_view("completed")},
                             std::pair{BookingStatus::cancelled, std::string_view("cancelled")},
                             std::pair{BookingStatus::rejected, std::string_view("rejected")},
                             std::pair{BookingStatus::expired, std::string_view("expired")},
                             std::pair{BookingStatus::no_show, std::string_view("no_show")}};
constexpr NameTable violation_kinds{
    std::pair{ViolationKind::no_show, std::string_view("no_show")},
    std::pair{ViolationKind::late_cancel, std::string_view("late_cancel")},
    std::pair{ViolationKind::late_shrink, std::string_view("late_shrink")}};
}  // namespace

std::string_view status_name(BookingStatus s) {
    return statuses.name(s);
}
std::optional<BookingStatus> parse_status(std::string_view s) {
    return statuses.parse(s);
}
std::string_view violation_name(ViolationKind k) {
    return violation_kinds.name(k);
}

json audit_record(const Booking& b) {
    // What an audit entry keeps of a booking: the state a decision changed and whose it was.
    json j = {{"id", b.id},
              {"venue_id", b.venue_id},
              {"user_id", b.user_id},
              {"starts_at", to_iso(b.start)},
              {"ends_at", to_iso(b.end)},
              {"status", status_name(b.status)}};
    if (!b.cancel_reason.empty()) j["reason"] = b.cancel_reason;
    if (b.extension)
        j["extension"] = {{"starts_at", to_iso(b.extension->start)},
                          {"ends_at", to_iso(b.extension->end)}};
    if (!b.coorganisers.empty()) {
        auto ids = json::array();  // ids only: an audit snapshot keeps no one else's name
        for (const auto& c : b.coorganisers) ids.push_back(c.id);
        j["coorganisers"] = ids;
    }
    return j;
}

std::vector<TimePoint> quanta_of(Date d, int start, int end) {
    std::vector<TimePoint> out;
    for (int m = start; m < end; m += quantum_minutes) out.push_back(to_timepoint(d, m));
    return out;
}

namespace {
// The quanta of [start, end) within start's day (an end on the next day is its midnight).
std::vector<TimePoint> quanta_between(TimePoint from, TimePoint to) {
    auto start = to_local(from), end = to_local(to);
    return quanta_of(start.date, start.minute, end.date == start.date ? end.minute : 1440);
}
}  // namespace

std::vector<TimePoint> quanta_of(const Booking& b) {
    return quanta_between(b.start, b.end);
}

TimePoint extension_begins(const Booking& b) {
    return b.extension && b.extension->start < b.start ? b.extension->start : b.end;
}

TimePoint held_end(const Booking& b) {
    const auto end = b.extension ? std::max(b.end, b.extension->end) : b.end;
    const auto midnight = to_timepoint(to_local(b.start).date, 1440);
    return std::max(end, std::min(end + std::chrono::minutes(b.buffer_minutes), midnight));
}

std::vector<TimePoint> held_quanta(const Booking& b) {
    // No copy of the booking: the write path's.
    return quanta_between(b.extension ? std::min(b.start, b.extension->start) : b.start,
                          held_end(b));
}

std::optional<AppError> restrict_to_scope(const Principal& p, BookingQuery& q) {
    switch (p.role) {
        case Role::district_admin: return std::nullopt;
        case Role::street_admin: q.street_id = p.street_id.value_or(0); return std::nullopt;
        case Role::manager: q.buildings = p.building_ids; return std::nullopt;
        case Role::member: break;
    }
    return make_error(Errc::forbidden, "Only managers and admins list the bookings of halls.");
}

AppError state_error(const Booking& b) {
    return make_error(Errc::invalid_state,
                      "This booking is " + std::string(status_name(b.status)) + ".");
}

bool is_coorganiser(const Principal& p, const Booking& b) {
    return std::any_of(b.coorganisers.begin(), b.coorganisers.end(),
                       [&](const Coorganiser& c) { return c.id == p.user_id; });
}

bool organises(const Principal& p, const Booking& b) {
    return b.user_id == p.user_id || is_coorganiser(p, b);
}

bool can_view_booking(const Principal& p, const Booking& b) {
    return organises(p, b) || can_manage_building(p, b.building_id, b.street_id);
}

std::optional<AppError> check_reason(const std::string& reason, int max_chars, bool required,
                                     const char* field) {
    const std::string f(field);
    auto n = utf8::length(reason);
    if (!n) return make_error(Errc::validation, f + ": not valid UTF-8", {{"field", f}});
    if (required && reason.find_first_not_of(" \t\r\n") == std::string::npos)
        return make_error(Errc::validation, f + ": is required", {{"field", f}});
    if (*n > static_cast<std::size_t>(max_chars))
        return make_error(Errc::validation,
                          f + ": at most " + std::to_string(max_chars) + " characters",
                          {{"field", f}, {"max_chars", max_chars}});
    return std::nullopt;
}

}  // namespace sh::booking
