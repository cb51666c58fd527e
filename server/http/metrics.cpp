#include "server/http/metrics.hpp"

#include <cstdio>
#include <map>
#include <tuple>

namespace sh::http {

void Metrics::observe(std::string_view method, std::string_view route, int status, double seconds) {
    std::size_t bucket = buckets.size();
    for (std::size_t i = 0; i < buckets.size(); ++i)
        if (seconds <= buckets[i]) {
            bucket = i;
            break;
        }
    // Route patterns, not paths, are the labels: the label set stays bounded.
    Key key{method.data(), route.data(), route.size(), status};
    Shard& shard = shards_.local();
    std::lock_guard lock(shard.mu);
    Series& s = shard.series[key];
    ++s.count;
    s.sum += seconds;
    ++s.counts[bucket];
}

namespace {
// The shards summed by (method, route, status), or by route.
using Requests = std::map<std::tuple<std::string, std::string, int>, std::uint64_t>;
}  // namespace

Metrics::Metrics() {
    using metrics::Type;
    registry_.add("sh_http_requests_total", Type::counter,
                  "HTTP requests by route, method and status.",
                  [this](metrics::Samples& out) { read_requests(out); });
    registry_.add("sh_http_request_duration_seconds", Type::histogram,
                  "Time from first request byte to response written.",
                  [this](metrics::Samples& out) { read_latency(out); });
    registry_.add_value("sh_http_connections_active", Type::gauge, "Connections open now.",
                        [this] { return static_cast<double>(connections_active.load()); });
    registry_.add_value("sh_http_connections_rejected_total", Type::counter,
                        "Connections refused at the connection limit.",
                        [this] { return static_cast<double>(connections_rejected.load()); });
}

void Metrics::read_requests(metrics::Samples& out) const {
    Requests requests;
    shards_.for_each([&](Shard& shard) {
        std::lock_guard l(shard.mu);
        for (const auto& [k, s] : shard.series)
            requests[{k.method, std::string(k.route, k.route_len), k.status}] += s.count;
    });
    for (const auto& [key, n] : requests) {
        const auto& [method, route, status] = key;
        out.add({{"method", method}, {"route", route}, {"status", std::to_string(status)}},
                static_cast<double>(n));
    }
}

void Metrics::read_latency(metrics::Samples& out) const {
    std::map<std::string, Series> latency;
    shards_.for_each([&](Shard& shard) {
        std::lock_guard l(shard.mu);
        for (const auto& [k, s] : shard.series) {
            auto& agg = latency[std::string(k.route, k.route_len)];
            agg.count += s.count;
            agg.sum += s.sum;
            for (std::size_t i = 0; i < agg.counts.size(); ++i) agg.counts[i] += s.counts[i];
        }
    });
    for (const auto& [route, l] : latency) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i <= buckets.size(); ++i) {
            cumulative += l.counts[i];
            out.add_suffixed(
                "_bucket",
                {{"route", route},
                 {"le", i < buckets.size() ? metrics::format_number(buckets[i]) : "+Inf"}},
                static_cast<double>(cumulative));
        }
        out.add_suffixed("_sum", {{"route", route}}, l.sum);
        out.add_suffixed("_count", {{"route", route}}, static_cast<double>(l.count));
    }
}

std::string Metrics::render() const {
    return registry_.render();
}

}  // namespace sh::http
