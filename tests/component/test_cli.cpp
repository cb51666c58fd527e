// The sharedhall binary's command line: bad configuration stops the start with exit code 2.
#include <doctest/doctest.h>

#include <fstream>

#include "tests/support/process.hpp"

using sh::test::run_command;

namespace {
std::string write_config(const std::string& name, const std::string& text) {
    std::string path = std::string(SH_TEST_RUN_DIR) + "/" + name;
    std::system(("mkdir -p '" + std::string(SH_TEST_RUN_DIR) + "'").c_str());
    std::ofstream(path) << text;
    return path;
}
}  // namespace

TEST_CASE("a bad config stops the start with exit code 2 and names the field") {
    std::string out;
    auto path = write_config("bad-port.json", R"({"http":{"port":"eighty"}})");
    CHECK(run_command({SH_BINARY, "serve", "--config", path}, {}, out) == 2);
    CHECK(out.find("http.port") != std::string::npos);

    auto typo = write_config("typo.json", R"({"mysql":{"hots":"x"}})");
    CHECK(run_command({SH_BINARY, "serve", "--config", typo}, {}, out) == 2);
    CHECK(out.find("mysql.hots") != std::string::npos);
}

TEST_CASE("an environment override with a bad value names the field too") {
    std::string out;
    CHECK(run_command({SH_BINARY, "serve"}, {"SH_MYSQL_PORT=notaport"}, out) == 2);
    CHECK(out.find("mysql.port") != std::string::npos);
}

TEST_CASE("a missing config file and an unknown command are refused with exit code 2") {
    std::string out;
    CHECK(run_command({SH_BINARY, "serve", "--config", "/nonexistent.json"}, {}, out) == 2);
    CHECK(out.find("--config") != std::string::npos);
    CHECK(run_command({SH_BINARY, "frobnicate"}, {}, out) == 2);
}

TEST_CASE(
    "a server refuses to start (exit 2, the reason printed) with a test clock beside what only a "
    "deployment has") {
    std::string out;
    const std::string key = R"("auth":{"token_key":"cli-test-token-key-0123456789abcdef"})";
    auto proxies = write_config(
        "clock-behind-proxy.json",
        "{" + key + R"(,"http":{"trusted_proxies":["127.0.0.2"]},)" +
            R"("wechat":{"base_url":"http://127.0.0.1:1"},"test":{"settable_clock":true}})");
    CHECK(run_command({SH_BINARY, "serve", "--config", proxies}, {}, out) == 2);
    CHECK(out.find("test.settable_clock") != std::string::npos);
    CHECK(out.find("trusted_proxies") != std::string::npos);
    auto real_wechat =
        write_config("clock-real-wechat.json", "{" + key + R"(,"test":{"settable_clock":true}})");
    CHECK(run_command({SH_BINARY, "serve", "--config", real_wechat}, {}, out) == 2);
    CHECK(out.find("wechat.base_url") != std::string::npos);
    auto open_address = write_config(
        "clock-open-address.json",
        "{" + key + R"(,"http":{"address":"0.0.0.0"},)" +
            R"("wechat":{"base_url":"http://127.0.0.1:1"},"test":{"settable_clock":true}})");
    CHECK(run_command({SH_BINARY, "serve", "--config", open_address}, {}, out) == 2);
    CHECK(out.find("http.address") != std::string::npos);
}

TEST_CASE(
    "a server without its seal's key refuses to start; the command-line tools do not need it") {
    std::string out;
    auto keyless = write_config("keyless.json", R"({"wechat":{"base_url":"http://127.0.0.1:1"}})");
    CHECK(run_command({SH_BINARY, "serve", "--config", keyless}, {}, out) == 2);
    CHECK(out.find("auth.token_key") != std::string::npos);
    CHECK(run_command({SH_BINARY, "version", "--config", keyless}, {}, out) == 0);
}
