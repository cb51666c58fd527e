#pragma once
// Prometheus metrics: requests by route, method and status, a latency histogram per route,
// and gauges that other parts (pools, Redis) contribute through sources. Each I/O thread counts
// into its own shard (an uncontended lock, no allocation once a series exists); /metrics sums
// the shards.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/http/thread_shards.hpp"

namespace sh::http {

class Metrics {
  public:
    static constexpr std::array<double, 12> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                       0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

    // `method` and `route` must outlive the Metrics (route patterns and literals do).
    void observe(std::string_view method, std::string_view route, int status, double seconds);

    // A source appends complete Prometheus lines (with # TYPE) when /metrics is rendered.
    void add_source(std::function<void(std::string&)> source);

    std::atomic<std::int64_t> connections_active{0};
    std::atomic<std::uint64_t> connections_rejected{0};

    std::string render() const;

  private:
    struct Key {
        const char* method;
        const char* route;
        std::size_t route_len;
        int status;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const {
            return std::hash<const void*>()(k.route) * 31 + std::hash<const void*>()(k.method) * 7 +
                   static_cast<std::size_t>(k.status);
        }
    };
    struct Series {
        std::uint64_t count = 0;
        double sum = 0;
        std::array<std::uint64_t, buckets.size() + 1> counts{};  // last: +Inf
    };
    struct Shard {
        std::mutex mu;
        std::unordered_map<Key, Series, KeyHash> series;
    };

    ThreadShards<Shard> shards_;
    mutable std::mutex mu_;  // guards sources_
    std::vector<std::function<void(std::string&)>> sources_;
};

}  // namespace sh::http
