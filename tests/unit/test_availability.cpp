// Slot arithmetic: the slots of a day and their states.
#include <doctest/doctest.h>

#include "booking/availability.hpp"

using namespace sh::booking;

namespace {
const Date monday{2026, 11, 30};

VenueRules rules(int slot, std::vector<HoursRange> hours) {
    VenueRules r;
    r.slot_minutes = slot;
    r.min_minutes = slot;
    r.max_minutes = slot * 4;
    r.weekly_hours = std::move(hours);
    return r;
}

std::vector<SlotState> states(const std::vector<DaySlot>& s) {
    std::vector<SlotState> out;
    for (const auto& x : s) out.push_back(x.state);
    return out;
}

const auto F = SlotState::free, B = SlotState::booked, C = SlotState::closed, P = SlotState::past,
           H = SlotState::held;
}  // namespace

TEST_CASE("slot lengths 15, 30, 60 and 120 cut a range into whole slots") {
    for (int len : {15, 30, 60, 120}) {
        CAPTURE(len);
        auto s = base_slots(rules(len, {{1, 9 * 60, 13 * 60}}), monday, {}, {});
        REQUIRE(s.size() == static_cast<std::size_t>(240 / len));
        CHECK(s.front().start == 540);
        CHECK(s.back().end == 780);
        for (std::size_t i = 1; i < s.size(); ++i) CHECK(s[i].start == s[i - 1].end);
    }
}

TEST_CASE("several ranges a day, and a range ending at 24:00") {
    auto r = rules(30, {{1, 9 * 60, 12 * 60}, {1, 13 * 60 + 30, 24 * 60}, {2, 9 * 60, 10 * 60}});
    auto s = base_slots(r, monday, {}, {});
    CHECK(s.size() == 6 + 21);
    CHECK(s[5].end == 720);
    CHECK(s[6].start == 810);  // nothing over lunch
    CHECK(s.back().end == 1440);
    CHECK(base_slots(r, add_days(monday, 1), {}, {}).size() == 2);  // Tuesday's own hours
    CHECK(base_slots(r, add_days(monday, 2), {}, {}).empty());      // closed on Wednesday
}

TEST_CASE("a booked quantum makes its whole slot booked") {
    auto s = base_slots(rules(60, {{1, 9 * 60, 12 * 60}}), monday, {}, {9 * 60 + 45, 11 * 60});
    CHECK(states(s) == std::vector<SlotState>{B, F, B});
}

TEST_CASE("a closure covering part of a slot closes that slot") {
    ClosureSpan c{to_timepoint(monday, 9 * 60 + 50), to_timepoint(monday, 10 * 60 + 10)};
    auto s = base_slots(rules(30, {{1, 9 * 60, 11 * 60}}), monday, {c}, {});
    CHECK(states(s) == std::vector<SlotState>{F, C, C, F});
    // Touching is not overlapping.
    ClosureSpan edge{to_timepoint(monday, 8 * 60), to_timepoint(monday, 9 * 60)};
    CHECK(states(base_slots(rules(30, {{1, 9 * 60, 10 * 60}}), monday, {edge}, {})) ==
          std::vector<SlotState>{F, F});
    // A closure of many days closes the whole day; closed wins over booked.
    ClosureSpan week{to_timepoint(add_days(monday, -3), 0), to_timepoint(add_days(monday, 4), 0)};
    CHECK(states(base_slots(rules(60, {{1, 9 * 60, 11 * 60}}), monday, {week}, {9 * 60})) ==
          std::vector<SlotState>{C, C});
}

TEST_CASE("a slot is past from its start minute on; held shows only on free slots") {
    auto base = base_slots(rules(30, {{1, 9 * 60, 11 * 60}}), monday, {}, {10 * 60});
    auto now = to_timepoint(monday, 9 * 60 + 30);  // exactly the start of the second slot
    auto s = base;
    overlay(s, monday, now, {10 * 60 + 30, 10 * 60});
    CHECK(states(s) == std::vector<SlotState>{P, P, B, H});
    auto s2 = base;
    overlay(s2, monday, now - std::chrono::seconds(1), {});
    CHECK(states(s2) == std::vector<SlotState>{P, F, B, F});
}

TEST_CASE("slots survive a round trip through the cache's JSON") {
    auto s = base_slots(rules(30, {{1, 23 * 60, 24 * 60}}), monday, {}, {23 * 60});
    auto back = slots_from_json(slots_json(s));
    REQUIRE(back);
    CHECK(*back == s);
    CHECK_FALSE(
        slots_from_json(nlohmann::json::parse(R"([{"start":"x","end":"09:00","state":"free"}])")));
}

TEST_CASE(
    "the cache's compact form round-trips, and the fast JSON writer matches the JSON library") {
    auto s = base_slots(rules(15, {{1, 9 * 60, 21 * 60}}), monday,
                        {ClosureSpan{to_timepoint(monday, 600), to_timepoint(monday, 615)}}, {700});
    overlay(s, monday, to_timepoint(monday, 0), {720});
    auto back = decode_slots(encode_slots(s));
    REQUIRE(back);
    CHECK(*back == s);
    std::string fast;
    append_slots_json(fast, s);
    CHECK(fast == slots_json(s).dump());
    CHECK_FALSE(decode_slots("540,570"));
    CHECK_FALSE(decode_slots("540,570,x"));
    CHECK_FALSE(decode_slots("570,540,f"));
    CHECK(decode_slots("")->empty());
}
