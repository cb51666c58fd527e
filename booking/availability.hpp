#pragma once
// The slots of one hall on one day and their states. Pure.
//  base_slots: from opening hours, closures and booked quanta — what the cache may hold, since
//              it depends on committed state only.
//  overlay:    "past" (from the clock) and "held" (from Redis holds), applied at serve time.
#include <set>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "booking/calendar.hpp"
#include "booking/venue.hpp"

namespace sh::booking {

enum class SlotState { free, held, booked, closed, past };
std::string_view slot_state_name(SlotState s);
std::optional<SlotState> parse_slot_state(std::string_view s);

struct ClosureSpan {
    TimePoint from;
    TimePoint to;
};

struct DaySlot {
    int start;  // minutes since local midnight
    int end;
    SlotState state;
    bool operator==(const DaySlot&) const = default;
};

// `booked` holds the start minute (of that day) of every booked 15-minute quantum.
std::vector<DaySlot> base_slots(const VenueRules& rules, Date d,
                                const std::vector<ClosureSpan>& closures,
                                const std::set<int>& booked);

// A slot that has started (start <= now) is past; a free slot with a held quantum is held.
void overlay(std::vector<DaySlot>& slots, Date d, TimePoint now, const std::set<int>& held);

nlohmann::json slots_json(const std::vector<DaySlot>& slots);
std::optional<std::vector<DaySlot>> slots_from_json(const nlohmann::json& j);

// The compact form the cache holds: "start,end,s;start,end,s;..." (minutes; s = f|b|c|h|p).
std::string encode_slots(const std::vector<DaySlot>& slots);
std::optional<std::vector<DaySlot>> decode_slots(std::string_view s);
// Appends the slots as the API's JSON array, without building a JSON tree (the hot path of
// availability). Same output as slots_json(...).dump().
void append_slots_json(std::string& out, const std::vector<DaySlot>& slots);

}  // namespace sh::booking
