#pragma once
// Reading request JSON: each failure is a 422 validation error naming the field.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "booking/errors.hpp"
#include "server/http/message.hpp"

namespace sh::api {

// The body as a JSON object (400 bad_json if not JSON, 422 if not an object).
nlohmann::json object_body(const http::Request& req);

booking::AppException field_error(const std::string& field, const std::string& message);

std::string required_string(const nlohmann::json& j, const char* field, std::size_t max_bytes);
std::optional<std::string> optional_string(const nlohmann::json& j, const char* field,
                                           std::size_t max_bytes);
std::uint64_t path_id(const std::string& text);  // 404 when not a positive integer

}  // namespace sh::api
