// Validation of a hall's rules: what cannot be right is a 422 naming the field.
#include <doctest/doctest.h>

#include "booking/venue.hpp"

using namespace sh::booking;

namespace {
Venue good() {
    Venue v;
    v.building_id = 1;
    v.name = "党员之家";
    v.capacity = 40;
    v.facilities = {"projector"};
    v.rules.slot_minutes = 30;
    v.rules.min_minutes = 30;
    v.rules.max_minutes = 180;
    v.rules.weekly_hours = {{1, 9 * 60, 12 * 60}, {1, 13 * 60 + 30, 21 * 60}};
    return v;
}

std::string field_of(const Venue& v) {
    auto e = validate_venue(v);
    return e ? e->details["field"].get<std::string>() : "(valid)";
}
}  // namespace

TEST_CASE("a well-formed hall is valid") {
    CHECK(field_of(good()) == "(valid)");
}

TEST_CASE("opening hours that cannot be right are refused") {
    auto v = good();
    v.rules.weekly_hours = {{1, 12 * 60, 9 * 60}};
    CHECK(field_of(v) == "weekly_hours");  // close before open
    v.rules.weekly_hours = {{1, 9 * 60, 12 * 60}, {1, 11 * 60, 14 * 60}};
    CHECK(field_of(v) == "weekly_hours");  // overlapping
    v.rules.weekly_hours = {{1, 9 * 60, 10 * 60 + 15}};
    CHECK(field_of(v) == "weekly_hours");  // 30-minute slots do not divide 75 minutes
    v.rules.weekly_hours = {{8, 9 * 60, 10 * 60}};
    CHECK(field_of(v) == "weekly_hours");  // no eighth weekday
    v.rules.weekly_hours = {{1, 9 * 60 + 5, 10 * 60 + 5}};
    CHECK(field_of(v) == "weekly_hours");  // not on a quarter hour
    v.rules.weekly_hours = {{1, 9 * 60, 12 * 60}, {1, 12 * 60, 24 * 60}};
    CHECK(field_of(v) == "(valid)");  // touching ranges, the last to midnight
}

TEST_CASE("slot lengths and durations must fit the 15-minute guard") {
    auto v = good();
    v.rules.slot_minutes = 20;
    CHECK(field_of(v) == "slot_minutes");
    v = good();
    v.rules.min_minutes = 45;
    CHECK(field_of(v) == "min_minutes");
    v = good();
    v.rules.max_minutes = 15;
    CHECK(field_of(v) == "max_minutes");
}

TEST_CASE("names, capacity, facilities and photos are checked") {
    auto v = good();
    v.name = "";
    CHECK(field_of(v) == "name");
    v = good();
    v.capacity = 0;
    CHECK(field_of(v) == "capacity");
    v = good();
    v.facilities = {"hot_tub"};
    CHECK(field_of(v) == "facilities");
    v = good();
    v.photos = {"http://insecure.example/p.jpg"};
    CHECK(field_of(v) == "photos");
    v = good();
    v.rules.horizon_days = 365;
    CHECK(field_of(v) == "horizon_days");
}

TEST_CASE("a PATCH applies only the fields it names and rejects unknown ones") {
    auto v = good();
    CHECK_FALSE(apply_venue_json(nlohmann::json{{"capacity", 60}, {"release_time", "07:30"}}, v));
    CHECK(v.capacity == 60);
    CHECK(v.rules.release_minute == 450);
    CHECK(v.name == "党员之家");
    CHECK(apply_venue_json(nlohmann::json{{"colour", "red"}}, v)->details["field"] == "colour");
    CHECK(apply_venue_json(nlohmann::json{{"capacity", "many"}}, v)->details["field"] ==
          "capacity");
    CHECK(
        apply_venue_json(nlohmann::json{{"weekly_hours",
                                         {{{"weekday", 1}, {"open", "9am"}, {"close", "17:00"}}}}},
                         v)
            ->details["field"] == "weekly_hours");
}
