// Errors: the domain names its failures (booking::Errc -> a stable code), server/http alone
// chooses their status, and every code anyone can raise has one.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>

#include <nlohmann/json.hpp>

#include "booking/errors.hpp"
#include "server/http/errors.hpp"
#include "server/http/message.hpp"

using namespace sh;
using namespace sh::booking;

namespace {

// Every domain error (the enum is contiguous from validation to wechat_unavailable).
std::vector<Errc> all_errcs() {
    std::vector<Errc> out;
    for (int i = 0; i <= static_cast<int>(Errc::wechat_unavailable); ++i)
        out.push_back(static_cast<Errc>(i));
    return out;
}

}  // namespace

TEST_CASE("each error maps to its HTTP status and stable code") {
    struct Row {
        const char* code;
        int status;
    };
    for (auto [code, status] :
         {Row{"bad_json", 400}, Row{"bad_request", 400}, Row{"validation", 422},
          Row{"unauthorized", 401}, Row{"forbidden", 403}, Row{"not_found", 404},
          Row{"method_not_allowed", 405}, Row{"payload_too_large", 413},
          Row{"headers_too_large", 431}, Row{"rate_limited", 429}, Row{"login_blocked", 403},
          Row{"invalid_code", 401}, Row{"internal", 500}, Row{"busy", 503},
          Row{"db_unavailable", 503}, Row{"redis_unavailable", 503}, Row{"slot_taken", 409},
          Row{"shutting_down", 503}, Row{"too_many_connections", 503}}) {
        CAPTURE(code);
        CHECK(http::status_of(code) == status);
    }
    CHECK(code_of(Errc::slot_taken) == "slot_taken");
    CHECK(code_of(Errc::self_approval) == "self_approval");
}

TEST_CASE("every code the domain can answer has a status of its own and a default message") {
    std::set<std::string_view> seen;
    for (auto e : all_errcs()) {
        auto code = code_of(e);
        CAPTURE(code);
        CHECK(seen.insert(code).second);  // no two errors share a code
        auto known = http::known_codes();
        CHECK(std::find(known.begin(), known.end(), code) != known.end());
        CHECK_FALSE(default_message(e).empty());
    }
    CHECK(seen.size() == all_errcs().size());
}

TEST_CASE("the error body is the JSON envelope with code, message and optional details") {
    auto plain_r = http::Response::error(make_error(Errc::not_found));
    CHECK(plain_r.status == 404);
    auto plain = nlohmann::json::parse(plain_r.body);
    CHECK(plain["error"]["code"] == "not_found");
    CHECK(plain["error"]["message"] == "Not found.");
    CHECK_FALSE(plain["error"].contains("details"));

    auto detailed = nlohmann::json::parse(
        http::Response::error(
            make_error(Errc::validation, "capacity must be positive", {{"field", "capacity"}}))
            .body);
    CHECK(detailed["error"]["code"] == "validation");
    CHECK(detailed["error"]["message"] == "capacity must be positive");
    CHECK(detailed["error"]["details"]["field"] == "capacity");

    auto busy = http::Response::error(
        Failure{"busy", "The service is busy; retry shortly."});  // a pool's own failure
    CHECK(busy.status == 503);
    CHECK(http::Response::error(Failure{"no_such_code", "?"}).status == 500);
}

TEST_CASE("Result holds a value or an error") {
    Result<int> ok = 5;
    REQUIRE(ok.ok());
    CHECK(ok.value() == 5);
    Result<int> bad = make_error(Errc::conflict);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == Errc::conflict);
}

TEST_CASE("every code the server can answer has a plain Chinese sentence, carried by its body") {
    for (auto code : http::known_codes()) {
        CAPTURE(code);
        auto zh = http::chinese_of(code);
        REQUIRE_FALSE(zh.empty());
        // Chinese (a CJK character's UTF-8 lead byte is 0xE4-0xE9), one sentence ending in 。
        CHECK(std::any_of(zh.begin(), zh.end(), [](char c) {
            auto b = static_cast<unsigned char>(c);
            return b >= 0xE4 && b <= 0xE9;
        }));
        CHECK(zh.substr(zh.size() - 3) == "。");
    }
    CHECK(http::chinese_of("slot_taken") == "这个时段刚被别人订了，请换一个时段。");
    // The error body carries it beside the developers' English message.
    auto body = nlohmann::json::parse(http::Response::error(make_error(Errc::slot_taken)).body);
    CHECK(body["error"]["message_zh"] == "这个时段刚被别人订了，请换一个时段。");
    CHECK(body["error"]["message"] == "This time is already held or booked.");
}

TEST_CASE("the contract lists exactly the codes the server can answer") {
    std::ifstream in(std::string(SH_SOURCE_DIR) + "/docs/openapi.yaml");
    REQUIRE(in);
    std::string spec((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The Error schema's code enum (components/schemas/Error), one flow sequence.
    auto schema = spec.find("\n    Error:\n      type: object");
    REQUIRE(schema != std::string::npos);
    auto from = spec.find("enum: [", schema);
    REQUIRE(from != std::string::npos);
    from += 7;
    auto to = spec.find(']', from);
    std::set<std::string> listed;
    for (std::size_t at = from; at < to;) {
        auto comma = std::min(spec.find(',', at), to);
        auto code = spec.substr(at, comma - at);
        code.erase(0, code.find_first_not_of(' '));
        listed.insert(code);
        at = comma + 1;
    }
    std::set<std::string> answered;
    for (auto code : http::known_codes()) answered.insert(std::string(code));
    for (const auto& code : answered) {
        CAPTURE(code);
        CHECK(listed.count(code) == 1);  // the server answers it: the contract must list it
    }
    for (const auto& code : listed) {
        CAPTURE(code);
        CHECK(answered.count(code) == 1);  // listed, but the server never answers it
    }
}
