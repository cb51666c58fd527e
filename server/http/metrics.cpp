#include "server/http/metrics.hpp"

#include <cstdio>
#include <map>
#include <tuple>

namespace sh::http {

namespace {
std::string format_double(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}
}  // namespace

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

void Metrics::add_source(std::function<void(std::string&)> source) {
    std::lock_guard lock(mu_);
    sources_.push_back(std::move(source));
}

std::string Metrics::render() const {
    // Sum the shards by (method, route, status) and by route.
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests;
    std::map<std::string, Series> latency;
    std::vector<std::function<void(std::string&)>> sources;
    shards_.for_each([&](Shard& shard) {
        std::lock_guard l(shard.mu);
        for (const auto& [k, s] : shard.series) {
            std::string route(k.route, k.route_len);
            requests[{k.method, route, k.status}] += s.count;
            auto& agg = latency[route];
            agg.count += s.count;
            agg.sum += s.sum;
            for (std::size_t i = 0; i < agg.counts.size(); ++i) agg.counts[i] += s.counts[i];
        }
    });
    {
        std::lock_guard lock(mu_);
        sources = sources_;
    }
    std::string out;
    out += "# HELP sh_http_requests_total HTTP requests by route, method and status.\n";
    out += "# TYPE sh_http_requests_total counter\n";
    for (const auto& [key, n] : requests) {
        const auto& [method, route, status] = key;
        out += "sh_http_requests_total{method=\"" + method + "\",route=\"" + route +
               "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(n) + "\n";
    }
    out +=
        "# HELP sh_http_request_duration_seconds Time from first request byte to response "
        "written.\n";
    out += "# TYPE sh_http_request_duration_seconds histogram\n";
    for (const auto& [route, l] : latency) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < buckets.size(); ++i) {
            cumulative += l.counts[i];
            out += "sh_http_request_duration_seconds_bucket{route=\"" + route + "\",le=\"" +
                   format_double(buckets[i]) + "\"} " + std::to_string(cumulative) + "\n";
        }
        cumulative += l.counts[buckets.size()];
        out += "sh_http_request_duration_seconds_bucket{route=\"" + route + "\",le=\"+Inf\"} " +
               std::to_string(cumulative) + "\n";
        out += "sh_http_request_duration_seconds_sum{route=\"" + route + "\"} " +
               format_double(l.sum) + "\n";
        out += "sh_http_request_duration_seconds_count{route=\"" + route + "\"} " +
               std::to_string(l.count) + "\n";
    }
    out += "# TYPE sh_http_connections_active gauge\n";
    out += "sh_http_connections_active " + std::to_string(connections_active.load()) + "\n";
    out += "# TYPE sh_http_connections_rejected_total counter\n";
    out +=
        "sh_http_connections_rejected_total " + std::to_string(connections_rejected.load()) + "\n";
    for (const auto& s : sources) s(out);
    return out;
}

}  // namespace sh::http
