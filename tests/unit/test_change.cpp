// Changing a booking instead of cancelling it, as pure rules over the in-memory store: the new
// time taken and the old given back, someone else's time refused, a late shrink counted in
// proportion (and more than once), a running meeting only ending later, an extension in a hall
// that needs approval (asked, held, approved, refused, expired, withdrawn), the quotas, the
// capacity, a purpose WeChat is unsure of, and the Idempotency-Key.
#include <doctest/doctest.h>

#include "booking/attendance.hpp"
#include "booking/calendar.hpp"
#include "booking/change.hpp"
#include "booking/decisions.hpp"
#include "tests/support/memory_store.hpp"

using namespace sh::booking;
using sh::test::MemoryBookingStore;
using sh::test::MemoryState;

namespace {

const Date monday{2030, 6, 3};

struct Desk {
    MemoryState state;
    MemoryBookingStore store{state};
    ChangeTerms terms{Quotas{50, 50, 6000}, PenaltyRules{}};  // a late cancel counts 0.5
    Principal alice{1, Role::member, {}, {}};
    Principal bob{2, Role::member, {}, {}};
    AnswerView view = [](const Booking& b) {
        return format_local(to_local(b.start)) + "-" + format_local(to_local(b.end));
    };

    Desk() {
        for (UserId u = 1; u <= 2; ++u) state.users[u] = std::nullopt;
        Venue v = sh::test::open_hall(20, 15, 14);
        v.rules.release_minute = 0;
        v.checkin_code = "hall1code";
        state.venues[1] = v;
    }
    TimePoint at(int minute) const { return to_timepoint(monday, minute); }
    // Books [start, end) on Monday for `who`, as if at noon the day before.
    Result<BookOutcome> book_for(const Principal& who, int start, int end) {
        return book(store, who, BookingRequest{1, monday, start, end, "支部学习", 10, ""},
                    terms.quotas, to_timepoint(add_days(monday, -1), 12 * 60), std::nullopt);
    }
    BookingId booked(const Principal& who, int start, int end) {
        auto r = book_for(who, start, end);
        REQUIRE(r.ok());
        return r.value().booking.id;
    }
    Result<ChangeOutcome> change(const Principal& who, BookingId id, BookingChange c, TimePoint now,
                                 const std::optional<IdempotencyKey>& key = std::nullopt) {
        return change_booking(store, who, id, c, terms, now, key, &view);
    }
    // The hall's quarters [start, end) owned by `id`.
    bool owns(BookingId id, int start, int end) const {
        for (int m = start; m < end; m += 15) {
            auto q = state.quanta.find({1, at(m)});
            if (q == state.quanta.end() || q->second != id) return false;
        }
        return true;
    }
    std::string code(const Result<ChangeOutcome>& r) const {
        REQUIRE_FALSE(r.ok());
        return std::string(code_of(r.error().code));
    }
};

BookingChange times(int start, int end) {
    BookingChange c;
    c.start = start;
    c.end = end;
    return c;
}

}  // namespace

TEST_CASE("a booking moved before its start takes the new time and gives back the old at once") {
    Desk d;
    auto id = d.booked(d.alice, 9 * 60, 10 * 60);
    auto r = d.change(d.alice, id, times(10 * 60, 11 * 60 + 30), d.at(6 * 60));
    if (!r.ok()) FAIL(std::string(code_of(r.error().code)) << " " << r.error().message);
    CHECK(r.value().body == "2030-06-03T10:00-2030-06-03T11:30");
    CHECK(r.value().was.start == d.at(9 * 60));
    CHECK(d.owns(id, 10 * 60, 11 * 60 + 30));
    CHECK(d.state.quanta.size() == 6);
    CHECK(d.state.bookings[id].start == d.at(10 * 60));
    CHECK(d.state.bookings[id].status == BookingStatus::confirmed);
    CHECK(d.book_for(d.bob, 9 * 60, 10 * 60).ok());  // the old hour is free for others
}

TEST_CASE("a change into someone else's time is refused with slot_taken") {
    Desk d;
    auto mine = d.booked(d.alice, 9 * 60, 10 * 60);
    d.booked(d.bob, 10 * 60, 11 * 60);
    CHECK(d.code(d.change(d.alice, mine, times(9 * 60, 10 * 60 + 30), d.at(7 * 60))) ==
          "slot_taken");
}

TEST_CASE("only the owner changes a booking; others learn nothing of it") {
    Desk d;
    auto id = d.booked(d.alice, 9 * 60, 10 * 60);
    CHECK(d.code(d.change(d.bob, id, times(9 * 60, 11 * 60), d.at(7 * 60))) == "not_found");
    Principal manager{7, Role::manager, {}, {10}};
    CHECK(d.code(d.change(manager, id, times(9 * 60, 11 * 60), d.at(7 * 60))) == "forbidden");
}

