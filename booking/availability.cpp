#include "booking/availability.hpp"

#include <algorithm>
#include <charconv>

#include "common/names.hpp"

namespace sh::booking {

namespace {
constexpr NameTable slot_states{std::pair{SlotState::free, std::string_view("free")},
                                std::pair{SlotState::held, std::string_view("held")},
                                std::pair{SlotState::booked, std::string_view("booked")},
                                std::pair{SlotState::closed, std::string_view("closed")},
                                std::pair{SlotState::past, std::string_view("past")}};
}  // namespace

std::string_view slot_state_name(SlotState s) {
    return slot_states.name(s);
}
std::optional<SlotState> parse_slot_state(std::string_view s) {
    return slot_states.parse(s);
}

std::vector<DaySlot> base_slots(const VenueRules& rules, Date d,
                                const std::vector<ClosureSpan>& closures,
                                const std::set<int>& booked) {
    std::vector<DaySlot> out;
    for (const auto& range : hours_on(rules, d)) {
        for (int start = range.open; start + rules.slot_minutes <= range.close;
             start += rules.slot_minutes) {
            int end = start + rules.slot_minutes;
            DaySlot slot{start, end, SlotState::free};
            TimePoint from = to_timepoint(d, start), to = to_timepoint(d, end);
            for (const auto& c : closures)
                if (c.from < to && from < c.to)
                    slot.state = SlotState::closed;  // any overlap closes it
            if (slot.state == SlotState::free) {
                // Its own buffer after it must be free too (not past midnight).
                const int held = std::min(end + rules.buffer_minutes, 1440);
                for (int q = start; q < held; q += quantum_minutes)
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
        out.push_back({{"start", format_hhmm(s.start)},
                       {"end", format_hhmm(s.end)},
                       {"state", slot_state_name(s.state)}});
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

namespace {
char state_char(SlotState s) {
    return slot_state_name(s)[0];
}  // f h b c p: distinct

std::optional<SlotState> state_of(char c) {
    for (auto st :
         {SlotState::free, SlotState::held, SlotState::booked, SlotState::closed, SlotState::past})
        if (state_char(st) == c) return st;
    return std::nullopt;
}

void append_hhmm(std::string& out, int m) {
    char buf[5] = {static_cast<char>('0' + m / 600), static_cast<char>('0' + m / 60 % 10), ':',
                   static_cast<char>('0' + m % 60 / 10), static_cast<char>('0' + m % 10)};
    out.append(buf, 5);
}
}  // namespace

std::string encode_slots(const std::vector<DaySlot>& slots) {
    std::string out;
    out.reserve(slots.size() * 12);
    for (const auto& s : slots) {
        if (!out.empty()) out.push_back(';');
        out += std::to_string(s.start);
        out.push_back(',');
        out += std::to_string(s.end);
        out.push_back(',');
        out.push_back(state_char(s.state));
    }
    return out;
}

std::optional<std::vector<DaySlot>> decode_slots(std::string_view s) {
    std::vector<DaySlot> out;
    const char* p = s.data();
    const char* end = s.data() + s.size();
    while (p < end) {
        DaySlot slot{};
        auto r1 = std::from_chars(p, end, slot.start);
        if (r1.ec != std::errc() || r1.ptr >= end || *r1.ptr != ',') return std::nullopt;
        auto r2 = std::from_chars(r1.ptr + 1, end, slot.end);
        if (r2.ec != std::errc() || r2.ptr + 1 >= end || *r2.ptr != ',') return std::nullopt;
        auto st = state_of(r2.ptr[1]);
        if (!st || slot.start < 0 || slot.end > 1440 || slot.end <= slot.start) return std::nullopt;
        slot.state = *st;
        out.push_back(slot);
        p = r2.ptr + 2;
        if (p < end) {
            if (*p != ';') return std::nullopt;
            ++p;
        }
    }
    return out;
}

void append_slots_json(std::string& out, const std::vector<DaySlot>& slots) {
    out.push_back('[');
    for (std::size_t i = 0; i < slots.size(); ++i) {
        if (i) out.push_back(',');
        out += "{\"end\":\"";
        append_hhmm(out, slots[i].end);
        out += "\",\"start\":\"";
        append_hhmm(out, slots[i].start);
        out += "\",\"state\":\"";
        out += slot_state_name(slots[i].state);
        out += "\"}";
    }
    out.push_back(']');
}

}  // namespace sh::booking
