// The rest of a booking's day, as pure rules over the in-memory store with a clock the test
// sets: check-in window edges to the second, hall codes, scans counted once, no-shows releasing
// exactly the unused time, violations in a rolling window, late-cancel fractions, waivers,
// appeals, co-organisers, and what the notices say.
#include <doctest/doctest.h>

#include "booking/appeals.hpp"
#include "booking/attendance.hpp"
#include "booking/calendar.hpp"
#include "booking/coorganisers.hpp"
#include "booking/decisions.hpp"
#include "tests/support/memory_store.hpp"

using namespace sh::booking;
using namespace std::chrono_literals;
using sh::test::MemoryBookingStore;
using sh::test::MemoryState;

namespace {

const Date monday{2030, 6, 3};

struct Day {
    MemoryState state;
    MemoryBookingStore store{state};
    TimePoint now = to_timepoint(add_days(monday, -1), 12 * 60);
    PenaltyRules rules;  // 3 in 30 days -> 14 days; late cancel 0.5
    Principal alice{1, Role::member, {}, {}};
    Principal bob{2, Role::member, {}, {}};
    Principal carol{3, Role::member, {}, {}};
    Principal street_admin{5, Role::street_admin, 100, {}};
    Principal other_street_admin{6, Role::street_admin, 200, {}};
    Principal manager{7, Role::manager, {}, {10}};

    Day() {
        for (UserId u = 1; u <= 7; ++u) state.users[u] = std::nullopt;
        Venue v = sh::test::open_hall(20, 15, 14);  // 15-minute slots, check-in 15 min either side
        v.rules.release_minute = 0;
        v.checkin_code = "hall1code";
        state.venues[1] = v;
        Venue other = v;
        other.id = 2;
        other.checkin_code = "hall2code";
        state.venues[2] = other;
    }
    // Books 09:00-10:00 on `d` for `who`, as if at noon the day before.
    BookingId book_at(const Principal& who, Date d, int start = 9 * 60, int end = 10 * 60) {
        auto r = book(store, who, BookingRequest{1, d, start, end, "支部学习", 10, ""},
                      Quotas{50, 50, 6000}, at(add_days(d, -1), 12 * 60), std::nullopt);
        REQUIRE(r.ok());
        return r.value().booking.id;
    }
    TimePoint at(Date d, int minute, int second = 0) const {
        return to_timepoint(d, minute) + std::chrono::seconds(second);
    }
    std::string code_of(const AppError& e) const {
        return std::string(sh::booking::code_of(e.code));
    }
    int notices(NoticeKind k) const {
        int n = 0;
        for (const auto& o : state.outbox) n += o.kind == k;
        return n;
    }
};

}  // namespace

TEST_CASE("check-in is open from 15 minutes before to 15 minutes after the start, to the second") {
    Day d;
    auto id = d.book_at(d.alice, monday);
    auto try_at = [&](TimePoint t) {
        auto r = check_in(d.store, d.alice, id, "hall1code", t);
        return r ? std::string(status_name(r.value().status)) : d.code_of(r.error());
    };
    CHECK(try_at(d.at(monday, 8 * 60 + 45, -1)) == "checkin_window_closed");  // one second early
    CHECK(try_at(d.at(monday, 9 * 60 + 15, 1)) == "checkin_window_closed");   // one second late
    auto closed = check_in(d.store, d.alice, id, "hall1code", d.at(monday, 8 * 60));
    REQUIRE_FALSE(closed.ok());
    CHECK(closed.error().details["opens_at"] == "2030-06-03T08:45:00+08:00");
    CHECK(closed.error().details["closes_at"] == "2030-06-03T09:15:00+08:00");
    CHECK(try_at(d.at(monday, 8 * 60 + 45)) == "checked_in");  // the first second inside
    // Again (the phone retried): the same booking, counted once.
    auto again = check_in(d.store, d.alice, id, "hall1code", d.at(monday, 8 * 60 + 50));
    REQUIRE(again.ok());
    CHECK(again.value().present == 1);

    auto late = d.book_at(d.bob, monday, 10 * 60, 11 * 60);
    CHECK(try_at(d.at(monday, 10 * 60 + 15)) ==
          "checked_in");  // alice's is in already: same answer
    auto last_second = check_in(d.store, d.bob, late, "hall1code", d.at(monday, 10 * 60 + 15));
    REQUIRE(last_second.ok());
    CHECK(last_second.value().checked_in_at == d.at(monday, 10 * 60 + 15));
}

