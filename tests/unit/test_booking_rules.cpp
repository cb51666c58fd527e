// The rules of a booking, of a hold, of cancelling and deciding: pure domain code against an
// in-memory store and a clock the test sets. Every rule and error code, at its edges.
#include <doctest/doctest.h>

#include "booking/calendar.hpp"
#include "tests/support/memory_store.hpp"

using namespace sh::booking;
using sh::test::MemoryBookingStore;
using sh::test::MemoryState;

namespace {

// Monday 3 June 2030, 10:00 in Shanghai.
const Date monday{2030, 6, 3};

struct District {
    MemoryState state;
    MemoryBookingStore store{state};
    TimePoint now = to_timepoint(monday, 10 * 60);
    Quotas quotas{5, 2, 600};
    Principal alice{1, Role::member, {}, {}};
    Principal bob{2, Role::member, {}, {}};
    Principal manager{3, Role::manager, {}, {10}};
    Principal other_manager{4, Role::manager, {}, {11}};
    Principal street_admin{5, Role::street_admin, 100, {}};
    Principal other_street_admin{6, Role::street_admin, 200, {}};

    District() {
        for (UserId u = 1; u <= 6; ++u) state.users[u] = std::nullopt;
        Venue v = sh::test::open_hall(20, 60, 5);
        v.rules.release_minute = 8 * 60;
        v.rules.cancel_deadline_minutes = 120;
        state.venues[1] = v;
    }

    BookingRequest request(Date d, int start, int end) const {
        return BookingRequest{1, d, start, end, "支部学习", 10, "第一党支部"};
    }
    Result<BookOutcome> book_as(const Principal& p, const BookingRequest& r) {
        return book(store, p, r, quotas, now, std::nullopt);
    }
    std::string error_of(const Principal& p, const BookingRequest& r) {
        auto res = book_as(p, r);
        return res ? "" : std::string(code_of(res.error().code));
    }
};

std::string chinese(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "党";
    return s;
}

}  // namespace

TEST_CASE("a valid request is booked: the slot is the member's, confirmed, its quanta owned") {
    District d;
    auto r = d.book_as(d.alice, d.request(add_days(monday, 1), 9 * 60, 11 * 60));
    REQUIRE(r.ok());
    CHECK(r.value().booking.status == BookingStatus::confirmed);
    CHECK(d.state.quanta.size() == 8);
    CHECK(d.error_of(d.bob, d.request(add_days(monday, 1), 10 * 60, 11 * 60)) == "slot_taken");
    CHECK(d.error_of(d.bob, d.request(add_days(monday, 1), 11 * 60, 12 * 60))
              .empty());  // the next hour is free
}

