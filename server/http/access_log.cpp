#include "server/http/access_log.hpp"

#include <chrono>
#include <ctime>

namespace sh::http {

void append_json_escaped(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    out += "\\u00";
                    out.push_back(hex[c >> 4]);
                    out.push_back(hex[c & 0xf]);
                } else {
                    out.push_back(ch);
                }
        }
    }
}

AccessLog::AccessLog(bool enabled, std::FILE* out) : enabled_(enabled), out_(out) {
    if (enabled_) writer_ = std::thread([this] { run(); });
}

AccessLog::~AccessLog() {
    if (!enabled_) return;
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_one();
    writer_.join();
}

void AccessLog::write(const AccessEntry& e) {
    if (!enabled_) return;
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t t = system_clock::to_time_t(now);
    auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char ts[40];
    std::size_t n = std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(ts + n, sizeof ts - n, ".%03dZ", static_cast<int>(ms));
    char latency[32];
    std::snprintf(latency, sizeof latency, "%.3f", e.latency_ms);

    std::string line;
    line.reserve(256);
    line += R"({"ts":")";
    line += ts;
    line += R"(","method":")";
    line += e.method;
    line += R"(","route":")";
    append_json_escaped(line, e.route);
    line += R"(","path":")";
    append_json_escaped(line, e.path);
    line += R"(","status":)";
    line += std::to_string(e.status);
    line += R"(,"latency_ms":)";
    line += latency;
    line += R"(,"bytes":)";
    line += std::to_string(e.bytes_out);
    line += R"(,"request_id":")";
    append_json_escaped(line, e.request_id);
    line += R"(","client":")";
    append_json_escaped(line, e.client_ip);
    line += "\"}\n";

    bool wake = false;
    {
        std::lock_guard lock(mu_);
        buffer_ += line;
        wake = buffer_.size() > 64 * 1024;
    }
    if (wake) cv_.notify_one();
}

void AccessLog::flush() {
    if (!enabled_) return;
    std::string out;
    {
        std::lock_guard lock(mu_);
        out.swap(buffer_);
    }
    if (!out.empty()) std::fwrite(out.data(), 1, out.size(), out_);
    std::fflush(out_);
}

void AccessLog::run() {
    std::unique_lock lock(mu_);
    for (;;) {
        cv_.wait_for(lock, std::chrono::milliseconds(100),
                     [&] { return stopping_ || buffer_.size() > 64 * 1024; });
        std::string out;
        out.swap(buffer_);
        bool stop = stopping_;
        lock.unlock();
        if (!out.empty()) {
            std::fwrite(out.data(), 1, out.size(), out_);
            std::fflush(out_);
        }
        if (stop) return;
        lock.lock();
    }
}

}  // namespace sh::http