TEST_CASE(
    "check-in needs this hall's current code and the owner: wrong hall 422, someone else's booking "
    "404, "
    "the hall's manager (who sees it) 403") {
    Day d;
    auto id = d.book_at(d.alice, monday);
    auto t = d.at(monday, 9 * 60);
    CHECK(d.code_of(check_in(d.store, d.alice, id, "hall2code", t).error()) == "wrong_venue");
    CHECK(d.code_of(check_in(d.store, d.alice, id, "", t).error()) == "wrong_venue");
    CHECK(d.code_of(check_in(d.store, d.bob, id, "hall1code", t).error()) == "not_found");
    CHECK(d.code_of(check_in(d.store, d.manager, id, "hall1code", t).error()) == "forbidden");
    CHECK(d.code_of(check_in(d.store, d.street_admin, id, "hall1code", t).error()) == "forbidden");
    CHECK(d.code_of(check_in(d.store, d.other_street_admin, id, "hall1code", t).error()) ==
          "not_found");
    d.state.venues[1].checkin_code = "rotated";  // a manager rotated it: the printed code is dead
    CHECK(d.code_of(check_in(d.store, d.alice, id, "hall1code", t).error()) == "wrong_venue");
    CHECK(check_in(d.store, d.alice, id, "rotated", t).ok());
}

TEST_CASE("attendees are counted by their scans, each once, only while a checked-in booking runs") {
    Day d;
    auto id = d.book_at(d.alice, monday);
    CHECK(d.code_of(scan(d.store, d.bob, "hall1code", d.at(monday, 9 * 60)).error()) ==
          "no_running_booking");
    REQUIRE(check_in(d.store, d.alice, id, "hall1code", d.at(monday, 8 * 60 + 55)).ok());
    auto bob = scan(d.store, d.bob, "hall1code", d.at(monday, 9 * 60 + 20));
    REQUIRE(bob.ok());
    CHECK(bob.value().counted_now);
    CHECK(bob.value().booking.id == id);
    CHECK(bob.value().booking.present == 2);
    auto bob_again = scan(d.store, d.bob, "hall1code", d.at(monday, 9 * 60 + 40));
    REQUIRE(bob_again.ok());
    CHECK_FALSE(bob_again.value().counted_now);
    CHECK(bob_again.value().booking.present == 2);
    CHECK(scan(d.store, d.carol, "hall1code", d.at(monday, 9 * 60 + 59, 59))
              .value()
              .booking.present == 3);
    CHECK(d.code_of(scan(d.store, d.carol, "hall1code", d.at(monday, 10 * 60)).error()) ==
          "no_running_booking");  // over
    CHECK(d.code_of(scan(d.store, d.carol, "nosuchcode", d.at(monday, 9 * 60)).error()) ==
          "not_found");
    CHECK(d.code_of(scan(d.store, d.carol, "hall2code", d.at(monday, 9 * 60)).error()) ==
          "no_running_booking");
}