TEST_CASE("every rule a booking must meet has its own error, whatever the time of day") {
    District d;
    auto day = add_days(monday, 1);
    CHECK(d.error_of(d.alice, d.request(day, 7 * 60, 8 * 60)) == "outside_opening_hours");
    CHECK(d.error_of(d.alice, d.request(day, 21 * 60, 23 * 60)) == "outside_opening_hours");
    CHECK(d.error_of(d.alice, d.request(day, 9 * 60 + 30, 10 * 60 + 30)) == "misaligned");
    CHECK(d.error_of(d.alice, d.request(day, 9 * 60, 9 * 60 + 15)) == "misaligned");
    CHECK(d.error_of(d.alice, d.request(day, 9 * 60, 14 * 60)) == "bad_duration");
    auto crowd = d.request(day, 9 * 60, 10 * 60);
    crowd.attendees = 21;
    CHECK(d.error_of(d.alice, crowd) == "over_capacity");
    crowd.attendees = 20;
    CHECK(d.error_of(d.alice, crowd).empty());

    CHECK(d.error_of(d.alice, d.request(monday, 9 * 60, 10 * 60)) == "in_past");
    CHECK(d.error_of(d.alice, d.request(monday, 10 * 60, 11 * 60)) == "in_past");  // starts now
    CHECK(d.error_of(d.alice, d.request(monday, 11 * 60, 12 * 60)).empty());
    CHECK(d.error_of(d.alice, d.request(add_days(monday, 6), 9 * 60, 10 * 60)) == "beyond_horizon");

    SUBCASE("a day opens at the release time, horizon days before") {
        auto last = add_days(monday, 5);
        d.now = to_timepoint(monday, 7 * 60 + 59);
        CHECK(d.error_of(d.bob, d.request(last, 9 * 60, 10 * 60)) == "not_yet_open");
        d.now = to_timepoint(monday, 8 * 60);
        CHECK(d.error_of(d.bob, d.request(last, 9 * 60, 10 * 60)).empty());
    }
    SUBCASE("at 23:59:30 and 00:00:30 the same rules hold") {
        d.now = to_timepoint(monday, 23 * 60 + 59) + std::chrono::seconds(30);
        CHECK(d.error_of(d.alice, d.request(monday, 21 * 60, 22 * 60)) == "in_past");
        CHECK(d.error_of(d.alice, d.request(add_days(monday, 1), 8 * 60, 9 * 60)).empty());
        d.now = to_timepoint(add_days(monday, 1), 0) + std::chrono::seconds(30);
        CHECK(d.error_of(d.bob, d.request(add_days(monday, 1), 8 * 60, 9 * 60)) == "slot_taken");
        CHECK(d.error_of(d.bob, d.request(add_days(monday, 6), 9 * 60, 10 * 60)) == "not_yet_open");
    }
    SUBCASE("closures") {
        d.state.closures[1].push_back({to_timepoint(add_days(monday, 2), 12 * 60),
                                       to_timepoint(add_days(monday, 2), 13 * 60)});
        CHECK(d.error_of(d.alice, d.request(add_days(monday, 2), 11 * 60, 13 * 60)) == "closed");
        CHECK(d.error_of(d.alice, d.request(add_days(monday, 2), 13 * 60, 14 * 60)).empty());
    }
    SUBCASE("unknown hall") {
        auto r = d.request(day, 9 * 60, 10 * 60);
        r.venue_id = 99;
        CHECK(d.error_of(d.alice, r) == "not_found");
    }
}

TEST_CASE("the details of a booking are counted in characters, not bytes") {
    District d;
    auto r = d.request(add_days(monday, 1), 9 * 60, 10 * 60);
    r.purpose = chinese(201);
    CHECK(d.error_of(d.alice, r) == "validation");
    r.purpose = "";
    CHECK(d.error_of(d.alice, r) == "validation");
    r.purpose = chinese(200);
    r.org = chinese(101);
    CHECK(d.error_of(d.alice, r) == "validation");
    r.org = chinese(100);
    r.attendees = 0;
    CHECK(d.error_of(d.alice, r) == "validation");
    r.attendees = 1;
    CHECK(d.error_of(d.alice, r).empty());
}

