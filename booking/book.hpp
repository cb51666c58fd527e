#pragma once
// Booking: a batch of requests decided in one transaction (each as if alone and in order), the
// Idempotency-Key that makes a retried request answer what the first was answered, and the hold
// that is refused for the same reasons a booking would be.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "booking/booking_store.hpp"

namespace sh::booking {

struct IdempotencyKey {
    std::string key;
    std::string request_hash;
};
constexpr std::chrono::hours idempotency_key_life{24};

struct BookOutcome {
    Booking booking;
    std::string body;     // the 201 body, stored byte for byte with the key
    bool replay = false;  // the key was completed already: the caller replays the stored answer
};

// The caller's view of a booking made: the 201 body, rendered in the booking's transaction so
// that it can be stored with the Idempotency-Key.
using AnswerView = std::function<std::string(const Booking&)>;

// One request to book, as the transaction takes it.
struct BookCall {
    Principal me;
    BookingRequest req;
    std::optional<IdempotencyKey> key;
    TimePoint now;
    const AnswerView* view = nullptr;  // no view: an empty body
};

// Decides a batch of booking requests in one transaction (the caller's), each as if alone and in
// order: a later call sees the bookings an earlier one made (the same slot is taken, the same
// member's quotas count it). The reads are one per kind for the whole batch (members, halls,
// keys) and so are the writes (bookings with their quanta, keys). One answer per call.
std::vector<Result<BookOutcome>> book_all(BookingStore& s, const std::vector<BookCall>& calls,
                                          const Quotas& quotas);
// The same for one request.
Result<BookOutcome> book(BookingStore& s, const Principal& me, const BookingRequest& req,
                         const Quotas& quotas, TimePoint now,
                         const std::optional<IdempotencyKey>& key);

// A hold of [start, end) is refused for the same reasons a booking of it would be: a ban, the
// hall's rules, the user's quotas, a quantum booked in MySQL.
std::optional<AppError> check_hold(BookingStore& s, const Principal& me, const BookingRequest& req,
                                   const Quotas& quotas, TimePoint now);

}  // namespace sh::booking