TEST_CASE(
    "a no-show gives back exactly the time from the end of its window, which another member can "
    "then book") {
    Day d;
    auto id = d.book_at(d.alice, monday);  // 09:00-10:00: four quanta
    auto b = *d.store.find_booking(id, true);
    auto venue = d.state.venues[1].rules;
    CHECK_FALSE(release_no_show(d.store, d.rules, b, venue,
                                d.at(monday, 9 * 60 + 15)));  // the window is still open
    REQUIRE(release_no_show(d.store, d.rules, b, venue, d.at(monday, 9 * 60 + 15, 1)));
    CHECK(d.state.bookings[id].status == BookingStatus::no_show);
    // 09:00 stays hers (it has passed); 09:15, 09:30 and 09:45 are free.
    CHECK(d.state.quanta.count({1, d.at(monday, 9 * 60)}) == 1);
    CHECK(d.state.quanta.count({1, d.at(monday, 9 * 60 + 15)}) == 0);
    CHECK(d.state.quanta.count({1, d.at(monday, 9 * 60 + 45)}) == 0);
    CHECK(d.notices(NoticeKind::no_show) == 1);
    CHECK(d.store.violation_weight(d.alice.user_id, d.now - 24h) == 1000);
    // Someone walking in books the rest.
    d.now = d.at(monday, 9 * 60 + 16);
    auto walk_in =
        book(d.store, d.bob, BookingRequest{1, monday, 9 * 60 + 30, 10 * 60, "临时会议", 5, ""},
             Quotas{}, d.now, std::nullopt);
    CHECK(walk_in.ok());
    // Running the transition again changes nothing and records nothing twice.
    CHECK_FALSE(release_no_show(d.store, d.rules, *d.store.find_booking(id, true), venue,
                                d.at(monday, 9 * 60 + 20)));
    CHECK(d.notices(NoticeKind::no_show) == 1);
    CHECK(d.state.violations.size() == 1);
}

TEST_CASE("three violations within 30 days ban new bookings for 14 days; older ones do not count") {
    Day d;
    auto venue = d.state.venues[1].rules;
    auto no_show_on = [&](Date day) {
        auto id = d.book_at(d.alice, day);
        REQUIRE(release_no_show(d.store, d.rules, *d.store.find_booking(id, true), venue,
                                d.at(day, 9 * 60 + 16)));
    };
    no_show_on(monday);                // day 0
    no_show_on(add_days(monday, 31));  // day 31: the first has left the window
    no_show_on(add_days(monday, 40));
    CHECK_FALSE(d.state.users[1].has_value());  // 2 in the window
    CHECK(d.notices(NoticeKind::banned) == 0);
    no_show_on(add_days(monday, 45));  // 3 within 30 days
    REQUIRE(d.state.users[1].has_value());
    CHECK(*d.state.users[1] == d.at(add_days(monday, 45), 9 * 60 + 16) + 14 * 24h);
    CHECK(d.notices(NoticeKind::banned) == 1);
    // Banned: no new booking, no hold.
    d.now = d.at(add_days(monday, 46), 8 * 60);
    auto refused = book(d.store, d.alice,
                        BookingRequest{1, add_days(monday, 47), 9 * 60, 10 * 60, "学习", 5, ""},
                        Quotas{}, d.now, std::nullopt);
    REQUIRE_FALSE(refused.ok());
    CHECK(d.code_of(refused.error()) == "banned");
    CHECK(d.code_of(
              *check_hold(d.store, d.alice,
                          BookingRequest{1, add_days(monday, 47), 9 * 60, 10 * 60, "hold", 1, ""},
                          Quotas{}, d.now)) == "banned");
}

TEST_CASE("a cancellation after the deadline needs accept_penalty and counts half a violation") {
    Day d;
    CancelTerms terms{false, d.rules};
    auto cancel_late = [&](Date day, bool accept) {
        auto id = d.book_at(d.alice, day);
        terms.accept_penalty = accept;
        return cancel(d.store, d.alice, id, "", d.at(day, 8 * 60),
                      terms);  // an hour before: past the 2 h deadline
    };
    auto refused = cancel_late(monday, false);
    REQUIRE_FALSE(refused.ok());
    CHECK(d.code_of(refused.error()) == "too_late_to_cancel");
    CHECK(refused.error().details["penalty"] == 0.5);
    REQUIRE(cancel_late(add_days(monday, 1), true).ok());
    CHECK(d.store.violation_weight(1, d.now - 24h) == 500);
    // Two no-shows and two late cancellations: 1 + 1 + 0.5 + 0.5 = 3 -> banned.
    auto venue = d.state.venues[1].rules;
    for (int day : {2, 3}) {
        auto id = d.book_at(d.alice, add_days(monday, day));
        REQUIRE(release_no_show(d.store, d.rules, *d.store.find_booking(id, true), venue,
                                d.at(add_days(monday, day), 9 * 60 + 16)));
    }
    CHECK_FALSE(d.state.users[1].has_value());  // 2.5
    REQUIRE(cancel_late(add_days(monday, 4), true).ok());
    CHECK(d.state.users[1].has_value());  // 3.0
    // After the start there is nothing left to cancel.
    auto started = d.book_at(d.bob, add_days(monday, 5));
    terms.accept_penalty = true;
    CHECK(
        d.code_of(cancel(d.store, d.bob, started, "", d.at(add_days(monday, 5), 9 * 60 + 1), terms)
                      .error()) == "too_late_to_cancel");
}

