#pragma once
// A booking as the API shows it (GET /bookings/{id}, the lists, the 201 of POST /bookings).
#include <string>

#include <nlohmann/json.hpp>

#include "booking/booking.hpp"

namespace sh::api {

nlohmann::json booking_view(const booking::Booking& b);
// The same as the text of a 201: what a booking's transaction stores with its Idempotency-Key.
std::string booking_answer(const booking::Booking& b);

}  // namespace sh::api
