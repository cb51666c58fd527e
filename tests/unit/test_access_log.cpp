#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "server/http/access_log.hpp"

using namespace sh::http;

TEST_CASE("an access log line is one JSON object with the request's facts") {
    std::FILE* f = std::tmpfile();
    {
        AccessLog log(true, f);
        log.write(AccessEntry{"GET", "/api/v1/venues/{id}", "/api/v1/venues/7\"\n", 200, 1.25,
                              "req-1", "10.0.0.9", 42});
    }
    std::rewind(f);
    char buf[1024] = {};
    REQUIRE(std::fgets(buf, sizeof buf, f));
    std::string line = buf;
    CHECK(line.back() == '\n');
    auto j = nlohmann::json::parse(line);
    CHECK(j["method"] == "GET");
    CHECK(j["route"] == "/api/v1/venues/{id}");
    CHECK(j["path"] == "/api/v1/venues/7\"\n");
    CHECK(j["status"] == 200);
    CHECK(j["latency_ms"].get<double>() == doctest::Approx(1.25));
    CHECK(j["request_id"] == "req-1");
    CHECK(j["client"] == "10.0.0.9");
    CHECK(j["bytes"] == 42);
    CHECK(j.contains("ts"));
    std::fclose(f);
}

TEST_CASE("control characters are escaped so a line stays one line") {
    std::string out;
    append_json_escaped(out, std::string("a\x01\tb", 4));
    CHECK(out == "a\\u0001\\tb");
}
