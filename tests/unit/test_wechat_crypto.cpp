#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "wechat/crypto.hpp"

using namespace sh::wechat;

namespace {
nlohmann::json vectors() {
    std::ifstream in(SH_VECTORS_FILE);
    std::stringstream ss;
    ss << in.rdbuf();
    return nlohmann::json::parse(ss.str());
}
}  // namespace

TEST_CASE("the official rawData signature vector verifies, and a changed byte does not") {
    auto v = vectors()["signature"];
    std::string raw = v["rawData"], key = v["session_key"], sig = v["signature"];
    CHECK(check_signature(raw, key, sig));
    CHECK_FALSE(check_signature(raw + " ", key, sig));
    std::string bad = sig;
    bad[0] = bad[0] == 'a' ? 'b' : 'a';
    CHECK_FALSE(check_signature(raw, key, bad));
    CHECK_FALSE(check_signature(raw, key, ""));
}

TEST_CASE("the official encryptedData vector decrypts to the expected user") {
    auto v = vectors()["decrypt"];
    auto plain =
        decrypt_user_data(v["appid"].get<std::string>(), v["session_key"].get<std::string>(),
                          v["iv"].get<std::string>(), v["encryptedData"].get<std::string>());
    REQUIRE(plain);
    auto j = nlohmann::json::parse(*plain);
    CHECK(j["openId"] == v["expect"]["openId"]);
    CHECK(j["unionId"] == v["expect"]["unionId"]);
    CHECK(j["watermark"]["appid"] == v["expect"]["watermark"]["appid"]);
    CHECK(j["watermark"]["timestamp"] == v["expect"]["watermark"]["timestamp"]);
}

TEST_CASE("decryption refuses another appid, a wrong key and malformed input") {
    auto v = vectors()["decrypt"];
    std::string key = v["session_key"], iv = v["iv"], data = v["encryptedData"];
    CHECK_FALSE(decrypt_user_data("wx0000000000000000", key, iv, data));
    CHECK_FALSE(
        decrypt_user_data(v["appid"].get<std::string>(), "AAAAAAAAAAAAAAAAAAAAAA==", iv, data));
    CHECK_FALSE(decrypt(key, iv, "not base64!"));
    CHECK_FALSE(decrypt("short", iv, data));
    CHECK_FALSE(decrypt(key, iv, ""));
}

TEST_CASE("base64 decoding honours padding") {
    CHECK(base64_decode("aGk=") == std::optional<std::string>("hi"));
    CHECK(base64_decode("aGkh") == std::optional<std::string>("hi!"));
    CHECK(base64_decode("aA==") == std::optional<std::string>("h"));
    CHECK_FALSE(base64_decode("abc"));
}
