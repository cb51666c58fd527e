#pragma once
// Reading request JSON: each failure is a 422 validation error naming the field.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "booking/calendar.hpp"
#include "booking/errors.hpp"
#include "server/http/message.hpp"

namespace sh::api {

// The body as a JSON object (400 bad_json if not JSON, 422 if not an object).
nlohmann::json object_body(const http::Request& req);

booking::AppException field_error(const std::string& field, const std::string& message);

// Shape and type only: lengths in characters are the domain's rules. The byte cap is a guard
// against absurd input (the body limit is the real one).
constexpr std::size_t max_field_bytes = 4096;
std::string required_string(const nlohmann::json& j, const char* field,
                            std::size_t max_bytes = max_field_bytes);
std::optional<std::string> optional_string(const nlohmann::json& j, const char* field,
                                           std::size_t max_bytes = max_field_bytes);
std::optional<bool> optional_bool(const nlohmann::json& j, const char* field);
// A positive integer id: "is required" when absent, "must be a positive integer" when of
// another type ("1", 1.5, -1).
std::uint64_t required_id(const nlohmann::json& j, const char* field);
// An integer within int: "is required" / "must be an integer".
int required_int(const nlohmann::json& j, const char* field);
// Query parameters: a date (YYYY-MM-DD) and an integer in [min, max], else 422 naming them.
booking::Date query_date(const std::string& text, const char* field);
// A required query parameter that is a date: "is required (YYYY-MM-DD)" when absent.
booking::Date required_query_date(const http::Request& req, const char* field);
int query_int(const std::string& text, const char* field, int min, int max);
std::uint64_t path_id(const std::string& text);  // 404 when not a positive integer
// The value of cookie `name` in the request's Cookie header(s).
std::optional<std::string> cookie(const http::Request& req, std::string_view name);

}  // namespace sh::api