TEST_CASE("in one transaction's batch each request is decided as if alone and in order") {
    District d;
    auto day = add_days(monday, 1);
    // The caller's view of a booking made (the server's is server/api's JSON).
    const AnswerView view = [](const Booking& b) {
        return "booking " + std::to_string(b.id) + " " + std::string(status_name(b.status));
    };
    auto call = [&](const Principal& p, int start, int end,
                    std::optional<IdempotencyKey> key = std::nullopt) {
        return BookCall{p, d.request(day, start, end), std::move(key), d.now, &view};
    };
    SUBCASE("the same slot twice: the first books it, the second is told slot_taken") {
        auto out = book_all(d.store, {call(d.alice, 9 * 60, 10 * 60), call(d.bob, 9 * 60, 11 * 60)},
                            d.quotas);
        REQUIRE(out[0].ok());
        CHECK(out[0].value().booking.user_id == d.alice.user_id);
        REQUIRE_FALSE(out[1].ok());
        CHECK(out[1].error().code == Errc::slot_taken);
        CHECK(d.state.bookings.size() == 1);
        CHECK(d.state.quanta.size() == 4);
    }
    SUBCASE("a member's earlier request counts against its later one (2 a day)") {
        auto out = book_all(d.store,
                            {call(d.alice, 9 * 60, 10 * 60), call(d.alice, 11 * 60, 12 * 60),
                             call(d.alice, 13 * 60, 14 * 60)},
                            d.quotas);
        CHECK(out[0].ok());
        CHECK(out[1].ok());
        REQUIRE_FALSE(out[2].ok());
        CHECK(out[2].error().code == Errc::quota_exceeded);
        CHECK(out[2].error().details["limit"] == "bookings_per_day");
    }
    SUBCASE("the same key twice: one booking, both answered with its body byte for byte") {
        IdempotencyKey key{"k-7", "hash"};
        auto out = book_all(
            d.store, {call(d.alice, 9 * 60, 10 * 60, key), call(d.alice, 9 * 60, 10 * 60, key)},
            d.quotas);
        REQUIRE(out[0].ok());
        REQUIRE(out[1].ok());
        CHECK(out[1].value().replay);
        CHECK(out[0].value().body ==
              "booking " + std::to_string(out[0].value().booking.id) + " confirmed");
        CHECK(out[1].value().body == out[0].value().body);
        CHECK(d.state.bookings.size() == 1);
        CHECK(d.state.keys.at({1, "k-7"}).body == out[0].value().body);
    }
    SUBCASE("a quantum owned already (the primary key) fails only the request that wanted it") {
        d.state.quanta[{1, to_timepoint(day, 10 * 60)}] = 99;
        auto out = book_all(d.store,
                            {call(d.alice, 9 * 60, 11 * 60, IdempotencyKey{"k-8", "h"}),
                             call(d.bob, 12 * 60, 13 * 60)},
                            d.quotas);
        REQUIRE_FALSE(out[0].ok());
        CHECK(out[0].error().code == Errc::slot_taken);
        CHECK(out[1].ok());
        CHECK(d.state.bookings.size() == 1);
        CHECK(d.state.keys.empty());  // a failed request leaves no key: its retry runs again
    }
    SUBCASE("refusals by rule do not stop the requests beside them") {
        d.state.users[2] = d.now + std::chrono::hours(24);  // bob is banned
        auto out = book_all(d.store, {call(d.bob, 9 * 60, 10 * 60), call(d.alice, 9 * 60, 10 * 60)},
                            d.quotas);
        CHECK(out[0].error().code == Errc::banned);
        CHECK(out[1].ok());  // bob's refused request took nothing
    }
}

TEST_CASE("quotas stop a member at each limit and not one booking before") {
    District d;
    SUBCASE("bookings per day: the second passes, the third is refused") {
        auto day = add_days(monday, 1);
        CHECK(d.error_of(d.alice, d.request(day, 8 * 60, 9 * 60)).empty());
        CHECK(d.error_of(d.alice, d.request(day, 9 * 60, 10 * 60)).empty());
        auto r = d.book_as(d.alice, d.request(day, 10 * 60, 11 * 60));
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == Errc::quota_exceeded);
        CHECK(r.error().details["limit"] == "bookings_per_day");
    }
    SUBCASE("active bookings") {
        d.quotas.max_per_day = 10;
        for (int i = 0; i < 5; ++i)
            CHECK(d.error_of(d.alice, d.request(add_days(monday, 1), (8 + i) * 60, (9 + i) * 60))
                      .empty());
        auto r = d.book_as(d.alice, d.request(add_days(monday, 2), 8 * 60, 9 * 60));
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().details["limit"] == "active_bookings");
    }
    SUBCASE("minutes per week: up to the limit exactly") {
        d.quotas = {10, 10, 360};
        CHECK(d.error_of(d.alice, d.request(add_days(monday, 1), 8 * 60, 12 * 60)).empty());  // 240
        auto over =
            d.book_as(d.alice, d.request(add_days(monday, 2), 8 * 60, 11 * 60));  // 420 > 360
        REQUIRE_FALSE(over.ok());
        CHECK(over.error().details["limit"] == "minutes_per_week");
        CHECK(d.error_of(d.alice, d.request(add_days(monday, 2), 8 * 60, 9 * 60)).empty());  // 300
        CHECK(d.error_of(d.alice, d.request(add_days(monday, 3), 8 * 60, 9 * 60))
                  .empty());  // 360: the limit
    }
    SUBCASE("a cancelled booking no longer counts") {
        auto day = add_days(monday, 1);
        auto first = d.book_as(d.alice, d.request(day, 8 * 60, 9 * 60));
        CHECK(d.error_of(d.alice, d.request(day, 9 * 60, 10 * 60)).empty());
        REQUIRE(cancel(d.store, d.alice, first.value().booking.id, "", d.now).ok());
        CHECK(d.error_of(d.alice, d.request(day, 10 * 60, 11 * 60)).empty());
    }
}

