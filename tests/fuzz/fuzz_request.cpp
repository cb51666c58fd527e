// Bytes off the socket to what a handler reads: Beast's parser with the server's limits, the
// conversion to our Request (from_beast.hpp, the server's own), the router, the query, header
// and cookie accessors, the JSON body and the field validators every endpoint uses. Whatever the
// bytes, nothing may crash or throw anything but AppException (a 4xx).
#include <cstddef>
#include <cstdint>
#include <string>

#include "booking/errors.hpp"
#include "config/app_config.hpp"
#include "server/api/input.hpp"
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
                 {M::get, "/healthz"}, {M::post, "/api/v1/auth/login"}, {M::get, "/api/v1/me"},
                 {M::patch, "/api/v1/me"}, {M::put, "/api/v1/users/{id}/role"}, {M::get, "/api/v1/venues/{id}"},
                 {M::get, "/api/v1/venues/{id}/availability"}, {M::post, "/api/v1/venues/{id}/closures"},
                 {M::del, "/api/v1/venues/{id}/closures/{closure_id}"}, {M::post, "/api/v1/bookings"},
                 {M::post, "/api/v1/bookings/{id}/cancel"}, {M::get, "/api/v1/auth/web-login/{nonce}/code"},
                 {M::get, "/console/"}})
            routes.push_back({m, p, none});
        return http::Router(std::move(routes));
    }();
    return r;
}

void validate(const nlohmann::json& body) {
    const char* fields[] = {"venue_id", "date", "start", "end", "purpose", "attendees", "code", "name", "reason"};
    for (const char* f : fields) {
        try { api::required_string(body, f); } catch (const booking::AppException&) {}
        try { api::optional_string(body, f); } catch (const booking::AppException&) {}
        try { api::optional_bool(body, f); } catch (const booking::AppException&) {}
        try { api::required_id(body, f); } catch (const booking::AppException&) {}
        try { api::required_int(body, f); } catch (const booking::AppException&) {}
    }
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
    for (const auto& [name, value] : match.params.values) {
        try { api::path_id(value); } catch (const booking::AppException&) {}
    }
    for (const char* q : {"date", "from", "to", "group_by", "limit", "page"}) {
        auto v = req.query_param(q);
        if (!v) continue;
        try { api::query_date(*v, q); } catch (const booking::AppException&) {}
        try { api::query_int(*v, q, 1, 100); } catch (const booking::AppException&) {}
    }
    api::cookie(req, "sh_session");
    try {
        validate(api::object_body(req));
    } catch (const booking::AppException&) {
    }
    return 0;
}
