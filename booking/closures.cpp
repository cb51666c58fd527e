#include "booking/closures.hpp"

#include <algorithm>

#include "common/utf8.hpp"

namespace sh::booking {

using nlohmann::json;

Result<Closure> closure_of(const ClosureRequest& req) {
    auto from = parse_local(req.from);
    auto to = parse_local(req.to);
    if (!from) return invalid_field("from", "must be YYYY-MM-DDTHH:MM");
    if (!to) return invalid_field("to", "must be YYYY-MM-DDTHH:MM");
    auto reason_len = utf8::length(req.reason);
    if (!reason_len || *reason_len == 0 || *reason_len > 200)
        return invalid_field("reason", "1 to 200 characters");
    Closure c{0, 0, to_timepoint(from->date, from->minute), to_timepoint(to->date, to->minute),
              req.reason};
    if (c.to <= c.from) return invalid_field("to", "must be after from");
    if (c.to - c.from > std::chrono::hours(24 * 366))
        return invalid_field("to", "a closure lasts at most a year");
    return c;
}

Result<ScopeClosures> close_scope(VenueStore& s, const Principal& actor,
                                  std::optional<StreetId> street, const ClosureRequest& req,
                                  TimePoint now) {
    const bool may = actor.role == Role::district_admin ||
                     (actor.role == Role::street_admin && street && actor.street_id == *street);
    if (!may)
        return make_error(Errc::forbidden, street ? "Only the street's or the district's admins "
                                                    "close all its halls."
                                                  : "Only the district's admins close every hall.");
    auto span = closure_of(req);
    if (!span) return span.error();

    std::vector<VenueId> ids;
    for (const auto& v : s.search(VenueQuery{street, std::nullopt, std::nullopt, std::nullopt}))
        ids.push_back(v.id);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<BookingId> in_the_way;
    std::vector<VenueId> halls;
    for (auto id : ids) {
        if (!s.find_venue(id, Lock::exclusive)) continue;  // removed meanwhile
        halls.push_back(id);
        auto here = s.bookings_between(id, span.value().from, span.value().to);
        in_the_way.insert(in_the_way.end(), here.begin(), here.end());
    }
    if (halls.empty()) return make_error(Errc::not_found, "No hall to close there.");
    if (!in_the_way.empty() && !req.cancel_conflicting)
        return make_error(Errc::conflicts_with_bookings, "Bookings are in the way of this closure.",
                          {{"booking_ids", in_the_way}});
    if (!in_the_way.empty())
        s.cancel_bookings(in_the_way, actor.user_id, "closure: " + req.reason, now);

    ScopeClosures out;
    out.cancelled = in_the_way;
    for (auto id : halls) {
        Closure c = span.value();
        c.venue_id = id;
        c.id = s.insert_closure(c, actor.user_id);
        json after = closure_json(c);
        after["scope"] = street ? json{{"street_id", *street}} : json("district");
        s.audit({actor.user_id, "add_closure", "venue", id, nullptr, after});
        out.closures.push_back(std::move(c));
    }
    return out;
}

}  // namespace sh::booking
