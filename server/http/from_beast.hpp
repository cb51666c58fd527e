#pragma once
// A parsed Beast request to our Request: the step between the socket and the router, shared by
// the server (server.cpp) and the request fuzzer (tests/fuzz). Includes Beast: keep it out of
// every other translation unit.
#include <algorithm>
#include <cctype>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <boost/beast/http.hpp>

#include "config/app_config.hpp"
#include "server/http/message.hpp"

namespace sh::http {

namespace bhttp = boost::beast::http;

inline Method to_method(bhttp::verb v) {
    switch (v) {
        case bhttp::verb::get: return Method::get;
        case bhttp::verb::head: return Method::head;
        case bhttp::verb::post: return Method::post;
        case bhttp::verb::put: return Method::put;
        case bhttp::verb::patch: return Method::patch;
        case bhttp::verb::delete_: return Method::del;
        case bhttp::verb::options: return Method::options;
        default: return Method::other;
    }
}

inline bool valid_request_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
}

inline std::string new_request_id() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char hex[] = "0123456789abcdef";
    std::uint64_t v = rng();
    std::string id(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) id[static_cast<std::size_t>(i)] = hex[v & 0xf];
    return id;
}

inline std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// A peer on this machine: config's loopback rule, after Asio's IPv4-mapped prefix.
inline bool is_loopback_address(std::string_view a) {
    if (a.rfind("::ffff:", 0) == 0) a.remove_prefix(7);
    return config::is_loopback_host(std::string(a));
}

// X-Forwarded-For is believed only when the peer is a trusted proxy; then the client is the
// right-most address that is not itself a trusted proxy.
inline std::string client_address(const std::string& peer, std::optional<std::string_view> xff,
                                  const std::unordered_set<std::string>& trusted) {
    if (!xff || !trusted.count(peer)) return peer;
    std::vector<std::string_view> hops;
    std::string_view rest = *xff;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        hops.push_back(trim_blanks(rest.substr(0, comma)));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    for (auto it = hops.rbegin(); it != hops.rend(); ++it)
        if (!it->empty() && !trusted.count(std::string(*it))) return std::string(*it);
    return hops.empty() || hops.front().empty() ? peer : std::string(hops.front());
}

// The request as handlers see it: method, target, headers (names in lower case), body, the
// request id (the client's if well-formed) and the client's address.
inline Request to_request(bhttp::request<bhttp::string_body>&& msg, const std::string& peer,
                          const std::unordered_set<std::string>& trusted) {
    Request req;
    req.method = to_method(msg.method());
    req.target = std::string(msg.target());
    req.headers.reserve(16);
    for (const auto& f : msg) {
        std::string name(f.name_string());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        req.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    req.body = std::move(msg.body());
    auto rid = req.header("x-request-id");
    req.request_id = rid && valid_request_id(*rid) ? std::string(*rid) : new_request_id();
    auto forwarded = req.header_list("x-forwarded-for");
    req.client_ip = client_address(
        peer, forwarded ? std::optional<std::string_view>(*forwarded) : std::nullopt, trusted);
    req.direct_loopback = !forwarded && !trusted.count(peer) && is_loopback_address(peer);
    return req;
}

}  // namespace sh::http
