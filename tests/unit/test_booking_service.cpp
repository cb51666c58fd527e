// The booking use cases (app/) over in-memory ports and a manual clock: the claim is given back
// on every failure, holds follow the clock, the hold's claim is never shortened.
#include <doctest/doctest.h>

#include "app/bookings.hpp"
#include "tests/support/memory_store.hpp"
#include "tests/support/sync.hpp"

using namespace sh;
using namespace sh::booking;

namespace {

const Date monday{2030, 6, 3};

template <class T>
T run(asio::awaitable<T> a) {
    return test::sync_await(std::move(a));
}

struct World {
    ManualClock clock{to_timepoint(monday, 10 * 60)};
    test::MemoryBookingDb db;
    test::MemoryClaims claims;
    test::MemoryHolds holds{claims};
    test::MemoryVenueChanges venues;
    test::MemoryContentCheck content;
    app::BookingService service{
        db,
        claims,
        holds,
        venues,
        content,
        clock,
        app::BookingSettings{{5, 5, 6000},
                             {},
                             std::chrono::milliseconds(10'000),
                             {3, 3, std::chrono::seconds(300)},
                             [](const Booking& b) {  // a view like the API's
                                 return nlohmann::json{{"id", b.id},
                                                       {"status", booking::status_name(b.status)}}
                                     .dump();
                             }}};
    Principal alice{1, Role::member, {}, {}};
    Principal bob{2, Role::member, {}, {}};
    Principal mallory{3, Role::member, {}, {}};
    Date day = add_days(monday, 1);

    World() {
        for (UserId u = 1; u <= 3; ++u) db.state.users[u] = std::nullopt;
        db.state.venues[1] = test::open_hall(50, 30, 7);
    }
    BookingRequest request(int start, int end) const { return {1, day, start, end, "学习", 5, ""}; }
    app::Result<app::Answer> book(const Principal& p, int start, int end,
                                  std::optional<std::string> hold_id = std::nullopt,
                                  std::optional<IdempotencyKey> idem = std::nullopt) {
        return run(service.create(p, request(start, end), idem, hold_id));
    }
    std::string code(const app::Result<app::Answer>& r) {
        return r ? "" : std::string(code_of(r.error().code));
    }
    TimePoint at(int minute) const { return to_timepoint(day, minute); }
};

}  // namespace

TEST_CASE("a request that MySQL refuses gives its Redis claim back, so free time books as free") {
    World w;
    REQUIRE(w.book(w.alice, 14 * 60 + 30, 15 * 60 + 30).ok());
    w.clock.advance(std::chrono::seconds(11));  // Alice's claim has ended; her booking stands
    CHECK(w.code(w.book(w.mallory, 13 * 60 + 30, 15 * 60 + 30)) ==
          "slot_taken");  // decided by MySQL
    CHECK_FALSE(w.claims.claimed(1, w.at(13 * 60 + 30), w.clock.now()));
    CHECK(w.book(w.bob, 13 * 60 + 30, 14 * 60 + 30).ok());
}

TEST_CASE("a request refused by a rule gives its claim back") {
    World w;
    w.db.state.users[3] = w.clock.now() + std::chrono::hours(1);  // banned
    CHECK(w.code(w.book(w.mallory, 9 * 60, 10 * 60)) == "banned");
    CHECK(w.claims.claims.empty());
    CHECK(w.book(w.bob, 9 * 60, 10 * 60).ok());
}

TEST_CASE("the loser of a Redis claim is turned away without a MySQL transaction") {
    World w;
    w.claims.claims[{1, w.at(9 * 60)}] = {"r:someone", w.clock.now() + std::chrono::seconds(10)};
    int before = w.db.transactions;
    CHECK(w.code(w.book(w.bob, 9 * 60, 10 * 60)) == "slot_taken");
    CHECK(w.db.transactions == before);
    CHECK(w.service.counters().redis_rejections == 1);
}

TEST_CASE(
    "a retry whose first answer was lost replays it even when someone else's claim now covers the "
    "slot") {
    World w;
    IdempotencyKey key{"k-1", "hash-a"};
    auto first = w.book(w.alice, 9 * 60, 10 * 60, std::nullopt, key);
    REQUIRE(first.ok());
    // Another member's attempt holds the Redis claim now (MySQL will refuse it).
    for (int m = 9 * 60; m < 10 * 60; m += 15)
        w.claims.claims[{1, w.at(m)}] = {"r:other", w.clock.now() + std::chrono::seconds(10)};
    auto again = w.book(w.alice, 9 * 60, 10 * 60, std::nullopt, key);
    REQUIRE(again.ok());
    CHECK(again.value().body == first.value().body);
    CHECK(w.db.state.bookings.size() == 1);
}

TEST_CASE("a completed key replays its first answer byte for byte; another body is a mismatch") {
    World w;
    IdempotencyKey key{"k-2", "hash-a"};
    auto first = w.book(w.alice, 9 * 60, 10 * 60, std::nullopt, key);
    REQUIRE(first.ok());
    w.clock.advance(std::chrono::seconds(60));
    auto again = w.book(w.alice, 9 * 60, 10 * 60, std::nullopt, key);
    REQUIRE(again.ok());
    CHECK(again.value().body == first.value().body);
    CHECK(w.db.state.bookings.size() == 1);
    CHECK(w.book(w.alice, 9 * 60, 10 * 60, std::nullopt, IdempotencyKey{"k-2", "hash-b"})
              .error()
              .code == Errc::idempotency_mismatch);
}

TEST_CASE("holds: others see the slot taken until it expires on the service's clock") {
    World w;
    auto h = run(w.service.hold(w.alice, w.request(9 * 60, 10 * 60)));
    REQUIRE(h.ok());
    CHECK(w.code(w.book(w.bob, 9 * 60, 10 * 60)) == "slot_taken");
    CHECK(run(w.service.hold(w.bob, w.request(9 * 60, 10 * 60))).error().code == Errc::slot_taken);
    auto again = run(w.service.hold(w.alice, w.request(9 * 60, 10 * 60)));
    REQUIRE(again.ok());
    CHECK(again.value().existing);
    CHECK(again.value().hold.id == h.value().hold.id);

    w.clock.advance(std::chrono::seconds(301));
    CHECK(w.book(w.bob, 9 * 60, 10 * 60).ok());
    // Alice's confirm with her expired hold goes to MySQL, which says who has it.
    CHECK(w.code(w.book(w.alice, 9 * 60, 10 * 60, h.value().hold.id)) == "slot_taken");
}

TEST_CASE("confirming one's own live hold books it and ends the hold") {
    World w;
    auto h = run(w.service.hold(w.alice, w.request(9 * 60, 10 * 60))).value().hold;
    REQUIRE(w.book(w.alice, 9 * 60, 10 * 60, h.id).ok());
    CHECK(w.holds.holds.empty());
    CHECK(w.venues.changed_halls == std::vector<VenueId>{1});
}

TEST_CASE("a failed confirm does not shorten the hold's claim") {
    World w;
    auto h = run(w.service.hold(w.alice, w.request(9 * 60, 10 * 60))).value().hold;
    w.db.state.users[1] =
        w.clock.now() + std::chrono::minutes(1);  // banned meanwhile: the confirm fails
    CHECK(w.code(w.book(w.alice, 9 * 60, 10 * 60, h.id)) == "banned");
    w.clock.advance(std::chrono::seconds(60));  // past the 10 s of a booking's claim
    CHECK(w.claims.claimed(1, w.at(9 * 60), w.clock.now()));
    CHECK(w.code(w.book(w.bob, 9 * 60, 10 * 60)) == "slot_taken");
}

TEST_CASE("a banned member cannot hold; holds are capped and one range cannot be held for ever") {
    World w;
    w.db.state.users[3] = w.clock.now() + std::chrono::hours(1);
    CHECK(run(w.service.hold(w.mallory, w.request(9 * 60, 10 * 60))).error().code == Errc::banned);

    for (int i = 0; i < 3; ++i)
        REQUIRE(run(w.service.hold(w.alice, w.request((12 + i) * 60, (13 + i) * 60))).ok());
    auto fourth = run(w.service.hold(w.alice, w.request(16 * 60, 17 * 60)));
    CHECK(fourth.error().code == Errc::too_many_holds);
    CHECK(fourth.error().details["max"] == 3);

    // Release and hold again: the third time in an hour is the last.
    for (int i = 0; i < 2; ++i) {
        auto h = run(w.service.hold(w.bob, w.request(8 * 60, 9 * 60)));
        REQUIRE(h.ok());
        REQUIRE(run(w.service.release_hold(w.bob, h.value().hold.id)).ok());
    }
    auto third = run(w.service.hold(w.bob, w.request(8 * 60, 9 * 60)));
    REQUIRE(third.ok());
    REQUIRE(run(w.service.release_hold(w.bob, third.value().hold.id)).ok());
    auto fourth_again = run(w.service.hold(w.bob, w.request(8 * 60, 9 * 60)));
    CHECK(fourth_again.error().code == Errc::rate_limited);
}

TEST_CASE(
    "releasing someone else's hold is not found; with Redis down holds answer 503 and bookings go "
    "on") {
    World w;
    auto h = run(w.service.hold(w.alice, w.request(9 * 60, 10 * 60))).value().hold;
    CHECK(run(w.service.release_hold(w.bob, h.id)).error().code == Errc::not_found);
    w.claims.down = w.holds.down = true;
    CHECK(run(w.service.hold(w.bob, w.request(11 * 60, 12 * 60))).error().code ==
          Errc::redis_unavailable);
    CHECK(w.book(w.bob, 11 * 60, 12 * 60).ok());
}

TEST_CASE("a cancellation frees the quanta, the claims and the hall's cached days") {
    World w;
    REQUIRE(w.book(w.alice, 9 * 60, 10 * 60).ok());
    auto id = w.db.state.bookings.begin()->first;
    auto c = run(w.service.cancel(w.alice, id, ""));
    REQUIRE(c.ok());
    CHECK(c.value().status == BookingStatus::cancelled);
    CHECK(w.claims.claims.empty());
    CHECK(w.db.state.quanta.empty());
    CHECK(w.venues.changed_halls.size() == 2);
    CHECK(w.book(w.bob, 9 * 60, 10 * 60).ok());
}

TEST_CASE(
    "the content check: risky is refused and gives its claim back; review or no answer leaves the "
    "booking pending") {
    World w;
    auto with_purpose = [&](const Principal& p, int start, const std::string& purpose) {
        auto r = w.request(start, start + 60);
        r.purpose = purpose;
        return run(w.service.create(p, r, std::nullopt, std::nullopt));
    };
    auto risky = with_purpose(w.alice, 9 * 60, "RISKY 内容");
    REQUIRE_FALSE(risky.ok());
    CHECK(w.code(risky) == "content_rejected");
    CHECK_FALSE(w.claims.claimed(1, w.at(9 * 60), w.clock.now()));
    CHECK(w.db.state.bookings.empty());

    auto review = with_purpose(w.alice, 10 * 60, "REVIEW 需要人工看看");
    REQUIRE(review.ok());
    CHECK(nlohmann::json::parse(review.value().body)["status"] == "pending");

    w.content.down = true;
    auto unanswered = with_purpose(w.bob, 11 * 60, "组织生活会（新）");
    REQUIRE(unanswered.ok());
    CHECK(nlohmann::json::parse(unanswered.value().body)["status"] ==
          "pending");  // held for a person, not blocked

    w.content.down = false;
    auto pass = with_purpose(w.bob, 13 * 60, "支部学习");
    REQUIRE(pass.ok());
    CHECK(nlohmann::json::parse(pass.value().body)["status"] == "confirmed");
    int calls = w.content.calls;
    REQUIRE(with_purpose(w.mallory, 14 * 60, "支部学习").ok());
    CHECK(w.content.calls == calls);  // a purpose judged before costs no WeChat call
}
