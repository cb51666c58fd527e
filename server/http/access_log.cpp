#include "server/http/access_log.hpp"

#include <atomic>
#include <charconv>
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

namespace {
// "2026-11-26T13:20:14.909Z", reformatting the seconds only when they change.
void append_timestamp(std::string& out) {
    using namespace std::chrono;
    thread_local std::time_t cached_second = -1;
    thread_local char cached[32];
    auto now = system_clock::now();
    std::time_t t = system_clock::to_time_t(now);
    if (t != cached_second) {
        std::tm tm{};
        gmtime_r(&t, &tm);
        std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
        cached_second = t;
    }
    auto ms = static_cast<int>(duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000);
    out += cached;
    char frac[6] = {'.',
                    static_cast<char>('0' + ms / 100),
                    static_cast<char>('0' + ms / 10 % 10),
                    static_cast<char>('0' + ms % 10),
                    'Z',
                    '\0'};
    out += frac;
}

void append_number(std::string& out, std::uint64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
}
}  // namespace

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
    thread_local std::string line;
    line.clear();
    line += R"({"ts":")";
    append_timestamp(line);
    line += R"(","method":")";
    line += e.method;
    line += R"(","route":")";
    append_json_escaped(line, e.route);
    line += R"(","path":")";
    append_json_escaped(line, e.path);
    line += R"(","status":)";
    append_number(line, static_cast<std::uint64_t>(e.status));
    line += R"(,"latency_ms":)";
    auto micros = static_cast<std::uint64_t>(e.latency_ms * 1000.0 + 0.5);
    append_number(line, micros / 1000);
    char frac[5] = {'.', static_cast<char>('0' + micros / 100 % 10),
                    static_cast<char>('0' + micros / 10 % 10), static_cast<char>('0' + micros % 10),
                    '\0'};
    line += frac;
    line += R"(,"bytes":)";
    append_number(line, e.bytes_out);
    line += R"(,"request_id":")";
    append_json_escaped(line, e.request_id);
    line += R"(","client":")";
    append_json_escaped(line, e.client_ip);
    line += "\"}\n";

    Shard& shard = shards_.local();
    std::lock_guard lock(shard.mu);
    shard.buffer += line;
}

std::string AccessLog::collect() {
    std::string out;
    shards_.for_each([&out](Shard& shard) {
        std::lock_guard l(shard.mu);
        if (out.empty())
            out.swap(shard.buffer);
        else {
            out += shard.buffer;
            shard.buffer.clear();
        }
    });
    return out;
}

void AccessLog::flush() {
    if (!enabled_) return;
    std::string out = collect();
    if (!out.empty()) std::fwrite(out.data(), 1, out.size(), out_);
    std::fflush(out_);
}

void AccessLog::run() {
    for (;;) {
        bool stop;
        {
            std::unique_lock lock(mu_);
            cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stopping_; });
            stop = stopping_;
        }
        flush();
        if (stop) return;
    }
}

}  // namespace sh::http