TEST_CASE(
    "an admin over the hall's street waives a violation, lifting the ban it caused; its member and "
    "the hall's "
    "manager see it and may not (403), others cannot see it (404)") {
    Day d;
    auto venue = d.state.venues[1].rules;
    for (int day : {0, 1, 2}) {
        auto id = d.book_at(d.alice, add_days(monday, day));
        REQUIRE(release_no_show(d.store, d.rules, *d.store.find_booking(id, true), venue,
                                d.at(add_days(monday, day), 9 * 60 + 16)));
    }
    REQUIRE(d.state.users[1].has_value());
    auto now = d.at(add_days(monday, 3), 12 * 60);
    CHECK(d.code_of(waive_violation(d.store, d.rules, d.manager, 1, now).error()) == "forbidden");
    CHECK(d.code_of(waive_violation(d.store, d.rules, d.alice, 1, now).error()) == "forbidden");
    CHECK(d.code_of(waive_violation(d.store, d.rules, d.bob, 1, now).error()) == "not_found");
    CHECK(d.code_of(waive_violation(d.store, d.rules, d.other_street_admin, 1, now).error()) ==
          "not_found");
    auto w = waive_violation(d.store, d.rules, d.street_admin, 3, now);
    REQUIRE(w.ok());
    CHECK(w.value().ban_lifted);
    CHECK_FALSE(d.state.users[1].has_value());
    CHECK(d.code_of(waive_violation(d.store, d.rules, d.street_admin, 3, now).error()) ==
          "invalid_state");
    CHECK(d.state.audit.back() == "waive_violation");
}

TEST_CASE("an admin cannot waive their own violation: another admin does (403 self_approval)") {
    Day d;
    auto venue = d.state.venues[1].rules;
    auto id = d.book_at(d.street_admin, add_days(monday, 0));
    REQUIRE(release_no_show(d.store, d.rules, *d.store.find_booking(id, true), venue,
                            d.at(add_days(monday, 0), 9 * 60 + 16)));
    REQUIRE(d.state.violations.size() == 1);
    auto now = d.at(add_days(monday, 1), 12 * 60);
    CHECK(d.code_of(waive_violation(d.store, d.rules, d.street_admin, 1, now).error()) ==
          "self_approval");
    CHECK_FALSE(d.state.violations[0].waived);
    Principal second_admin = d.street_admin;
    second_admin.user_id = 99;
    CHECK(waive_violation(d.store, d.rules, second_admin, 1, now).ok());
}

TEST_CASE("a meeting ended early ends at the hall's next slot boundary and gives back the rest") {
    Day d;
    auto id = d.book_at(d.alice, monday);  // 09:00-10:00, 15-minute slots
    auto checked = check_in(d.store, d.alice, id, "hall1code", d.at(monday, 8 * 60 + 50));
    REQUIRE(checked.ok());
    // Another member learns nothing of it.
    auto other = end_early(d.store, d.bob, id, d.at(monday, 9 * 60 + 20));
    REQUIRE_FALSE(other.ok());
    CHECK(d.code_of(other.error()) == "not_found");
    // 09:20:30 -> 09:30: the quarters from 09:30 are free, the two before stay the meeting's.
    auto ended = end_early(d.store, d.alice, id, d.at(monday, 9 * 60 + 20, 30));
    REQUIRE(ended.ok());
    CHECK(ended.value().end == d.at(monday, 9 * 60 + 30));
    CHECK(ended.value().status == BookingStatus::completed);
    CHECK(d.state.quanta.size() == 2);
    CHECK(d.state.violations.empty());
    auto again = end_early(d.store, d.alice, id, d.at(monday, 9 * 60 + 21));
    REQUIRE_FALSE(again.ok());
    CHECK(d.code_of(again.error()) == "invalid_state");
}

