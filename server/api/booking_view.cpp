#include "server/api/booking_view.hpp"

#include "booking/calendar.hpp"

namespace sh::api {

using nlohmann::json;

json booking_view(const booking::Booking& b) {
    using namespace booking;
    auto start = to_local(b.start), end = to_local(b.end);
    json j = {{"id", b.id},
              {"venue_id", b.venue_id},
              {"user_id", b.user_id},
              {"date", format_date(start.date)},
              {"start", format_hhmm(start.minute)},
              {"end", format_hhmm(end.date == start.date ? end.minute : 1440)},
              {"starts_at", to_iso(b.start)},
              {"ends_at", to_iso(b.end)},
              {"status", status_name(b.status)},
              {"purpose", b.purpose},
              {"attendees", b.attendees},
              {"org", b.org}};
    if (!b.cancel_reason.empty()) j["reason"] = b.cancel_reason;
    if (b.checked_in_at) j["checked_in_at"] = to_iso(*b.checked_in_at);
    if (b.created_at) j["created_at"] = to_iso(*b.created_at);
    if (b.extension) {  // more time asked for, waiting for the hall's approvers
        auto from = to_local(b.extension->start), to = to_local(b.extension->end);
        j["extension"] = {{"start", format_hhmm(from.minute)},
                          {"end", format_hhmm(to.date == from.date ? to.minute : 1440)},
                          {"starts_at", to_iso(b.extension->start)},
                          {"ends_at", to_iso(b.extension->end)},
                          {"asked_at", to_iso(b.extension->asked_at)}};
    }
    if (b.status == BookingStatus::checked_in || b.status == BookingStatus::completed)
        j["present"] = b.present;
    auto coorganisers = json::array();  // seen by whoever sees the booking: names, never phones
    for (const auto& c : b.coorganisers) coorganisers.push_back({{"id", c.id}, {"name", c.name}});
    j["coorganisers"] = coorganisers;
    return j;
}

std::string booking_answer(const booking::Booking& b) {
    return booking_view(b).dump();
}

}  // namespace sh::api