TEST_CASE(
    "a shrink after the cancellation deadline counts a late cancellation in proportion, "
    "each time, and only when accepted") {
    Desk d;
    auto id = d.booked(d.alice, 9 * 60, 11 * 60);  // 2 h; the deadline is 07:00
    // Before the deadline: free.
    REQUIRE(d.change(d.alice, id, times(9 * 60, 10 * 60 + 45), d.at(6 * 60)).ok());
    CHECK(d.state.violations.empty());
    // After it: asked first, with the weight the answer names (45 of 105 minutes of 0.5).
    auto asked = d.change(d.alice, id, times(9 * 60, 10 * 60), d.at(8 * 60));
    CHECK(d.code(asked) == "too_late_to_cancel");
    CHECK(asked.error().details["penalty"] == doctest::Approx(0.215));
    CHECK(d.owns(id, 9 * 60, 10 * 60 + 45));
    auto shrink = times(9 * 60, 10 * 60);
    shrink.accept_penalty = true;
    auto r = d.change(d.alice, id, shrink, d.at(8 * 60));
    REQUIRE(r.ok());
    CHECK(r.value().violation_milli == 215);
    auto again = times(9 * 60, 9 * 60 + 30);
    again.accept_penalty = true;
    REQUIRE(d.change(d.alice, id, again, d.at(8 * 60 + 30)).ok());
    REQUIRE(d.state.violations.size() == 2);
    CHECK(d.state.violations[0].kind == ViolationKind::late_shrink);
    CHECK(d.state.violations[1].weight == 250);  // 30 of 60 minutes
    CHECK(d.owns(id, 9 * 60, 9 * 60 + 30));
    CHECK(d.state.quanta.size() == 2);
    // Adding time late costs nothing.
    REQUIRE(d.change(d.alice, id, times(9 * 60, 10 * 60), d.at(8 * 60 + 40)).ok());
    CHECK(d.state.violations.size() == 2);
}

TEST_CASE("the weight of a late shrink: the late cancellation's in proportion, rounded up") {
    PenaltyRules rules;
    CHECK(late_shrink_weight(rules, 60, 30) == 250);
    CHECK(late_shrink_weight(rules, 120, 15) == 63);
    CHECK(late_shrink_weight(rules, 60, 60) == 500);
    CHECK(late_shrink_weight(rules, 60, 0) == 0);
    rules.late_cancel_milli = 0;
    CHECK(late_shrink_weight(rules, 60, 30) == 0);
}

TEST_CASE("a running meeting only ends later, within the hall's longest booking") {
    Desk d;
    auto id = d.booked(d.alice, 9 * 60, 10 * 60);
    REQUIRE(check_in(d.store, d.alice, id, "hall1code", d.at(8 * 60 + 50)).ok());
    const auto now = d.at(9 * 60 + 40);
    CHECK(d.code(d.change(d.alice, id, times(9 * 60 + 15, 10 * 60), now)) == "invalid_state");
    CHECK(d.code(d.change(d.alice, id, times(9 * 60, 9 * 60 + 45), now)) == "invalid_state");
    CHECK(d.code(d.change(d.alice, id, times(9 * 60, 13 * 60 + 15), now)) == "bad_duration");
    BookingChange later;
    later.end = 10 * 60 + 30;
    auto r = d.change(d.alice, id, later, now);
    REQUIRE(r.ok());
    CHECK(r.value().booking.status == BookingStatus::checked_in);
    CHECK(d.owns(id, 9 * 60, 10 * 60 + 30));
}

TEST_CASE("a booking that has begun without check-in keeps its time") {
    Desk d;
    auto id = d.booked(d.alice, 9 * 60, 10 * 60);
    CHECK(d.code(d.change(d.alice, id, times(9 * 60, 10 * 60 + 30), d.at(9 * 60 + 5))) ==
          "invalid_state");
}