TEST_CASE("a banned member cannot book until the ban ends") {
    District d;
    d.state.users[1] = d.now + std::chrono::hours(24);
    auto r = d.book_as(d.alice, d.request(add_days(monday, 1), 9 * 60, 10 * 60));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::banned);
    CHECK(r.error().details["until"] == to_iso(d.now + std::chrono::hours(24)));
    d.now += std::chrono::hours(24);
    CHECK(d.error_of(d.alice, d.request(add_days(monday, 2), 9 * 60, 10 * 60)).empty());
}

TEST_CASE("a hold is refused for every reason a booking would be") {
    District d;
    auto day = add_days(monday, 1);
    auto slot = d.request(day, 9 * 60, 10 * 60);
    CHECK_FALSE(check_hold(d.store, d.alice, slot, d.quotas, d.now));
    d.state.users[2] = d.now + std::chrono::hours(1);
    CHECK(check_hold(d.store, d.bob, slot, d.quotas, d.now)->code == Errc::banned);
    CHECK(check_hold(d.store, d.alice, d.request(day, 9 * 60 + 30, 10 * 60 + 30), d.quotas, d.now)
              ->code == Errc::misaligned);
    REQUIRE(d.book_as(d.alice, slot).ok());
    CHECK(check_hold(d.store, d.manager, slot, d.quotas, d.now)->code == Errc::slot_taken);
    REQUIRE(d.book_as(d.alice, d.request(day, 10 * 60, 11 * 60)).ok());
    CHECK(check_hold(d.store, d.alice, d.request(day, 12 * 60, 13 * 60), d.quotas, d.now)->code ==
          Errc::quota_exceeded);
}

TEST_CASE("cancelling: the owner before the deadline, managers in scope any time with a reason") {
    District d;
    auto day = add_days(monday, 1);
    auto booked = [&](int hour) {
        return d.book_as(d.alice, d.request(day, hour * 60, (hour + 1) * 60)).value().booking.id;
    };
    auto nine = booked(9);
    d.now = to_timepoint(day, 7 * 60);  // the deadline is 07:00 for a 09:00 start
    CHECK(cancel(d.store, d.alice, nine, "", d.now).ok());
    CHECK(d.state.quanta.empty());  // freed in the same step

    auto ten = booked(10);
    d.now = to_timepoint(day, 8 * 60 + 1);
    auto late = cancel(d.store, d.alice, ten, "", d.now);
    REQUIRE_FALSE(late.ok());
    CHECK(late.error().code == Errc::too_late_to_cancel);
    CHECK(late.error().details["deadline"] == to_iso(to_timepoint(day, 8 * 60)));

    CHECK(cancel(d.store, d.bob, ten, "", d.now).error().code == Errc::not_found);
    CHECK(cancel(d.store, d.other_manager, ten, "停电", d.now).error().code == Errc::not_found);
    CHECK(cancel(d.store, d.other_street_admin, ten, "停电", d.now).error().code ==
          Errc::not_found);
    CHECK(cancel(d.store, d.manager, ten, "", d.now).error().code == Errc::validation);
    CHECK(cancel(d.store, d.manager, ten, chinese(201), d.now).error().code == Errc::validation);
    auto by_manager = cancel(d.store, d.manager, ten, chinese(200), d.now);
    REQUIRE(by_manager.ok());
    CHECK(by_manager.value().cancel_reason == chinese(200));
    CHECK(d.state.audit.back() == "cancel_booking");
    CHECK(cancel(d.store, d.street_admin, ten, "again", d.now).error().code == Errc::invalid_state);
}

