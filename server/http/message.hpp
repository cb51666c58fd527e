#pragma once
// The request and response the application sees. Plain structs: handlers never include Beast;
// only server.cpp converts to and from the wire.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/failure.hpp"

namespace sh::http {

enum class Method { get, head, post, put, patch, del, options, other };

std::string_view method_name(Method m);

using Headers = std::vector<std::pair<std::string, std::string>>;  // names in lower case

struct Request {
    Method method = Method::get;
    std::string target;  // path and query as sent
    Headers headers;
    std::string body;
    // Every line of a header joined by ", " (RFC 9110 5.3: a list split over lines is one list).
    std::optional<std::string> header_list(std::string_view lower_name) const;
    std::string client_ip;  // the peer, or X-Forwarded-For's client when the peer is trusted
    // The peer is on this machine (loopback), is no trusted proxy, and no X-Forwarded-For came:
    // nobody stands between the caller and this process.
    bool direct_loopback = false;
    std::string request_id;  // echoed in X-Request-Id

    std::string_view path() const;
    std::string_view query() const;
    std::optional<std::string_view> header(std::string_view lower_name) const;
    // Percent-decoded query parameter.
    std::optional<std::string> query_param(std::string_view name) const;
    // The body as JSON; throws AppException(bad_json) when it is not.
    nlohmann::json json_body() const;
};

struct Response {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
    Headers headers;  // extra headers (Retry-After, ...)

    static Response json(int status, const nlohmann::json& body);
    static Response error(const Failure& f);
    static Response text(int status, std::string body, std::string content_type);
};

}  // namespace sh::http
