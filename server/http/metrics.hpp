#pragma once
// The HTTP server's metrics: requests by route, method and status, a latency histogram per
// route, connections. Each I/O thread counts into its own shard (an uncontended lock, no
// allocation once a series exists); rendering sums the shards. They are families of the
// process's registry, to which the other parts (pools, Redis, jobs) add theirs.
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

#include "common/metrics.hpp"
#include "server/http/thread_shards.hpp"

namespace sh::http {

class Metrics {
  public:
    static constexpr std::array<double, 12> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                       0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

    // `method` and `route` must outlive the Metrics (route patterns and literals do).
    void observe(std::string_view method, std::string_view route, int status, double seconds);

    Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    // Every family of the process, these included.
    metrics::Registry& registry() { return registry_; }

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

    void read_requests(metrics::Samples& out) const;
    void read_latency(metrics::Samples& out) const;

    ThreadShards<Shard> shards_;
    metrics::Registry registry_;
};

}  // namespace sh::http