TEST_CASE(
    "in a hall that needs approval more time for a confirmed booking waits for its approvers: "
    "the booking keeps its time, the time asked is held for it; a request changes freely") {
    Desk d;
    d.state.venues[1].rules.requires_approval = true;
    auto id = d.booked(d.alice, 9 * 60, 10 * 60);
    REQUIRE(d.state.bookings[id].status == BookingStatus::pending);
    REQUIRE(d.change(d.alice, id, times(9 * 60, 11 * 60), d.at(6 * 60)).ok());
    CHECK(d.state.bookings[id].status == BookingStatus::pending);
    CHECK_FALSE(d.state.bookings[id].extension);             // a request is decided as a whole
    d.state.bookings[id].status = BookingStatus::confirmed;  // approved

    auto asked = d.change(d.alice, id, times(9 * 60, 11 * 60 + 15), d.at(6 * 60));
    REQUIRE(asked.ok());
    const auto& b = d.state.bookings[id];
    CHECK(b.status == BookingStatus::confirmed);
    CHECK(b.end == d.at(11 * 60));  // the confirmed time stays
    REQUIRE(b.extension);
    CHECK(b.extension->end == d.at(11 * 60 + 15));
    CHECK(b.extension->asked_at == d.at(6 * 60));
    CHECK(d.owns(id, 11 * 60, 11 * 60 + 15));  // held for it: nobody else books it meanwhile
    CHECK(book(d.store, d.bob, BookingRequest{1, monday, 11 * 60, 12 * 60, "学习", 5, ""},
               d.terms.quotas, d.at(6 * 60), std::nullopt)
              .error()
              .code == Errc::slot_taken);
    CHECK(d.state.audit.back() == "ask_extension");

    // A move is a new request, not an extension.
    CHECK(d.code(d.change(d.alice, id, times(10 * 60, 12 * 60), d.at(6 * 60))) ==
          "change_needs_approval");
    // A second extension replaces the first; a new number of attendees leaves it waiting.
    REQUIRE(d.change(d.alice, id, times(8 * 60 + 30, 11 * 60), d.at(6 * 60 + 1)).ok());
    CHECK(d.state.bookings[id].extension->start == d.at(8 * 60 + 30));
    CHECK(d.owns(id, 8 * 60 + 30, 11 * 60));
    CHECK(d.state.quanta.count({1, d.at(11 * 60)}) == 0);  // the first one's time given back
    BookingChange fewer;
    fewer.attendees = 8;
    REQUIRE(d.change(d.alice, id, fewer, d.at(6 * 60 + 2)).ok());
    CHECK(d.state.bookings[id].extension);
    // Less time applies at once and withdraws the extension.
    REQUIRE(d.change(d.alice, id, times(9 * 60, 10 * 60 + 30), d.at(6 * 60 + 3)).ok());
    CHECK_FALSE(d.state.bookings[id].extension);
    CHECK(d.state.bookings[id].end == d.at(10 * 60 + 30));
    CHECK(d.owns(id, 9 * 60, 10 * 60 + 30));
    CHECK(d.state.quanta.count({1, d.at(8 * 60 + 30)}) == 0);
    CHECK(d.state.quanta.count({1, d.at(10 * 60 + 30)}) == 0);
}

TEST_CASE(
    "the hall's approver merges an extension or refuses it with a reason, before its extra time "
    "begins; the member is told either way") {
    Desk d;
    d.state.venues[1].rules.requires_approval = true;
    Principal carol{3, Role::manager, {}, {10}};
    d.state.users[3] = std::nullopt;
    d.state.principals[3] = carol;
    auto longer = d.booked(d.alice, 9 * 60, 10 * 60);
    auto shorter = d.booked(d.alice, 14 * 60, 15 * 60);
    d.state.bookings[longer].status = d.state.bookings[shorter].status = BookingStatus::confirmed;
    REQUIRE(d.change(d.alice, longer, times(9 * 60, 11 * 60), d.at(6 * 60)).ok());
    REQUIRE(d.change(d.alice, shorter, times(13 * 60, 15 * 60), d.at(6 * 60)).ok());

    // Its approvers are told, by a notice of its own (the request was told once already).
    REQUIRE(tell_approvers(d.store, *d.store.find_booking(longer, false), d.at(6 * 60)));
    REQUIRE(d.state.outbox.size() == 1);
    CHECK(d.state.outbox[0].kind == NoticeKind::request_waiting);
    CHECK(d.state.outbox[0].user_id == 3);
    CHECK(d.state.outbox[0].key.find(":extension:") != std::string::npos);

    CHECK(approve(d.store, d.bob, longer, d.at(7 * 60)).error().code == Errc::not_found);
    CHECK(reject(d.store, carol, shorter, "", d.at(7 * 60)).error().code == Errc::validation);
    auto merged = approve(d.store, carol, longer, d.at(7 * 60));
    REQUIRE(merged.ok());
    CHECK(merged.value().end == d.at(11 * 60));
    CHECK_FALSE(d.state.bookings[longer].extension);
    CHECK(d.state.bookings[longer].end == d.at(11 * 60));
    CHECK(d.owns(longer, 9 * 60, 11 * 60));
    CHECK(approve(d.store, carol, longer, d.at(7 * 60)).error().code == Errc::invalid_state);

    auto refused = reject(d.store, carol, shorter, "那时要打扫", d.at(7 * 60));
    REQUIRE(refused.ok());
    CHECK(refused.value().status == BookingStatus::confirmed);
    CHECK(d.state.bookings[shorter].start == d.at(14 * 60));
    CHECK_FALSE(d.state.bookings[shorter].extension);
    CHECK(d.owns(shorter, 14 * 60, 15 * 60));
    CHECK(d.state.quanta.count({1, d.at(13 * 60)}) == 0);  // free for others again
    CHECK(d.state.outbox[1].kind == NoticeKind::extension_approved);
    CHECK(d.state.outbox[2].kind == NoticeKind::extension_rejected);
    CHECK(d.state.outbox[2].note == "那时要打扫");
    CHECK(d.state.audit.back() == "reject_extension");
}

