#pragma once
// The slots of the uncontended booking benchmarks: request i books its own slot, the hall varying
// fastest, then the slot of the day, then the day — the walk the Node peer's uncontended.js makes.
// Shared by sh_booker (through HTTP) and sh_ctx (the same transaction straight at MariaDB).
#include <cstddef>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "booking/calendar.hpp"

namespace sh::load {

struct SlotWalk {
    std::vector<std::string> venues;
    booking::Date first_day;
    int first_minute = 9 * 60;  // the first slot of a day
    int slot_minutes = 15;
    int slots_per_day = 48;

    struct Slot {
        std::string venue;
        booking::Date date;
        int start = 0, end = 0;  // minutes of the day
        int day = 0;             // days after first_day
    };
    Slot at(std::size_t i) const {
        auto v = venues.size();
        auto slot = static_cast<int>((i / v) % static_cast<std::size_t>(slots_per_day));
        auto day = static_cast<int>(i / (v * static_cast<std::size_t>(slots_per_day)));
        int start = first_minute + slot * slot_minutes;
        return {venues[i % v], booking::add_days(first_day, day), start, start + slot_minutes, day};
    }
};

// The walk from the command line: --venues V1,V2,.. --first-day YYYY-MM-DD and, optionally,
// --first-minute M --slot-minutes S --slots-per-day N.
inline SlotWalk walk_from(const std::map<std::string, std::string>& a) {
    SlotWalk w;
    std::stringstream venues(a.at("--venues"));
    for (std::string v; std::getline(venues, v, ',');) w.venues.push_back(v);
    w.first_day = *booking::parse_date(a.at("--first-day"));
    if (auto it = a.find("--first-minute"); it != a.end()) w.first_minute = std::stoi(it->second);
    if (auto it = a.find("--slot-minutes"); it != a.end()) w.slot_minutes = std::stoi(it->second);
    if (auto it = a.find("--slots-per-day"); it != a.end()) w.slots_per_day = std::stoi(it->second);
    return w;
}

}  // namespace sh::load
