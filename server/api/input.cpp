#include "server/api/input.hpp"

#include <charconv>
#include <limits>

namespace sh::api {

using booking::AppException;
using booking::Errc;

booking::AppException field_error(const std::string& field, const std::string& message) {
    return AppException(booking::invalid_field(field, message));
}

nlohmann::json object_body(const http::Request& req) {
    auto j = req.json_body();
    if (!j.is_object())
        throw AppException(
            booking::make_error(Errc::validation, "The body must be a JSON object."));
    return j;
}

std::optional<std::string> optional_string(const nlohmann::json& j, const char* field,
                                           std::size_t max_bytes) {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) throw field_error(field, "must be a string");
    auto s = it->get<std::string>();
    if (s.size() > max_bytes) throw field_error(field, "is too long");
    return s;
}

std::optional<bool> optional_bool(const nlohmann::json& j, const char* field) {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (!it->is_boolean()) throw field_error(field, "must be true or false");
    return it->get<bool>();
}

std::string required_string(const nlohmann::json& j, const char* field, std::size_t max_bytes) {
    auto s = optional_string(j, field, max_bytes);
    if (!s || s->empty()) throw field_error(field, "is required");
    return *s;
}

std::uint64_t required_id(const nlohmann::json& j, const char* field) {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) throw field_error(field, "is required");
    if (!it->is_number_unsigned() || it->get<std::uint64_t>() == 0)
        throw field_error(field, "must be a positive integer");
    return it->get<std::uint64_t>();
}

int required_int(const nlohmann::json& j, const char* field) {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) throw field_error(field, "is required");
    if (!it->is_number_integer()) throw field_error(field, "must be an integer");
    auto n = it->get<long long>();
    if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max())
        throw field_error(field, "is out of range");
    return static_cast<int>(n);
}

booking::Date query_date(const std::string& text, const char* field) {
    auto d = booking::parse_date(text);
    if (!d) throw field_error(field, "must be YYYY-MM-DD");
    return *d;
}

booking::Date required_query_date(const http::Request& req, const char* field) {
    auto v = req.query_param(field);
    if (!v) throw field_error(field, "is required (YYYY-MM-DD)");
    return query_date(*v, field);
}

int query_int(const std::string& text, const char* field, int min, int max) {
    int v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size())
        throw field_error(field, "must be an integer");
    if (v < min || v > max)
        throw field_error(field,
                          "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return v;
}

std::optional<std::string> cookie(const http::Request& req, std::string_view name) {
    auto all = req.header_list("cookie");
    if (!all) return std::nullopt;
    std::string_view rest = *all;
    while (!rest.empty()) {
        auto end = rest.find_first_of(";,");
        auto pair = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        auto eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name)
            return std::string(pair.substr(eq + 1));
    }
    return std::nullopt;
}

std::uint64_t path_id(const std::string& text) {
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v == 0)
        throw AppException(Errc::not_found);
    return v;
}

}  // namespace sh::api
