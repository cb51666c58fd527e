#include "booking/availability.hpp"

namespace sh::booking {

std::string_view slot_state_name(SlotState s) {
    switch (s) {
        case SlotState::free: return "free";
        case SlotState::held: return "held";
        case SlotState::booked: return "booked";
        case SlotState::closed: return "closed";
        case SlotState::past: return "past";
    }
    return "free";
}

std::optional<SlotState> parse_slot_state(std::string_view s) {
    for (auto st : {SlotState::free, SlotState::held, SlotState::booked, SlotState::closed, SlotState::past})
        if (slot_state_name(st) == s) return st;
    return std::nullopt;
}

std::vector<DaySlot> base_slots(const VenueRules& rules, Date d, const std::vector<ClosureSpan>& closures,
                                const std::set<int>& booked) {
    std::vector<DaySlot> out;
    for (const auto& range : hours_on(rules, d)) {
        for (int start = range.open; start + rules.slot_minutes <= range.close; start += rules.slot_minutes) {
            int end = start + rules.slot_minutes;
            DaySlot slot{start, end, SlotState::free};
            TimePoint from = to_timepoint(d, start), to = to_timepoint(d, end);
            for (const auto& c : closures)
                if (c.from < to && from < c.to) slot.state = SlotState::closed;  // any overlap closes it
            if (slot.state == SlotState::free) {
                for (int q = start; q < end; q += quantum_minutes)
                    if (booked.count(q)) slot.state = SlotState::booked;
            }
            out.push_back(slot);
        }
    }
    return out;
}

void overlay(std::vector<DaySlot>& slots, Date d, TimePoint now, const std::set<int>& held) {
    for (auto& s : slots) {
        if (to_timepoint(d, s.start) <= now) {
            s.state = SlotState::past;
            continue;
        }
        if (s.state != SlotState::free) continue;
        for (int q = s.start; q < s.end; q += quantum_minutes)
            if (held.count(q)) s.state = SlotState::held;
    }
}

nlohmann::json slots_json(const std::vector<DaySlot>& slots) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : slots)
        out.push_back({{"start", format_hhmm(s.start)}, {"end", format_hhmm(s.end)}, {"state", slot_state_name(s.state)}});
    return out;
}

std::optional<std::vector<DaySlot>> slots_from_json(const nlohmann::json& j) {
    if (!j.is_array()) return std::nullopt;
    std::vector<DaySlot> out;
    for (const auto& e : j) {
        if (!e.is_object() || !e.contains("start") || !e.contains("end") || !e.contains("state"))
            return std::nullopt;
        auto start = parse_hhmm(e["start"].get<std::string>(), true);
        auto end = parse_hhmm(e["end"].get<std::string>(), true);
        auto state = parse_slot_state(e["state"].get<std::string>());
        if (!start || !end || !state) return std::nullopt;
        out.push_back(DaySlot{*start, *end, *state});
    }
    return out;
}

}  // namespace sh::booking