TEST_CASE(
    "approving and rejecting: only the hall's managers and admins in scope; others cannot see it") {
    District d;
    d.state.venues[1].rules.requires_approval = true;
    auto day = add_days(monday, 1);
    auto id = d.book_as(d.alice, d.request(day, 9 * 60, 10 * 60)).value().booking.id;
    CHECK(d.state.bookings[id].status == BookingStatus::pending);
    CHECK(approve(d.store, d.other_manager, id, d.now).error().code == Errc::not_found);
    CHECK(approve(d.store, d.other_street_admin, id, d.now).error().code == Errc::not_found);
    CHECK(approve(d.store, d.bob, id, d.now).error().code == Errc::not_found);
    CHECK(approve(d.store, d.alice, id, d.now).error().code ==
          Errc::self_approval);  // sees it, may not decide
    CHECK(reject(d.store, d.manager, id, "", d.now).error().code == Errc::validation);
    CHECK(reject(d.store, d.manager, id, chinese(201), d.now).error().code == Errc::validation);
    auto ok = approve(d.store, d.street_admin, id, d.now);
    REQUIRE(ok.ok());
    CHECK(ok.value().status == BookingStatus::confirmed);
    CHECK(approve(d.store, d.manager, id, d.now).error().code == Errc::invalid_state);

    auto second = d.book_as(d.alice, d.request(day, 11 * 60, 12 * 60)).value().booking.id;
    auto no = reject(d.store, d.manager, second, "时间冲突", d.now);
    REQUIRE(no.ok());
    CHECK(no.value().status == BookingStatus::rejected);
    CHECK(d.error_of(d.bob, d.request(day, 11 * 60, 12 * 60))
              .empty());  // the rejected time is free again
}