TEST_CASE("ending early on a boundary, a second past it, before the start, and in the last slot") {
    struct Case {
        int minute, second;
        int end;  // the new end, minutes
    } cases[] = {
        {9 * 60 + 30, 0, 9 * 60 + 30},  // on the boundary
        {9 * 60 + 30, 1, 9 * 60 + 45},  // a second past it: the next
        {8 * 60 + 50, 0, 9 * 60 + 15},  // before the start: one slot
        {9 * 60 + 50, 0, 10 * 60},      // in the last slot: completed as it is
    };
    for (const auto& c : cases) {
        CAPTURE(c.minute);
        CAPTURE(c.second);
        Day d;
        auto id = d.book_at(d.alice, monday);
        REQUIRE(check_in(d.store, d.alice, id, "hall1code", d.at(monday, 8 * 60 + 50)).ok());
        auto ended = end_early(d.store, d.alice, id, d.at(monday, c.minute, c.second));
        REQUIRE(ended.ok());
        CHECK(ended.value().end == d.at(monday, c.end));
        CHECK(d.state.quanta.size() == static_cast<std::size_t>((c.end - 9 * 60) / 15));
    }
}

TEST_CASE("only a checked-in meeting ends early") {
    Day d;
    auto id = d.book_at(d.alice, monday);
    auto r = end_early(d.store, d.alice, id, d.at(monday, 9 * 60 + 5));
    REQUIRE_FALSE(r.ok());
    CHECK(d.code_of(r.error()) == "invalid_state");
}

TEST_CASE(
    "its member appeals a violation once, with a reason, until 7 days after it to the second; the "
    "street's admins are told; others cannot appeal it") {
    Day d;
    d.state.principals[5] = d.street_admin;
    d.state.principals[6] = d.other_street_admin;
    auto venue = d.state.venues[1].rules;
    for (int day : {0, 1}) {
        auto id = d.book_at(d.alice, add_days(monday, day));
        REQUIRE(release_no_show(d.store, d.rules, *d.store.find_booking(id, true), venue,
                                d.at(add_days(monday, day), 9 * 60 + 16)));
    }
    // Violation 1 was recorded at Monday 09:16:00: its last second to appeal is 7 days on.
    auto last = d.at(add_days(monday, 7), 9 * 60 + 15, 59);
    CHECK(d.code_of(appeal_violation(d.store, d.bob, 1, "不公平", last).error()) == "not_found");
    CHECK(d.code_of(appeal_violation(d.store, d.alice, 1, "", last).error()) == "validation");
    CHECK(d.code_of(appeal_violation(d.store, d.alice, 1, std::string(201, 'x'), last).error()) ==
          "validation");
    auto late = appeal_violation(d.store, d.alice, 1, "生病了", last + 1s);
    REQUIRE_FALSE(late.ok());
    CHECK(d.code_of(late.error()) == "too_late_to_appeal");
    CHECK(late.error().details["until"] == "2030-06-10T09:16:00+08:00");
    REQUIRE(appeal_violation(d.store, d.alice, 1, "生病了", last).ok());
    CHECK(d.code_of(appeal_violation(d.store, d.alice, 1, "生病了", last).error()) ==
          "invalid_state");
    // Only the hall's street's admin is told; the audit has the appeal.
    REQUIRE(d.notices(NoticeKind::appeal_filed) == 1);
    CHECK(d.state.outbox.back().user_id == 5);
    CHECK(d.state.outbox.back().key == "appeal_filed:violation:1");
    CHECK(d.state.audit.back() == "appeal_violation");
    // A waived violation is not appealed.
    REQUIRE(waive_violation(d.store, d.rules, d.street_admin, 2, last).ok());
    CHECK(d.code_of(appeal_violation(d.store, d.alice, 2, "生病了", last).error()) ==
          "invalid_state");
}