TEST_CASE(
    "an extension nobody decided is given back when its extra time begins, and cannot be "
    "approved after; the booking keeps its own time") {
    Desk d;
    d.state.venues[1].rules.requires_approval = true;
    Principal carol{3, Role::manager, {}, {10}};
    auto id = d.booked(d.alice, 9 * 60, 10 * 60);
    d.state.bookings[id].status = BookingStatus::confirmed;
    REQUIRE(d.change(d.alice, id, times(9 * 60, 11 * 60), d.at(6 * 60)).ok());
    auto b = *d.store.find_booking(id, false);
    CHECK(extension_begins(b) == d.at(10 * 60));
    CHECK_FALSE(expire_extension(d.store, b, d.at(10 * 60 - 1)));
    CHECK(approve(d.store, carol, id, d.at(10 * 60)).error().code == Errc::invalid_state);
    REQUIRE(expire_extension(d.store, b, d.at(10 * 60)));
    CHECK_FALSE(d.state.bookings[id].extension);
    CHECK(d.owns(id, 9 * 60, 10 * 60));
    CHECK(d.state.quanta.count({1, d.at(10 * 60)}) == 0);
    REQUIRE(d.state.outbox.size() == 1);
    CHECK(d.state.outbox[0].kind == NoticeKind::extension_expired);
    CHECK(d.state.audit.back() == "expire_extension");
    CHECK_FALSE(expire_extension(d.store, *d.store.find_booking(id, false), d.at(10 * 60)));
}

TEST_CASE(
    "a running meeting in a hall that needs approval asks for a later end; ending it early "
    "withdraws the extension and gives its time back") {
    Desk d;
    d.state.venues[1].rules.requires_approval = true;
    auto id = d.booked(d.alice, 9 * 60, 10 * 60);
    d.state.bookings[id].status = BookingStatus::confirmed;
    REQUIRE(check_in(d.store, d.alice, id, "hall1code", d.at(9 * 60)).ok());
    REQUIRE(d.change(d.alice, id, times(9 * 60, 10 * 60 + 30), d.at(9 * 60 + 20)).ok());
    CHECK(d.state.bookings[id].status == BookingStatus::checked_in);
    CHECK(d.owns(id, 9 * 60, 10 * 60 + 30));
    auto ended = end_early(d.store, d.alice, id, d.at(9 * 60 + 40));
    REQUIRE(ended.ok());
    CHECK(ended.value().end == d.at(9 * 60 + 45));
    CHECK_FALSE(d.state.bookings[id].extension);
    CHECK(d.owns(id, 9 * 60, 9 * 60 + 45));
    CHECK(d.state.quanta.count({1, d.at(9 * 60 + 45)}) == 0);
    CHECK(d.state.quanta.count({1, d.at(10 * 60 + 15)}) == 0);
}

TEST_CASE(
    "the time an extension asks for counts against the member's quotas while it waits: it is "
    "held for them") {
    Desk d;
    d.state.venues[1].rules.requires_approval = true;
    d.terms.quotas.max_minutes_per_week = 150;
    auto id = d.booked(d.alice, 9 * 60, 10 * 60);
    d.state.bookings[id].status = BookingStatus::confirmed;
    REQUIRE(d.change(d.alice, id, times(9 * 60, 11 * 60), d.at(6 * 60)).ok());  // 120 asked
    // Asked again: counted once, without the time asked before (135 of 150).
    REQUIRE(d.change(d.alice, id, times(9 * 60, 11 * 60 + 15), d.at(6 * 60 + 1)).ok());
    auto more =
        book(d.store, d.alice, BookingRequest{1, monday, 14 * 60, 14 * 60 + 30, "学习", 5, ""},
             d.terms.quotas, d.at(6 * 60 + 2), std::nullopt);
    REQUIRE_FALSE(more.ok());
    CHECK(more.error().code == Errc::quota_exceeded);  // 135 + 30 > 150
    CHECK(book(d.store, d.alice, BookingRequest{1, monday, 14 * 60, 14 * 60 + 15, "学习", 5, ""},
               d.terms.quotas, d.at(6 * 60 + 2), std::nullopt)
              .ok());
}

