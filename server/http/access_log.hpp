#pragma once
// One JSON line per request. Lines are appended to an in-memory buffer under a short lock and
// written by a background thread every 100 ms (or when the buffer fills), so a request never
// waits on the disk.
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace sh::http {

struct AccessEntry {
    std::string_view method;
    std::string_view route;  // the matched pattern
    std::string_view path;
    int status;
    double latency_ms;
    std::string_view request_id;
    std::string_view client_ip;
    std::size_t bytes_out;
};

class AccessLog {
public:
    // Writes to `out` (stdout by default). Disabled: write() does nothing.
    explicit AccessLog(bool enabled, std::FILE* out = stdout);
    ~AccessLog();
    AccessLog(const AccessLog&) = delete;
    AccessLog& operator=(const AccessLog&) = delete;

    void write(const AccessEntry& e);
    void flush();  // writes what is buffered now

private:
    void run();

    bool enabled_;
    std::FILE* out_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::string buffer_;
    bool stopping_ = false;
    std::thread writer_;
};

// Appends s to out as the inside of a JSON string.
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace sh::http