TEST_CASE(
    "nobody decides for themselves: a request goes to someone at least as high over the hall as "
    "its maker") {
    District d;
    d.state.venues[1].rules.requires_approval = true;
    Principal second_manager{7, Role::manager, {}, {10}};
    Principal second_street_admin{8, Role::street_admin, 100, {}};
    Principal district{9, Role::district_admin, {}, {}};
    Principal second_district{10, Role::district_admin, {}, {}};
    for (const Principal* p : {&d.manager, &d.street_admin, &district})
        d.state.principals[p->user_id] = *p;
    for (UserId u = 7; u <= 10; ++u) d.state.users[u] = std::nullopt;
    auto day = add_days(monday, 1);
    auto pending = [&](const Principal& who, int hour) {
        auto id = d.book_as(who, d.request(day, hour * 60, (hour + 1) * 60)).value().booking.id;
        REQUIRE(d.state.bookings[id].status == BookingStatus::pending);
        return id;
    };
    SUBCASE(
        "a manager's own request: not by themselves; by the building's other managers and the "
        "street's admins") {
        auto id = pending(d.manager, 9);
        CHECK(approve(d.store, d.manager, id, d.now).error().code == Errc::self_approval);
        CHECK(reject(d.store, d.manager, id, "不批", d.now).error().code == Errc::self_approval);
        CHECK(approve(d.store, second_manager, id, d.now).ok());
        auto again = pending(d.manager, 11);
        CHECK(approve(d.store, d.street_admin, again, d.now).ok());
    }
    SUBCASE(
        "a street admin's: not by the building's managers; by the street's other admins or the "
        "district's") {
        auto id = pending(d.street_admin, 9);
        CHECK(approve(d.store, d.street_admin, id, d.now).error().code == Errc::self_approval);
        CHECK(approve(d.store, d.manager, id, d.now).error().code == Errc::forbidden);
        CHECK(approve(d.store, second_street_admin, id, d.now).ok());
        auto again = pending(d.street_admin, 11);
        CHECK(approve(d.store, district, again, d.now).ok());
    }
    SUBCASE(
        "a district admin's: by another district admin only; with nobody else it stays pending") {
        auto id = pending(district, 9);
        CHECK(approve(d.store, district, id, d.now).error().code == Errc::self_approval);
        CHECK(approve(d.store, d.manager, id, d.now).error().code == Errc::forbidden);
        CHECK(approve(d.store, d.street_admin, id, d.now).error().code == Errc::forbidden);
        CHECK(d.state.bookings[id].status == BookingStatus::pending);
        CHECK(approve(d.store, second_district, id, d.now).ok());
    }
    SUBCASE(
        "a manager of another building books here as a member: this building's managers decide") {
        d.state.principals[d.other_manager.user_id] = d.other_manager;
        auto id = pending(d.other_manager, 9);
        CHECK(approve(d.store, d.manager, id, d.now).ok());
    }
}

TEST_CASE("a manager's own late cancellation counts like anyone's") {
    District d;
    auto day = add_days(monday, 1);
    auto own = d.book_as(d.manager, d.request(day, 10 * 60, 11 * 60)).value().booking.id;
    d.now = to_timepoint(day, 8 * 60 + 1);  // past the 08:00 deadline
    auto refused = cancel(d.store, d.manager, own, "", d.now);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == Errc::too_late_to_cancel);
    CancelTerms terms;
    terms.accept_penalty = true;
    REQUIRE(cancel(d.store, d.manager, own, "", d.now, terms).ok());
    REQUIRE(d.state.violations.size() == 1);
    CHECK(d.state.violations[0].user == d.manager.user_id);
    CHECK(d.state.violations[0].kind == ViolationKind::late_cancel);
}

TEST_CASE("managers list only their scope; members may not list") {
    District d;
    BookingQuery q;
    CHECK(restrict_to_scope(d.alice, q)->code == Errc::forbidden);
    BookingQuery m;
    CHECK_FALSE(restrict_to_scope(d.manager, m));
    CHECK(*m.buildings == std::set<BuildingId>{10});
    BookingQuery s;
    CHECK_FALSE(restrict_to_scope(d.street_admin, s));
    CHECK(*s.street_id == 100);
}

TEST_CASE("a hall's notice: a booking starts at least that long after it is made, to the minute") {
    District d;
    d.state.venues[1].rules.min_notice_minutes = 24 * 60;  // the day before
    // Now is Monday 10:00: Tuesday 10:00 is exactly a day ahead, 09:00 is not.
    auto soon = d.book_as(d.alice, d.request(add_days(monday, 1), 9 * 60, 10 * 60));
    REQUIRE_FALSE(soon.ok());
    CHECK(code_of(soon.error().code) == "notice_too_short");
    CHECK(soon.error().details["earliest"] == "2030-06-04T10:00:00+08:00");
    CHECK(d.error_of(d.alice, d.request(add_days(monday, 1), 10 * 60, 11 * 60)) == "");
    // The hall's manager meets the notice too: it is the hall's, not a member's limit.
    CHECK(d.error_of(d.manager, d.request(add_days(monday, 1), 8 * 60, 9 * 60)) ==
          "notice_too_short");
    // A hold is refused as the booking would be.
    CHECK(code_of(check_hold(d.store, d.bob, d.request(add_days(monday, 1), 9 * 60, 10 * 60),
                             d.quotas, d.now)
                      ->code) == "notice_too_short");
}