TEST_CASE(
    "an admin over the hall's street decides an appeal: waived lifts the ban it caused, kept "
    "needs a word to the member; the member is told either way; managers, members and other "
    "streets cannot decide, nor an admin their own") {
    Day d;
    d.state.principals[5] = d.street_admin;
    auto venue = d.state.venues[1].rules;
    for (int day : {0, 1, 2}) {
        auto id = d.book_at(d.alice, add_days(monday, day));
        REQUIRE(release_no_show(d.store, d.rules, *d.store.find_booking(id, true), venue,
                                d.at(add_days(monday, day), 9 * 60 + 16)));
    }
    REQUIRE(d.state.users[1].has_value());  // banned by the third
    auto now = d.at(add_days(monday, 3), 12 * 60);
    // Nothing is waiting before the member appeals.
    CHECK(d.code_of(decide_appeal(d.store, d.rules, d.street_admin, 3, true, "", now).error()) ==
          "invalid_state");
    REQUIRE(appeal_violation(d.store, d.alice, 3, "当天在医院", now).ok());
    REQUIRE(appeal_violation(d.store, d.alice, 2, "记错了时间", now).ok());
    CHECK(d.code_of(decide_appeal(d.store, d.rules, d.manager, 3, true, "", now).error()) ==
          "forbidden");
    CHECK(d.code_of(decide_appeal(d.store, d.rules, d.alice, 3, true, "", now).error()) ==
          "forbidden");
    CHECK(d.code_of(decide_appeal(d.store, d.rules, d.bob, 3, true, "", now).error()) ==
          "not_found");
    CHECK(d.code_of(
              decide_appeal(d.store, d.rules, d.other_street_admin, 3, true, "", now).error()) ==
          "not_found");
    CHECK(d.code_of(decide_appeal(d.store, d.rules, d.street_admin, 3, false, "", now).error()) ==
          "validation");
    auto waived = decide_appeal(d.store, d.rules, d.street_admin, 3, true, "", now);
    REQUIRE(waived.ok());
    CHECK(waived.value().ban_lifted);
    CHECK_FALSE(d.state.users[1].has_value());
    CHECK(d.state.violations[2].waived);
    CHECK(d.notices(NoticeKind::appeal_waived) == 1);
    CHECK(d.code_of(decide_appeal(d.store, d.rules, d.street_admin, 3, true, "", now).error()) ==
          "invalid_state");
    auto kept = decide_appeal(d.store, d.rules, d.street_admin, 2, false, "请提前取消", now);
    REQUIRE(kept.ok());
    CHECK_FALSE(kept.value().violation.waived);
    CHECK_FALSE(d.state.violations[1].waived);
    CHECK(d.state.outbox.back().kind == NoticeKind::appeal_kept);
    CHECK(d.state.outbox.back().note == "请提前取消");
    CHECK(d.state.outbox.back().user_id == 1);
    CHECK(d.state.audit.back() == "decide_appeal");

    // An admin's own appeal goes to another admin.
    auto own = d.book_at(d.street_admin, add_days(monday, 4));
    REQUIRE(release_no_show(d.store, d.rules, *d.store.find_booking(own, true), venue,
                            d.at(add_days(monday, 4), 9 * 60 + 16)));
    auto later = d.at(add_days(monday, 4), 12 * 60);
    REQUIRE(appeal_violation(d.store, d.street_admin, 4, "会议临时改期", later).ok());
    CHECK(d.code_of(decide_appeal(d.store, d.rules, d.street_admin, 4, true, "", later).error()) ==
          "self_approval");
}

