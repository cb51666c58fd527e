#pragma once
// Operational log lines (JSON, one per line, on stderr). The access log is separate
// (server/http/access_log.hpp). Never pass secrets, tokens or session keys here.
#include <string_view>

namespace sh::log {

enum class Level { info, warn, error };

void write(Level level, std::string_view component, std::string_view message);
inline void info(std::string_view c, std::string_view m) {
    write(Level::info, c, m);
}
inline void warn(std::string_view c, std::string_view m) {
    write(Level::warn, c, m);
}
inline void error(std::string_view c, std::string_view m) {
    write(Level::error, c, m);
}

}  // namespace sh::log
