#pragma once
// What each endpoint reads from its request, parsed to its use case's input: shape and types
// only (the rules are the domain's). Every failure is an AppException: 422 naming the field,
// 400 for a body that is not JSON. Kept out of the handlers so that the fuzzer
// (tests/fuzz/fuzz_request.cpp) runs exactly these on hostile bytes.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/availability.hpp"
#include "booking/book.hpp"
#include "booking/decisions.hpp"
#include "booking/identity.hpp"
#include "booking/stats.hpp"
#include "booking/venue_admin.hpp"
#include "server/http/message.hpp"

namespace sh::api {

// Bookings and holds.
booking::BookingRequest parse_slot(const nlohmann::json& body);  // venue_id, date, start, end
booking::BookingRequest parse_booking(
    const nlohmann::json& body);  // the slot, purpose, attendees, org
// The Idempotency-Key header (1 to 64 of [A-Za-z0-9_-]) with the hash of the body it came with.
std::optional<booking::IdempotencyKey> idempotency_key(const http::Request& req,
                                                       const nlohmann::json& body);
// ?status=&from=&to=&page=&building_id=&venue_id= of the booking lists.
booking::BookingQuery booking_filters(const http::Request& req);
struct Cancellation {
    std::string reason;
    bool accept_penalty = false;
};
Cancellation parse_cancellation(const http::Request& req);          // an empty body is no reason
std::string reason_of(const http::Request& req);                    // a rejection's optional reason
std::string venue_code(const nlohmann::json& body);                 // a check-in's hall code
std::vector<std::string> template_ids(const nlohmann::json& body);  // subscription consents

// Streets, buildings, halls, closures, search.
booking::Building parse_building(const nlohmann::json& body);
booking::ClosureRequest parse_closure(const nlohmann::json& body);
std::optional<std::uint64_t> query_id(const http::Request& req,
                                      const char* name);  // optional, positive
app::Search parse_search(const http::Request& req);

// Accounts.
std::string login_code(const nlohmann::json& body);  // a sign-in's or a phone's one-time code
struct ProfilePatch {
    std::optional<std::string> name, org;
};
ProfilePatch parse_profile(const nlohmann::json& body);
booking::RoleRequest parse_role_request(const nlohmann::json& body);

// Statistics: ?from=&to= (both required), ?group_by= (default venue), ?format=json|csv, ?limit=.
booking::Period parse_period(const http::Request& req);  // as asked: the use case checks it
booking::GroupBy parse_group_by(const http::Request& req);
bool wants_csv(const http::Request& req);
int top_limit(const http::Request& req);

}  // namespace sh::api
