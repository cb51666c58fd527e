#include <doctest/doctest.h>

#include "server/http/router.hpp"

using namespace sh::http;
using sh::awaitable;

namespace {
Handler dummy() {
    return [](Request&, const Params&) -> awaitable<Response> { co_return Response{}; };
}

Router table() {
    Router r;
    r.add(Method::get, "/api/v1/venues", dummy());
    r.add(Method::post, "/api/v1/venues", dummy());
    r.add(Method::get, "/api/v1/venues/{id}", dummy());
    r.add(Method::patch, "/api/v1/venues/{id}", dummy());
    r.add(Method::get, "/api/v1/venues/{id}/availability", dummy());
    r.add(Method::post, "/api/v1/bookings/{id}/cancel", dummy());
    return r;
}
}  // namespace

TEST_CASE("a known path and method finds its route and parameters") {
    auto r = table();
    auto m = r.match(Method::get, "/api/v1/venues/42/availability");
    REQUIRE(m.route);
    CHECK(m.route->pattern == "/api/v1/venues/{id}/availability");
    CHECK(m.params["id"] == "42");

    auto c = r.match(Method::post, "/api/v1/bookings/7/cancel");
    REQUIRE(c.route);
    CHECK(c.params["id"] == "7");
}

TEST_CASE("an unknown path is 404, a known path with another method is 405 with Allow") {
    auto r = table();
    auto nf = r.match(Method::get, "/api/v1/nothing");
    CHECK_FALSE(nf.route);
    CHECK(nf.error == "not_found");

    auto na = r.match(Method::del, "/api/v1/venues/3");
    CHECK_FALSE(na.route);
    CHECK(na.error == "method_not_allowed");
    CHECK(na.allow == "GET, PATCH");
}

TEST_CASE("an empty placeholder segment does not match") {
    auto r = table();
    CHECK_FALSE(r.match(Method::get, "/api/v1/venues//availability").route);
    CHECK(r.match(Method::get, "/api/v1/venues//availability").error == "not_found");
}

TEST_CASE("HEAD is served by the GET route") {
    auto r = table();
    CHECK(r.match(Method::head, "/api/v1/venues").route);
}

TEST_CASE("a trailing slash is a different path") {
    auto r = table();
    CHECK_FALSE(r.match(Method::get, "/api/v1/venues/").route);
}