TEST_CASE(
    "more time counts against the quotas without the booking's old time; less always "
    "goes") {
    Desk d;
    d.terms.quotas.max_minutes_per_week = 150;
    auto id = d.booked(d.alice, 9 * 60, 10 * 60);
    d.booked(d.alice, 14 * 60, 15 * 60);
    CHECK(d.code(d.change(d.alice, id, times(9 * 60, 10 * 60 + 45), d.at(6 * 60))) ==
          "quota_exceeded");
    CHECK(d.change(d.alice, id, times(9 * 60, 10 * 60 + 30), d.at(6 * 60)).ok());
    d.terms.quotas.max_minutes_per_week = 60;
    CHECK(d.change(d.alice, id, times(9 * 60, 10 * 60), d.at(6 * 60)).ok());
}

TEST_CASE(
    "attendees within the hall's capacity; a purpose WeChat is unsure of waits for a "
    "person") {
    Desk d;
    auto id = d.booked(d.alice, 9 * 60, 10 * 60);
    BookingChange more;
    more.attendees = 21;
    CHECK(d.code(d.change(d.alice, id, more, d.at(6 * 60))) == "over_capacity");
    more.attendees = 20;
    REQUIRE(d.change(d.alice, id, more, d.at(6 * 60)).ok());
    CHECK(d.state.bookings[id].attendees == 20);
    BookingChange purpose;
    purpose.purpose = "主题党日";
    purpose.needs_review = true;
    REQUIRE(d.change(d.alice, id, purpose, d.at(6 * 60)).ok());
    CHECK(d.state.bookings[id].purpose == "主题党日");
    CHECK(d.state.bookings[id].status == BookingStatus::pending);
}

TEST_CASE(
    "a change repeated with its key answers what the first answered; another body is "
    "refused") {
    Desk d;
    auto id = d.booked(d.alice, 9 * 60, 10 * 60);
    IdempotencyKey key{"chg-1", "hash-a"};
    auto first = d.change(d.alice, id, times(10 * 60, 11 * 60), d.at(6 * 60), key);
    REQUIRE(first.ok());
    auto again = d.change(d.alice, id, times(10 * 60, 11 * 60), d.at(6 * 60 + 1), key);
    REQUIRE(again.ok());
    CHECK(again.value().replay);
    CHECK(again.value().body == first.value().body);
    CHECK(d.code(d.change(d.alice, id, times(11 * 60, 12 * 60), d.at(6 * 60 + 2),
                          IdempotencyKey{"chg-1", "hash-b"})) == "idempotency_mismatch");
}

TEST_CASE(
    "a change keeps a hall's rules: a new start meets its notice, and the buffer moves with "
    "the end") {
    Desk d;
    auto& rules = d.state.venues[1].rules;
    rules.min_notice_minutes = 120;
    rules.buffer_minutes = 30;
    auto id = d.booked(d.alice, 9 * 60, 10 * 60);
    CHECK(d.owns(id, 9 * 60, 10 * 60 + 30));  // with its buffer
    // At 07:00 an 08:30 start is within two hours: refused, the booking as it was; 09:15 is not.
    auto early = d.change(d.alice, id, times(8 * 60 + 30, 10 * 60), d.at(7 * 60));
    CHECK(d.code(early) == "notice_too_short");
    CHECK(d.owns(id, 9 * 60, 10 * 60 + 30));
    REQUIRE(d.change(d.alice, id, times(9 * 60 + 15, 10 * 60 + 30), d.at(7 * 60)).ok());
    CHECK(d.owns(id, 9 * 60 + 15, 11 * 60));
    CHECK_FALSE(d.owns(id, 9 * 60, 9 * 60 + 15));
    CHECK(d.state.quanta.size() == 7);
    // A later end alone is not a new start: no notice asked, even within it.
    REQUIRE(d.change(d.alice, id, times(9 * 60 + 15, 10 * 60 + 45), d.at(8 * 60)).ok());
    CHECK(d.owns(id, 9 * 60 + 15, 11 * 60 + 15));
}
