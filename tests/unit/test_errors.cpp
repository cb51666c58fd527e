#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "booking/errors.hpp"

using namespace sh::booking;

TEST_CASE("each error maps to its HTTP status and stable code") {
    struct Row {
        Errc e;
        int status;
        const char* code;
    };
    for (auto [e, status, code] : {Row{Errc::bad_json, 400, "bad_json"},
                                   Row{Errc::bad_request, 400, "bad_request"},
                                   Row{Errc::validation, 422, "validation"},
                                   Row{Errc::unauthorized, 401, "unauthorized"},
                                   Row{Errc::forbidden, 403, "forbidden"},
                                   Row{Errc::not_found, 404, "not_found"},
                                   Row{Errc::method_not_allowed, 405, "method_not_allowed"},
                                   Row{Errc::payload_too_large, 413, "payload_too_large"},
                                   Row{Errc::headers_too_large, 431, "headers_too_large"},
                                   Row{Errc::rate_limited, 429, "rate_limited"},
                                   Row{Errc::login_blocked, 403, "login_blocked"},
                                   Row{Errc::invalid_code, 401, "invalid_code"},
                                   Row{Errc::internal, 500, "internal"},
                                   Row{Errc::busy, 503, "busy"},
                                   Row{Errc::db_unavailable, 503, "db_unavailable"},
                                   Row{Errc::redis_unavailable, 503, "redis_unavailable"}}) {
        CAPTURE(code);
        CHECK(to_http(e).status == status);
        CHECK(to_http(e).code == code);
        CHECK_FALSE(to_http(e).message.empty());
    }
}

TEST_CASE("the error body is the JSON envelope with code, message and optional details") {
    auto plain = nlohmann::json::parse(make_error(Errc::not_found).body());
    CHECK(plain["error"]["code"] == "not_found");
    CHECK(plain["error"]["message"] == "Not found.");
    CHECK_FALSE(plain["error"].contains("details"));

    auto detailed = nlohmann::json::parse(
        make_error(Errc::validation, "capacity must be positive", {{"field", "capacity"}}).body());
    CHECK(detailed["error"]["code"] == "validation");
    CHECK(detailed["error"]["message"] == "capacity must be positive");
    CHECK(detailed["error"]["details"]["field"] == "capacity");
}

TEST_CASE("Result holds a value or an error") {
    Result<int> ok = 5;
    REQUIRE(ok.ok());
    CHECK(ok.value() == 5);
    Result<int> bad = make_error(Errc::conflict);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().status() == 409);
}