TEST_CASE("a hall's own quota counts a member's bookings to come there, beside the district's") {
    District d;
    d.state.venues[1].rules.max_active_here = 2;
    Venue other = sh::test::open_hall(20, 60, 5);
    other.id = 2;
    d.state.venues[2] = other;
    auto day = add_days(monday, 1);
    REQUIRE(d.book_as(d.alice, d.request(day, 9 * 60, 10 * 60)).ok());
    REQUIRE(d.book_as(d.alice, d.request(add_days(day, 1), 9 * 60, 10 * 60)).ok());
    auto third = d.book_as(d.alice, d.request(add_days(day, 2), 9 * 60, 10 * 60));
    REQUIRE_FALSE(third.ok());
    CHECK(code_of(third.error().code) == "quota_exceeded");
    CHECK(third.error().details["limit"] == "active_here");
    CHECK(third.error().details["max"] == 2);
    // Another hall and another member are not counted.
    auto elsewhere = d.request(add_days(day, 2), 9 * 60, 10 * 60);
    elsewhere.venue_id = 2;
    CHECK(d.error_of(d.alice, elsewhere) == "");
    CHECK(d.error_of(d.bob, d.request(add_days(day, 2), 9 * 60, 10 * 60)) == "");
    // Once one has ended (the clock past it), it no longer counts.
    d.now = to_timepoint(day, 10 * 60);
    CHECK(d.error_of(d.alice, d.request(add_days(day, 3), 9 * 60, 10 * 60)) == "");
}

TEST_CASE(
    "a hall open to its street or to named units: confirmed members of those, its managers "
    "and admins over it; everyone else is told it is not open to them") {
    District d;
    auto& rules = d.state.venues[1].rules;
    auto req = d.request(add_days(monday, 1), 9 * 60, 10 * 60);
    Principal in_street{1, Role::member, {}, {}};
    in_street.branch_id = 7;
    in_street.unit_id = 70;
    in_street.branch_street_id = 100;  // the hall's street
    in_street.branch_confirmed = true;
    Principal unconfirmed = in_street;
    unconfirmed.user_id = 2;
    unconfirmed.branch_confirmed = false;
    Principal elsewhere = in_street;
    elsewhere.branch_street_id = 200;

    rules.open_to = OpenTo::street;
    CHECK_FALSE(check_open_to(d.state.venues[1], in_street));
    auto refused = check_open_to(d.state.venues[1], unconfirmed);
    REQUIRE(refused);
    CHECK(code_of(refused->code) == "not_open_to_you");
    CHECK(refused->details["open_to"] == "street");
    CHECK(check_open_to(d.state.venues[1], elsewhere));
    CHECK_FALSE(check_open_to(d.state.venues[1], d.manager));       // the hall's building
    CHECK(check_open_to(d.state.venues[1], d.other_manager));       // another building's
    CHECK_FALSE(check_open_to(d.state.venues[1], d.street_admin));  // the hall's street
    CHECK(d.error_of(unconfirmed, req) == "not_open_to_you");
    CHECK(d.error_of(in_street, req) == "");

    rules.open_to = OpenTo::units;
    rules.open_units = {60, 80};
    CHECK(check_open_to(d.state.venues[1], in_street));  // unit 70 is not named
    rules.open_units = {60, 70};
    CHECK_FALSE(check_open_to(d.state.venues[1], elsewhere));  // named, whatever its street
}