TEST_CASE(
    "a member who takes the owner's invitation co-organises: sees it, checks it in, is "
    "reminded; the owner is told once who joined") {
    Day d;
    auto id = d.book_at(d.alice, monday);
    REQUIRE(invite_coorganisers(d.store, d.alice, id, "code-1", d.now).ok());
    CHECK_FALSE(can_view_booking(d.bob, *d.store.find_booking(id, false)));
    auto joined = join_as_coorganiser(d.store, d.bob, "code-1", d.now);
    REQUIRE(joined.ok());
    REQUIRE(joined.value().coorganisers.size() == 1);
    CHECK(joined.value().coorganisers[0].id == d.bob.user_id);
    CHECK(can_view_booking(d.bob, joined.value()));
    REQUIRE(d.notices(NoticeKind::coorganiser_joined) == 1);
    CHECK(d.state.outbox.back().user_id == d.alice.user_id);
    CHECK(d.state.outbox.back().note == "成员2");  // the owner learns who
    // Opening the invitation again: the same booking, no second notice.
    CHECK(join_as_coorganiser(d.store, d.bob, "code-1", d.now).ok());
    CHECK(d.notices(NoticeKind::coorganiser_joined) == 1);
    CHECK(d.state.audit.back() == "join_booking");

    // The owner is stuck in traffic: the co-organiser checks in with the hall's code.
    REQUIRE(remind(d.store, *d.store.find_booking(id, false), d.at(monday, 8 * 60)));
    int reminded_bob = 0;
    for (const auto& n : d.state.outbox)
        reminded_bob += n.kind == NoticeKind::reminder && n.user_id == d.bob.user_id;
    CHECK(reminded_bob == 1);
    auto in = check_in(d.store, d.bob, id, "hall1code", d.at(monday, 9 * 60 + 5));
    REQUIRE(in.ok());
    CHECK(in.value().status == BookingStatus::checked_in);
    CHECK(in.value().present == 1);
    // No no-show: the branch met.
    CHECK_FALSE(release_no_show(d.store, d.rules, *d.store.find_booking(id, false),
                                d.state.venues[1].rules, d.at(monday, 9 * 60 + 16)));
}

TEST_CASE(
    "two co-organisers at most, one per invitation (a card passed on after it was taken lets "
    "nobody in); a co-organiser neither invites, cancels, changes nor ends the booking; the "
    "hall's manager does not check it in") {
    Day d;
    auto id = d.book_at(d.alice, monday);
    REQUIRE(invite_coorganisers(d.store, d.alice, id, "code-1", d.now).ok());
    REQUIRE(join_as_coorganiser(d.store, d.bob, "code-1", d.now).ok());
    CHECK(d.code_of(join_as_coorganiser(d.store, d.carol, "code-1", d.now).error()) ==
          "invitation_used");
    CHECK(join_as_coorganiser(d.store, d.bob, "code-1", d.now).ok());  // its taker, again
    REQUIRE(invite_coorganisers(d.store, d.alice, id, "code-2", d.now).ok());
    REQUIRE(join_as_coorganiser(d.store, d.carol, "code-2", d.now).ok());
    REQUIRE(invite_coorganisers(d.store, d.alice, id, "code-3", d.now).ok());
    auto third = join_as_coorganiser(d.store, Principal{4}, "code-3", d.now);
    REQUIRE_FALSE(third.ok());
    CHECK(d.code_of(third.error()) == "coorganisers_full");
    CHECK(third.error().details["max"] == 2);
    auto own = join_as_coorganiser(d.store, d.alice, "code-3", d.now);
    REQUIRE_FALSE(own.ok());
    CHECK(d.code_of(own.error()) == "invalid_state");
    CHECK(d.code_of(join_as_coorganiser(d.store, d.bob, "no-such", d.now).error()) == "not_found");

    CHECK(d.code_of(invite_coorganisers(d.store, d.bob, id, "code-4", d.now).error()) ==
          "forbidden");
    CancelTerms terms{true, d.rules};
    auto cancelled = cancel(d.store, d.bob, id, "不去了", d.now, terms);
    REQUIRE_FALSE(cancelled.ok());
    CHECK(d.code_of(cancelled.error()) == "forbidden");
    CHECK(d.store.find_booking(id, false)->status == BookingStatus::confirmed);
    CHECK(d.code_of(check_in(d.store, d.manager, id, "hall1code", d.at(monday, 9 * 60)).error()) ==
          "forbidden");
    REQUIRE(check_in(d.store, d.carol, id, "hall1code", d.at(monday, 9 * 60)).ok());
    CHECK(d.code_of(end_early(d.store, d.bob, id, d.at(monday, 9 * 60 + 30)).error()) ==
          "forbidden");
    // A stranger with a booking id sees nothing.
    CHECK(
        d.code_of(check_in(d.store, Principal{4}, id, "hall1code", d.at(monday, 9 * 60)).error()) ==
        "not_found");
}

