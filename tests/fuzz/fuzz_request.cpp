// Bytes off the socket to what a handler reads: Beast's parser with the server's limits, the
// conversion to our Request (from_beast.hpp, the server's own), the router, the query, header
// and cookie accessors, and every endpoint's reading of its query and JSON body (bodies.hpp, the
// handlers' own code). Whatever the bytes, nothing may crash or throw anything but a Failure
// (a 4xx).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "booking/errors.hpp"
#include "config/app_config.hpp"
#include "server/api/bodies.hpp"
#include "server/api/input.hpp"
#include "server/http/errors.hpp"
#include "server/http/from_beast.hpp"
#include "server/http/router.hpp"

using namespace sh;

namespace {

const http::Router& router() {
    // The shapes of the real table (server/api/routes.cpp): literals, placeholders, methods.
    static const http::Router r = [] {
        using M = http::Method;
        http::Handler none = [](http::Request&, const http::Params&) -> awaitable<http::Response> {
            co_return http::Response::text(200, "", "text/plain");
        };
        std::vector<http::Route> routes;
        for (auto [m, p] : std::initializer_list<std::pair<M, const char*>>{
                 {M::get, "/healthz"},
                 {M::post, "/api/v1/auth/login"},
                 {M::get, "/api/v1/me"},
                 {M::patch, "/api/v1/me"},
                 {M::put, "/api/v1/users/{id}/role"},
                 {M::get, "/api/v1/venues/{id}"},
                 {M::get, "/api/v1/venues/{id}/availability"},
                 {M::post, "/api/v1/venues/{id}/closures"},
                 {M::del, "/api/v1/venues/{id}/closures/{closure_id}"},
                 {M::post, "/api/v1/bookings"},
                 {M::post, "/api/v1/bookings/{id}/cancel"},
                 {M::get, "/api/v1/auth/web-login/{nonce}/code"},
                 {M::get, "/console/"}})
            routes.push_back({m, p, none});
        return http::Router(std::move(routes));
    }();
    return r;
}

// Runs f, letting only the Failure every refusal is pass — and only with a 4xx status.
template <class F>
void refused_or_ok(F f) {
    try {
        f();
    } catch (const FailureException& e) {
        if (http::status_of(e.failure().code) >= 500) std::abort();
    }
}

// Every endpoint's reading of a JSON body (server/api/bodies.hpp), and a hall's fields.
void read_body(const http::Request& req, const nlohmann::json& body) {
    refused_or_ok([&] { api::parse_slot(body); });
    refused_or_ok([&] { api::parse_booking(body); });
    refused_or_ok([&] { api::parse_change(body); });
    refused_or_ok([&] { api::idempotency_key(req, body); });
    refused_or_ok([&] { api::venue_code(body); });
    refused_or_ok([&] { api::template_ids(body); });
    refused_or_ok([&] { api::parse_building(body); });
    refused_or_ok([&] { api::parse_closure(body); });
    refused_or_ok([&] { api::login_code(body); });
    refused_or_ok([&] { api::parse_profile(body); });
    refused_or_ok([&] { api::parse_role_request(body); });
    booking::Venue venue;
    booking::apply_venue_json(body, venue);  // answers its refusal, throws nothing
}

// Every endpoint's reading of the query string and of a body that may be empty.
void read_query(const http::Request& req) {
    refused_or_ok([&] { api::booking_filters(req); });
    refused_or_ok([&] { api::parse_cancellation(req); });
    refused_or_ok([&] { api::reason_of(req); });
    refused_or_ok([&] { api::parse_search(req); });
    refused_or_ok([&] { api::parse_period(req); });
    refused_or_ok([&] { api::parse_group_by(req); });
    refused_or_ok([&] { api::wants_csv(req); });
    refused_or_ok([&] { api::top_limit(req); });
    refused_or_ok([&] { api::query_id(req, "street_id"); });
    refused_or_ok([&] { api::required_query_date(req, "date"); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const config::HttpConfig limits;
    static const std::unordered_set<std::string> trusted{"127.0.0.2"};
    http::bhttp::request_parser<http::bhttp::string_body> parser;
    parser.body_limit(limits.body_limit);
    parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
    parser.eager(true);
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(data, size), ec);
    if (ec && ec != http::bhttp::error::need_more) return 0;  // the server answers 400/413/431
    if (!parser.is_done()) {
        parser.put_eof(ec);
        if (ec || !parser.is_done()) return 0;
    }
    http::Request req = http::to_request(parser.release(), "127.0.0.2", trusted);

    auto match = router().match(req.method, req.path());
    for (const auto& param : match.params.values)
        refused_or_ok([&] { api::path_id(param.second); });
    api::cookie(req, "sh_session");
    read_query(req);
    refused_or_ok([&] { read_body(req, api::object_body(req)); });
    return 0;
}
