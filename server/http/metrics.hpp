#pragma once
// Prometheus metrics: requests by route, method and status, a latency histogram per route,
// and gauges that other parts (pools, Redis) contribute through sources.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace sh::http {

class Metrics {
public:
    static constexpr std::array<double, 12> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                       0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

    void observe(std::string_view method, std::string_view route, int status, double seconds);

    // A source appends complete Prometheus lines (with # TYPE) when /metrics is rendered.
    void add_source(std::function<void(std::string&)> source);

    std::atomic<std::int64_t> connections_active{0};
    std::atomic<std::uint64_t> connections_rejected{0};

    std::string render() const;

private:
    struct RouteStats {
        std::array<std::uint64_t, buckets.size() + 1> counts{};  // last: +Inf
        double sum = 0;
        std::uint64_t count = 0;
    };
    mutable std::mutex mu_;
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
    std::map<std::string, RouteStats> latency_;
    std::vector<std::function<void(std::string&)>> sources_;
};

}  // namespace sh::http
