#include "common/log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include <nlohmann/json.hpp>

namespace sh::log {

void write(Level level, std::string_view component, std::string_view message) {
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t t = system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char ts[40];
    std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const char* lv = level == Level::info ? "info" : level == Level::warn ? "warn" : "error";
    nlohmann::json j = {{"ts", ts}, {"level", lv}, {"component", component}, {"msg", message}};
    std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace sh::log
