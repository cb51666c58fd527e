#include "booking/venue_admin.hpp"

#include "booking/closures.hpp"
#include "common/utf8.hpp"

namespace sh::booking {

using nlohmann::json;

json closure_json(const Closure& c) {
    return {{"id", c.id},
            {"venue_id", c.venue_id},
            {"from", format_local(to_local(c.from))},
            {"to", format_local(to_local(c.to))},
            {"reason", c.reason}};
}

json building_json(const Building& b) {
    return {{"id", b.id}, {"street_id", b.street_id}, {"name", b.name}, {"address", b.address}};
}

Result<Building> create_building(VenueStore& s, const Principal& actor, Building b) {
    if (b.street_id == 0 || !s.street_exists(b.street_id))
        return invalid_field("street_id", "no such street");
    if (!can_manage_street(actor, b.street_id))
        return make_error(Errc::forbidden, "Only this street's administrators may add buildings.");
    auto len = utf8::length(b.name);
    if (!len || *len == 0 || *len > 100) return invalid_field("name", "1 to 100 characters");
    if (auto a = utf8::length(b.address); !a || *a > 200)
        return invalid_field("address", "at most 200 characters");
    b.id = s.insert_building(b);
    s.audit({actor.user_id, "create_building", "building", b.id, nullptr, building_json(b)});
    return b;
}

Result<Venue> create_venue(VenueStore& s, const Principal& actor, Venue v) {
    auto street = s.street_of_building(v.building_id);
    if (!street) return invalid_field("building_id", "no such building");
    if (!can_manage_building(actor, v.building_id, *street))
        return make_error(Errc::forbidden, "You do not manage this building.");
    v.street_id = *street;
    if (auto e = validate_venue(v)) return *e;
    v.id = s.insert_venue(v);
    s.audit({actor.user_id, "create_venue", "venue", v.id, nullptr, venue_json(v)});
    return v;
}

Result<Venue> update_venue(VenueStore& s, const Principal& actor, VenueId id, const json& patch) {
    auto current = s.find_venue(id, Lock::exclusive);
    if (!current) return make_error(Errc::not_found, "No such hall.");
    if (!can_manage_building(actor, current->building_id, current->street_id))
        return make_error(Errc::forbidden, "You do not manage this hall.");
    Venue next = *current;
    if (auto e = apply_venue_json(patch, next)) return *e;
    if (next.building_id != current->building_id)
        return invalid_field("building_id", "a hall cannot move to another building");
    if (auto e = validate_venue(next)) return *e;
    s.update_venue(next);
    s.audit({actor.user_id, "update_venue", "venue", id, venue_json(*current), venue_json(next)});
    return next;
}

Result<ClosureOutcome> add_closure(VenueStore& s, const Principal& actor, VenueId venue,
                                   const ClosureRequest& req, TimePoint now) {
    auto span = closure_of(req);
    if (!span) return span.error();
    Closure c = span.value();
    c.venue_id = venue;

    // Exclusive: a booking of this hall (which takes the row shared) waits for us, or we for it.
    auto v = s.find_venue(venue, Lock::exclusive);
    if (!v) return make_error(Errc::not_found, "No such hall.");
    if (!can_manage_building(actor, v->building_id, v->street_id))
        return make_error(Errc::forbidden, "You do not manage this hall.");

    auto in_the_way = s.bookings_between(venue, c.from, c.to);
    if (!in_the_way.empty() && !req.cancel_conflicting)
        return make_error(Errc::conflicts_with_bookings, "Bookings are in the way of this closure.",
                          {{"booking_ids", in_the_way}});
    if (!in_the_way.empty())
        s.cancel_bookings(in_the_way, actor.user_id, "closure: " + req.reason, now);
    c.id = s.insert_closure(c, actor.user_id);
    json after = closure_json(c);
    after["cancelled_booking_ids"] = in_the_way;
    s.audit({actor.user_id, "add_closure", "venue", venue, nullptr, after});
    return ClosureOutcome{c, in_the_way};
}

Result<Closure> remove_closure(VenueStore& s, const Principal& actor, VenueId venue, ClosureId id) {
    auto v = s.find_venue(venue, Lock::exclusive);
    if (!v) return make_error(Errc::not_found, "No such hall.");
    auto c = s.find_closure(id);
    if (!c || c->venue_id != venue) return make_error(Errc::not_found, "No such closure.");
    if (!can_manage_building(actor, v->building_id, v->street_id))
        return make_error(Errc::forbidden, "You do not manage this hall.");
    s.delete_closure(id);
    s.audit({actor.user_id, "remove_closure", "venue", venue, closure_json(*c), nullptr});
    return *c;
}

}  // namespace sh::booking
