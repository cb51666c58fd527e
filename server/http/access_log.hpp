#pragma once
// One JSON line per request. Each I/O thread appends to its own buffer (an uncontended lock);
// a background thread collects and writes them every 100 ms, so a request never waits on the
// disk and I/O threads never queue behind each other.
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "server/http/thread_shards.hpp"

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
    struct Shard {
        std::mutex mu;
        std::string buffer;
    };
    std::string collect();
    void run();

    bool enabled_;
    std::FILE* out_;
    ThreadShards<Shard> shards_;
    std::mutex mu_;  // guards stopping_
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread writer_;
};

// Appends s to out as the inside of a JSON string.
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace sh::http
