#include "booking/booking_rules.hpp"

#include <algorithm>

#include "common/utf8.hpp"

namespace sh::booking {

using nlohmann::json;

std::optional<AppError> check_fields(const Venue& v, const BookingRequest& r) {
    auto purpose_len = utf8::length(r.purpose);
    if (!purpose_len || *purpose_len == 0 || *purpose_len > 200)
        return make_error(Errc::validation, "purpose: 1 to 200 characters", {{"field", "purpose"}});
    if (r.attendees < 1)
        return make_error(Errc::validation, "attendees: at least 1", {{"field", "attendees"}});
    if (auto o = utf8::length(r.org); !o || *o > 100)
        return make_error(Errc::validation, "org: at most 100 characters", {{"field", "org"}});
    if (r.attendees > v.capacity)
        return make_error(Errc::over_capacity, "The hall holds " + std::to_string(v.capacity) + ".",
                          {{"capacity", v.capacity}});
    return std::nullopt;
}

std::optional<AppError> check_request(const Venue& v, const BookingRequest& r, TimePoint now,
                                      const std::vector<ClosureSpan>& closures) {
    const auto& rules = v.rules;
    if (auto e = check_fields(v, r)) return e;
    if (r.end <= r.start)
        return make_error(Errc::validation, "end must be after start", {{"field", "end"}});

    std::optional<HoursRange> inside;
    for (const auto& h : hours_on(rules, r.date))
        if (r.start >= h.open && r.end <= h.close) inside = h;
    if (!inside) {
        return make_error(Errc::outside_opening_hours, "The hall is not open for all of that time.",
                          {{"opening_hours", hours_json(hours_on(rules, r.date))}});
    }
    if ((r.start - inside->open) % rules.slot_minutes != 0 ||
        (r.end - inside->open) % rules.slot_minutes != 0)
        return make_error(Errc::misaligned,
                          "Start and end must fall on the hall's " +
                              std::to_string(rules.slot_minutes) + "-minute slots.",
                          {{"slot_minutes", rules.slot_minutes}});
    int minutes = r.end - r.start;
    if (minutes < rules.min_minutes || minutes > rules.max_minutes)
        return make_error(Errc::bad_duration,
                          "Book between " + std::to_string(rules.min_minutes) + " and " +
                              std::to_string(rules.max_minutes) + " minutes.",
                          {{"min_minutes", rules.min_minutes}, {"max_minutes", rules.max_minutes}});

    TimePoint start = to_timepoint(r.date, r.start), end = to_timepoint(r.date, r.end);
    if (start <= now) return make_error(Errc::in_past, "That time has passed.");
    if (auto e = check_day_open(rules, r.date, now)) return e;
    for (const auto& c : closures)
        if (c.from < end && start < c.to)
            return make_error(
                Errc::closed, "The hall is closed at that time.",
                {{"from", format_local(to_local(c.from))}, {"to", format_local(to_local(c.to))}});
    return std::nullopt;
}

std::optional<AppError> check_day_open(const VenueRules& rules, Date date, TimePoint now) {
    // Day D opens at release_time on day D - horizon_days.
    auto today = to_local(now).date;
    auto last_open_day = add_days(today, rules.horizon_days);
    if (date > last_open_day)
        return make_error(
            Errc::beyond_horizon,
            "Halls can be booked " + std::to_string(rules.horizon_days) + " days ahead.",
            {{"horizon_days", rules.horizon_days}});
    TimePoint opens = opens_at(rules, date);
    if (now < opens)
        return make_error(Errc::not_yet_open,
                          "This day opens for booking at " + format_local(to_local(opens)) + ".",
                          {{"opens_at", to_iso(opens)}});
    return std::nullopt;
}

TimePoint opens_at(const VenueRules& rules, Date date) {
    return to_timepoint(add_days(date, -rules.horizon_days), rules.release_minute);
}

std::vector<Date> days_opening(const VenueRules& rules, TimePoint from, TimePoint to) {
    std::vector<Date> out;
    if (to <= from) return out;
    // The first candidate: the day whose opening falls on from's local day (or the one before).
    for (Date d = add_days(to_local(from).date, rules.horizon_days - 1);; d = add_days(d, 1)) {
        auto t = opens_at(rules, d);
        if (t > to) break;
        if (t > from) out.push_back(d);
    }
    return out;
}

std::optional<AppError> check_open_to(const Venue& v, const Principal& me) {
    const auto& r = v.rules;
    if (r.open_to == OpenTo::district || can_manage_building(me, v.building_id, v.street_id))
        return std::nullopt;
    const bool in = me.branch_confirmed &&
                    (r.open_to == OpenTo::street
                         ? me.branch_street_id == v.street_id
                         : me.unit_id && std::binary_search(r.open_units.begin(),
                                                            r.open_units.end(), *me.unit_id));
    if (in) return std::nullopt;
    return make_error(Errc::not_open_to_you,
                      r.open_to == OpenTo::street
                          ? "This hall is open to the members of its street's branches."
                          : "This hall is open to the members of named units.",
                      {{"open_to", open_to_name(r.open_to)}});
}

std::optional<AppError> check_notice(const VenueRules& rules, const BookingRequest& r,
                                     TimePoint now) {
    const auto earliest = now + std::chrono::minutes(rules.min_notice_minutes);
    if (rules.min_notice_minutes == 0 || to_timepoint(r.date, r.start) >= earliest)
        return std::nullopt;
    return make_error(
        Errc::notice_too_short,
        "Book this hall at least " + std::to_string(rules.min_notice_minutes) + " minutes ahead.",
        {{"earliest", to_iso(earliest)}, {"minutes", rules.min_notice_minutes}});
}

std::optional<AppError> check_hall_quota(const Venue& v, const std::vector<BookedSpan>& bookings,
                                         TimePoint now) {
    const int max = v.rules.max_active_here;
    if (max == 0) return std::nullopt;
    const auto here = std::count_if(bookings.begin(), bookings.end(), [&](const BookedSpan& b) {
        return b.venue_id == v.id && b.end > now;
    });
    if (here < max) return std::nullopt;
    return make_error(Errc::quota_exceeded,
                      "You have " + std::to_string(here) + " bookings to come at this hall.",
                      {{"limit", "active_here"}, {"max", max}});
}

std::optional<AppError> check_quotas(const Quotas& q, const Usage& u, int minutes) {
    if (u.active >= q.max_active)
        return make_error(Errc::quota_exceeded,
                          "You have " + std::to_string(u.active) + " bookings to come already.",
                          {{"limit", "active_bookings"}, {"max", q.max_active}});
    if (u.on_day >= q.max_per_day)
        return make_error(Errc::quota_exceeded, "You have booked that day's maximum.",
                          {{"limit", "bookings_per_day"}, {"max", q.max_per_day}});
    if (u.minutes_in_week + minutes > q.max_minutes_per_week)
        return make_error(Errc::quota_exceeded, "This would exceed your weekly hours.",
                          {{"limit", "minutes_per_week"},
                           {"max", q.max_minutes_per_week},
                           {"used", u.minutes_in_week}});
    return std::nullopt;
}

std::optional<AppError> check_ban(const std::optional<TimePoint>& ban, TimePoint now) {
    if (ban && *ban > now)
        return make_error(Errc::banned,
                          "You may book again from " + format_local(to_local(*ban)) + ".",
                          {{"until", to_iso(*ban)}});
    return std::nullopt;
}

Usage usage_of(const std::vector<BookedSpan>& bookings, Date day, TimePoint now) {
    Usage u;
    auto day_start = to_timepoint(day, 0), day_end = to_timepoint(add_days(day, 1), 0);
    auto monday = week_start(day);
    auto week_from = to_timepoint(monday, 0), week_to = to_timepoint(add_days(monday, 7), 0);
    for (const auto& b : bookings) {
        if (!owns_quanta(b.status)) continue;
        if (b.status != BookingStatus::completed && b.end > now) ++u.active;
        if (b.start >= day_start && b.start < day_end) ++u.on_day;
        if (b.start >= week_from && b.start < week_to)
            u.minutes_in_week += static_cast<int>(
                std::chrono::duration_cast<std::chrono::minutes>(b.end - b.start).count());
    }
    return u;
}

TimePoint usage_since(Date day, TimePoint now) {
    // A booking lies within one day, so one not yet ended started less than a day before now.
    return std::min(to_timepoint(week_start(day), 0), now - std::chrono::hours(24));
}

}  // namespace sh::booking
