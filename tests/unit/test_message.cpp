#include <doctest/doctest.h>

#include "server/http/message.hpp"

using namespace sh::http;

TEST_CASE("query parameters are split and percent-decoded") {
    Request r;
    r.target = "/api/v1/venues?street_id=3&name=%E6%B1%9F%E5%AE%81+%E8%B7%AF&empty=&flag";
    CHECK(r.path() == "/api/v1/venues");
    CHECK(r.query_param("street_id") == std::optional<std::string>("3"));
    CHECK(r.query_param("name") == std::optional<std::string>("江宁 路"));
    CHECK(r.query_param("empty") == std::optional<std::string>(""));
    CHECK(r.query_param("flag") == std::optional<std::string>(""));
    CHECK_FALSE(r.query_param("missing"));
}

TEST_CASE("a malformed percent escape is kept as it is") {
    Request r;
    r.target = "/x?a=100%&b=%zz";
    CHECK(r.query_param("a") == std::optional<std::string>("100%"));
    CHECK(r.query_param("b") == std::optional<std::string>("%zz"));
}

TEST_CASE("a body that is not JSON is bad_json") {
    Request r;
    r.body = "{\"a\":";
    try {
        r.json_body();
        FAIL("expected bad_json");
    } catch (const sh::FailureException& e) {
        CHECK(e.failure().code == "bad_json");
    }
    r.body = R"({"a":1})";
    CHECK(r.json_body()["a"] == 1);
}

TEST_CASE("headers are found by lower-case name") {
    Request r;
    r.headers = {{"content-type", "application/json"}, {"x-request-id", "abc"}};
    CHECK(r.header("x-request-id") == std::optional<std::string_view>("abc"));
    CHECK_FALSE(r.header("authorization"));
}
