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