TEST_CASE(
    "the owner removes a co-organiser, who then no longer sees the booking; one may leave; "
    "a new invitation replaces the old; none once the booking is over") {
    Day d;
    auto id = d.book_at(d.alice, monday);
    REQUIRE(invite_coorganisers(d.store, d.alice, id, "code-1", d.now).ok());
    REQUIRE(join_as_coorganiser(d.store, d.bob, "code-1", d.now).ok());
    REQUIRE(invite_coorganisers(d.store, d.alice, id, "code-1b", d.now).ok());
    REQUIRE(join_as_coorganiser(d.store, d.carol, "code-1b", d.now).ok());
    CHECK(d.code_of(remove_coorganiser(d.store, d.carol, id, d.bob.user_id).error()) ==
          "forbidden");
    CHECK(d.code_of(remove_coorganiser(d.store, d.manager, id, d.bob.user_id).error()) ==
          "forbidden");
    auto removed = remove_coorganiser(d.store, d.alice, id, d.bob.user_id);
    REQUIRE(removed.ok());
    CHECK(removed.value().coorganisers.size() == 1);
    CHECK(d.code_of(check_in(d.store, d.bob, id, "hall1code", d.at(monday, 9 * 60)).error()) ==
          "not_found");
    CHECK(d.code_of(remove_coorganiser(d.store, d.alice, id, d.bob.user_id).error()) ==
          "not_found");
    REQUIRE(remove_coorganiser(d.store, d.carol, id, d.carol.user_id).ok());  // leaves
    CHECK(d.store.find_booking(id, false)->coorganisers.empty());

    REQUIRE(invite_coorganisers(d.store, d.alice, id, "code-2", d.now).ok());
    REQUIRE(invite_coorganisers(d.store, d.alice, id, "code-3", d.now).ok());  // replaces code-2
    CHECK(d.code_of(join_as_coorganiser(d.store, d.bob, "code-2", d.now).error()) == "not_found");
    // Removed, the taker of the first does not come back with it.
    CHECK(d.code_of(join_as_coorganiser(d.store, d.bob, "code-1", d.now).error()) ==
          "invitation_used");
    REQUIRE(join_as_coorganiser(d.store, d.bob, "code-3", d.now).ok());
    // Over: the hour has passed (or it was cancelled): nobody joins, no invitation is made.
    REQUIRE(invite_coorganisers(d.store, d.alice, id, "code-4", d.now).ok());
    auto after = d.at(monday, 10 * 60);
    CHECK(d.code_of(join_as_coorganiser(d.store, d.carol, "code-4", after).error()) ==
          "invalid_state");
    CHECK(d.code_of(invite_coorganisers(d.store, d.alice, id, "code-5", after).error()) ==
          "invalid_state");
}

TEST_CASE("a meeting ended early keeps the hall's buffer after its new end; the rest is free") {
    Day d;
    d.state.venues[1].rules.buffer_minutes = 30;
    auto id = d.book_at(d.alice, monday);  // 09:00-10:00, held to 10:30
    REQUIRE(check_in(d.store, d.alice, id, "hall1code", d.at(monday, 9 * 60)).ok());
    auto ended = end_early(d.store, d.alice, id, d.at(monday, 9 * 60 + 20));
    REQUIRE(ended.ok());
    CHECK(ended.value().end == d.at(monday, 9 * 60 + 30));
    std::set<int> owned;
    for (const auto& [k, b] : d.state.quanta)
        if (b == id) owned.insert(to_local(k.second).minute);
    CHECK(owned == std::set<int>{9 * 60, 9 * 60 + 15, 9 * 60 + 30, 9 * 60 + 45});  // to 10:00
}
