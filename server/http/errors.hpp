#pragma once
// The one table from an error's code to its HTTP status and its Chinese sentence, and the
// transport's own failures. Codes
// come from whoever raised them (the domain's booking::Errc, the pools, the HTTP layer); this is
// the only place a status is chosen. A code missing here is answered 500 — and fails the unit
// test that walks every code the server can answer.
#include <string>
#include <string_view>
#include <vector>

#include "common/failure.hpp"

namespace sh::http {

int status_of(std::string_view code);
// The plain Chinese sentence for a code, as every error body carries it (message_zh): what
// happened and, where it helps, what to do next. Unknown codes read as internal's.
std::string_view chinese_of(std::string_view code);
// Every code in the table (for the tests and the contract).
std::vector<std::string_view> known_codes();

// The transport's failures, with their default messages: bad_request, bad_json, not_found,
// method_not_allowed, payload_too_large, headers_too_large, too_many_connections, internal.
Failure transport_failure(std::string_view code);

}  // namespace sh::http