TEST_CASE("a hall's rules are checked when it is saved") {
    Venue v = sh::test::open_hall(20, 60, 5);
    v.name = "会议室";
    v.rules.open_to = OpenTo::units;
    auto none = validate_venue(v);
    REQUIRE(none);
    CHECK(none->details["field"] == "open_units");
    CHECK(apply_venue_json({{"open_to", "everyone"}}, v)->details["field"] == "open_to");
    CHECK(apply_venue_json({{"open_units", {3, 0}}}, v)->details["field"] == "open_units");
    REQUIRE_FALSE(apply_venue_json(
        {{"open_to", "units"}, {"open_units", {5, 3, 5}}, {"min_notice_minutes", 60}}, v));
    CHECK(v.rules.open_units == std::vector<UnitId>{3, 5});
    CHECK_FALSE(validate_venue(v));
    v.rules.min_notice_minutes = -1;
    CHECK(validate_venue(v)->details["field"] == "min_notice_minutes");
    auto j = venue_json(v);
    CHECK(j["open_to"] == "units");
    CHECK(j["open_units"] == nlohmann::json::array({3, 5}));
}

TEST_CASE(
    "a hall's buffer keeps the half hour after a booking free: the next starts after it, one "
    "whose own buffer would reach the next is refused, and the day's grid shows both") {
    District d;
    d.state.venues[1].rules.buffer_minutes = 30;
    auto day = add_days(monday, 1);
    auto first = d.book_as(d.alice, d.request(day, 9 * 60, 10 * 60));
    REQUIRE(first.ok());
    const auto id = first.value().booking.id;
    int owned = 0;
    for (const auto& [k, b] : d.state.quanta) owned += b == id;
    CHECK(owned == 6);  // 09:00-10:00 and its buffer to 10:30
    CHECK(d.error_of(d.bob, d.request(day, 10 * 60, 11 * 60)) == "slot_taken");
    CHECK(d.error_of(d.bob, d.request(day, 8 * 60, 9 * 60)) == "slot_taken");  // its buffer
    CHECK(d.error_of(d.bob, d.request(day, 11 * 60, 12 * 60)) == "");
    // A hold keeps its buffer too.
    CHECK(code_of(check_hold(d.store, d.bob, d.request(day, 12 * 60, 13 * 60), d.quotas, d.now)
                      ->code) == "slot_taken");

    std::set<int> booked;
    for (const auto& [k, b] : d.state.quanta) booked.insert(to_local(k.second).minute);
    auto slots = base_slots(d.state.venues[1].rules, day, {}, booked);
    std::map<int, SlotState> at;
    for (const auto& s : slots) at[s.start] = s.state;
    CHECK(at[8 * 60] == SlotState::booked);  // its buffer would reach 09:00
    CHECK(at[9 * 60] == SlotState::booked);
    CHECK(at[10 * 60] == SlotState::booked);  // within 10:00-10:30
    CHECK(at[11 * 60] == SlotState::booked);  // booked by bob, with 12:00-12:30 after it
    CHECK(at[12 * 60] == SlotState::booked);  // its own buffer is free, but 12:00-12:30 is not
    CHECK(at[13 * 60] == SlotState::free);
    CHECK(held_end(first.value().booking) == to_timepoint(day, 10 * 60 + 30));
    // A booking at the day's end keeps no buffer past midnight.
    Booking late;
    late.start = to_timepoint(day, 23 * 60);
    late.end = to_timepoint(day, 24 * 60);
    late.buffer_minutes = 30;
    CHECK(held_end(late) == late.end);
}

TEST_CASE("a hall's own time before the street is told is between an hour and a week") {
    Venue v = sh::test::open_hall(20, 60, 5);
    v.name = "会议室";
    CHECK(v.rules.escalate_after_hours == 24);
    REQUIRE_FALSE(apply_venue_json({{"escalate_after_hours", 2}}, v));
    CHECK_FALSE(validate_venue(v));
    CHECK(venue_json(v)["escalate_after_hours"] == 2);
    v.rules.escalate_after_hours = 0;
    CHECK(validate_venue(v)->details["field"] == "escalate_after_hours");
    v.rules.escalate_after_hours = 169;
    CHECK(validate_venue(v)->details["field"] == "escalate_after_hours");
}
