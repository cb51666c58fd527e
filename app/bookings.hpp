#pragma once
// The booking use cases: each one function that reads top to bottom and returns a result
// (claim -> transaction -> compensate -> invalidate). The rules are booking/'s; the
// storage is behind the ports; expected failures are values, never exceptions.
#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/ports.hpp"
#include "booking/appeals.hpp"
#include "booking/attendance.hpp"
#include "booking/book.hpp"
#include "booking/change.hpp"
#include "booking/clock.hpp"
#include "booking/coorganisers.hpp"
#include "booking/decisions.hpp"
#include "common/bounded_cache.hpp"

namespace sh::app {

using booking::Result;

// Counters of the booking path (exported on /metrics).
struct BookingCounters {
    std::atomic<std::uint64_t> attempts{0};          // create() calls
    std::atomic<std::uint64_t> redis_rejections{0};  // turned away by the Redis claim
    std::atomic<std::uint64_t> mysql_attempts{0};    // booking transactions started in MySQL
    std::atomic<std::uint64_t> created{0};
};

struct BookingSettings {
    booking::Quotas quotas;
    booking::PenaltyRules penalties;
    std::chrono::milliseconds claim_ttl{10'000};
    HoldLimits holds;
    booking::AnswerView answer_view;  // the 201's body (server/api's view of a booking)
};

// What a create answers: the status and body, fresh or replayed byte for byte.
struct Answer {
    int status = 201;
    std::string body;
};

// The owner's invitation to co-organise: the code (shared once by WeChat; only its hash is kept).
struct CoorganiserInvitation {
    booking::Booking booking;
    std::string code;
};

struct HoldAnswer {
    Hold hold;
    bool existing = false;  // the user already held this range: the same hold again
};

class BookingService {
  public:
    BookingService(BookingDb& db, SlotClaims& claims, HoldStore& holds, VenueChanges& changes,
                   ContentCheck& content, const booking::Clock& clock, BookingSettings settings)
        : db_(db),
          claims_(claims),
          holds_(holds),
          changes_(changes),
          content_(content),
          clock_(clock),
          settings_(std::move(settings)) {}

    awaitable<Result<Answer>> create(const booking::Principal& me,
                                     const booking::BookingRequest& req,
                                     const std::optional<booking::IdempotencyKey>& idem,
                                     const std::optional<std::string>& hold_id);
    awaitable<Result<booking::Booking>> get(const booking::Principal& me, booking::BookingId id);
    // The caller's bookings (and, with q.with_coorganised, those they co-organise).
    awaitable<std::vector<booking::Booking>> list_mine(const booking::Principal& me,
                                                       booking::BookingQuery q);
    awaitable<Result<std::vector<booking::Booking>>> list_managed(const booking::Principal& me,
                                                                  booking::BookingQuery q);
    awaitable<Result<booking::Booking>> cancel(const booking::Principal& me, booking::BookingId id,
                                               const std::string& reason,
                                               bool accept_penalty = false);
    awaitable<Result<booking::Booking>> approve(const booking::Principal& me,
                                                booking::BookingId id);
    awaitable<Result<booking::Booking>> reject(const booking::Principal& me, booking::BookingId id,
                                               const std::string& reason);

    // The requests waiting in the caller's scope, per hall (forbidden for members).
    awaitable<Result<std::vector<booking::PendingByHall>>> summary(const booking::Principal& me);

    // Check-in by the owner with the hall's code; any member's scan while it runs counts them.
    awaitable<Result<booking::Booking>> check_in(const booking::Principal& me,
                                                 booking::BookingId id, const std::string& code);
    awaitable<Result<booking::Presence>> scan(const booking::Principal& me,
                                              const std::string& code);
    // The owner ends a checked-in meeting early: the rest of its time is free for others at once
    // (the MySQL quanta in the same transaction, then the caches and Redis claims).
    awaitable<Result<booking::Booking>> end(const booking::Principal& me, booking::BookingId id);
    // The owner changes a booking (booking/change.hpp): the new quarters are claimed in Redis
    // first like a booking's, a new purpose is checked by WeChat, one transaction decides, and
    // the time given back is free for others at once. Idempotent with a key, like create.
    awaitable<Result<Answer>> modify(const booking::Principal& me, booking::BookingId id,
                                     booking::BookingChange change,
                                     const std::optional<booking::IdempotencyKey>& idem);
    // An admin waives a member's violation; a ban it no longer justifies is lifted.
    awaitable<Result<booking::WaiveOutcome>> waive(const booking::Principal& me,
                                                   std::uint64_t violation_id);
    // A member appeals their violation within 7 days; an admin over its street decides
    // (booking/appeals.hpp). The admins' list: those waiting first, at most 200.
    awaitable<Result<booking::ViolationRecord>> appeal(const booking::Principal& me,
                                                       std::uint64_t violation_id,
                                                       std::string reason);
    awaitable<Result<booking::AppealDecision>> decide_appeal(const booking::Principal& me,
                                                             std::uint64_t violation_id, bool waive,
                                                             std::string note);
    awaitable<Result<std::vector<booking::AppealView>>> appeals(const booking::Principal& me,
                                                                bool waiting_only);

    // Co-organisers (booking/coorganisers.hpp): the owner's invitation (a new one replaces the
    // last), a member joining with its code, the owner removing one or one leaving.
    awaitable<Result<CoorganiserInvitation>> invite_coorganisers(const booking::Principal& me,
                                                                 booking::BookingId id);
    awaitable<Result<booking::Booking>> join_as_coorganiser(const booking::Principal& me,
                                                            const std::string& code);
    awaitable<Result<booking::Booking>> remove_coorganiser(const booking::Principal& me,
                                                           booking::BookingId id,
                                                           booking::UserId member);

    // Holds: the slot part of a booking request (venue, date, start, end).
    awaitable<Result<HoldAnswer>> hold(const booking::Principal& me,
                                       const booking::BookingRequest& slot);
    awaitable<Result<bool>> release_hold(const booking::Principal& me, const std::string& hold_id);
    // Closing an account: every live hold of the member released, every booking of theirs still
    // to start cancelled through the normal path (owners are told as on any cancel; a late one
    // counts as late). The number of each.
    struct Released {
        int holds = 0, bookings = 0;
    };
    awaitable<Result<Released>> release_all(const booking::Principal& me);

    BookingCounters& counters() { return counters_; }

  private:
    awaitable<Result<std::optional<Answer>>> replay(booking::UserId user,
                                                    const booking::IdempotencyKey& idem,
                                                    TimePoint now);
    // A person's decision on booking `id` in one transaction; the time it gave back is freed.
    awaitable<Result<booking::Booking>> change(
        booking::BookingId id,
        std::function<Result<booking::Booking>(booking::BookingStore&)> use_case);
    // The content check's verdict on a purpose; pass and risky are remembered (the same text
    // gets the same answer), so common purposes cost no WeChat call.
    awaitable<Verdict> judge(const booking::Principal& me, const std::string& text);

    BookingDb& db_;
    SlotClaims& claims_;
    HoldStore& holds_;
    VenueChanges& changes_;
    ContentCheck& content_;
    const booking::Clock& clock_;
    BoundedCache<std::string, Verdict, TimePoint> verdicts_{10'000};
    BookingSettings settings_;
    BookingCounters counters_;
};

}  // namespace sh::app
