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
#include "booking/accounts.hpp"
#include "booking/book.hpp"
#include "booking/change.hpp"
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
// A change of a booking (PATCH): optional start, end (HH:MM), attendees, purpose and
// accept_penalty; at least one of the first four, else 422.
booking::BookingChange parse_change(const nlohmann::json& body);
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

// An id that may be null: absent -> nullopt; null -> {nullopt}; an id -> {id}; else 422.
std::optional<std::optional<std::uint64_t>> nullable_id(const nlohmann::json& body,
                                                        const char* field);

// Accounts.
std::string login_code(const nlohmann::json& body);  // a sign-in's or a phone's one-time code
booking::ProfileChange parse_profile(const nlohmann::json& body);
booking::RoleRequest parse_role_request(const nlohmann::json& body);

// The alliance.
booking::Unit parse_unit(const nlohmann::json& body);      // name, kind, street_id
booking::Branch parse_branch(const nlohmann::json& body);  // name, street_id, unit_ids
// ?street_id=&unit_id=&q=&limit= of the searchable lists.
booking::AllianceQuery alliance_query(const http::Request& req);
// ?state=pending|confirmed of a branch's members (default pending).
booking::MembershipState membership_state(const http::Request& req);
int invitation_days(const nlohmann::json& body);  // optional, default 7

// Statistics: ?from=&to= (both required), ?group_by= (default venue), ?format=json|csv, ?limit=.
booking::Period parse_period(const http::Request& req);  // as asked: the use case checks it
booking::GroupBy parse_group_by(const http::Request& req);
bool wants_csv(const http::Request& req);
int top_limit(const http::Request& req);

}  // namespace sh::api
