// Load generator for the booking benchmarks (loopback only; stops by itself).
//   sh_booker login    --port P --users N [--prefix X]             -> tokens on stdout, one per line
//   sh_booker burst    --ports P1,P2 --tokens F --venue V --date D --slots S --attempts A --concurrency C
//   sh_booker distinct --ports P --tokens F --venues V1,V2,.. --date D --requests R --concurrency C
// Prints one JSON line: counts by status, elapsed seconds, requests/s, p50/p99/max latency (ms).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "booking/calendar.hpp"
#include "tests/support/http_client.hpp"

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

std::map<std::string, std::string> args(int argc, char** argv) {
    std::map<std::string, std::string> a;
    for (int i = 2; i + 1 < argc; i += 2) a[argv[i]] = argv[i + 1];
    return a;
}

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string x; std::getline(ss, x, ',');) out.push_back(x);
    return out;
}

struct Stats {
    std::mutex mu;
    std::map<int, int> statuses;
    std::vector<double> latencies_ms;
    std::map<std::string, int> codes;
    void add(int status, double ms, const std::string& code) {
        std::lock_guard lock(mu);
        ++statuses[status];
        latencies_ms.push_back(ms);
        if (!code.empty()) ++codes[code];
    }
    json report(double seconds) {
        std::sort(latencies_ms.begin(), latencies_ms.end());
        auto pct = [&](double p) {
            return latencies_ms.empty() ? 0.0 : latencies_ms[std::min(latencies_ms.size() - 1,
                                                                      static_cast<std::size_t>(p * static_cast<double>(latencies_ms.size())))];
        };
        json s = json::object();
        for (auto [k, v] : statuses) s[std::to_string(k)] = v;
        return {{"statuses", s}, {"codes", codes}, {"requests", latencies_ms.size()}, {"seconds", seconds},
                {"per_second", static_cast<double>(latencies_ms.size()) / seconds},
                {"p50_ms", pct(0.50)}, {"p99_ms", pct(0.99)}, {"max_ms", latencies_ms.empty() ? 0.0 : latencies_ms.back()}};
    }
};

// Runs `total` jobs on `concurrency` threads, each job one HTTP request on a keep-alive connection.
template <class MakeRequest>
json run(const std::vector<std::uint16_t>& ports, int total, int concurrency, MakeRequest make) {
    Stats stats;
    std::atomic<int> next{0};
    auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < concurrency; ++t)
        threads.emplace_back([&, t] {
            auto port = ports[static_cast<std::size_t>(t) % ports.size()];
            std::unique_ptr<sh::test::Connection> conn;
            for (int i; (i = next.fetch_add(1)) < total;) {
                auto [target, body, token] = make(i);
                auto t0 = Clock::now();
                std::optional<sh::test::HttpResult> r;
                for (int attempt = 0; attempt < 2 && !r; ++attempt) {
                    if (!conn) conn = std::make_unique<sh::test::Connection>(port);
                    if (conn->send(sh::test::make_request("POST", target, body, "Authorization: Bearer " + token + "\r\n")))
                        r = conn->read_response(std::chrono::seconds(30));
                    if (!r) conn.reset();
                }
                double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
                std::string code;
                if (r && r->status >= 400) {
                    auto j = json::parse(r->body, nullptr, false);
                    if (j.is_object() && j.contains("error")) code = j["error"].value("code", "");
                }
                stats.add(r ? r->status : 0, ms, code);
                if (r && r->header("connection") == "close") conn.reset();
            }
        });
    for (auto& th : threads) th.join();
    return stats.report(std::chrono::duration<double>(Clock::now() - start).count());
}

std::vector<std::string> read_tokens(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

std::string body_for(std::uint64_t venue, const std::string& date, int start, int end) {
    return json{{"venue_id", venue}, {"date", date}, {"start", sh::booking::format_hhmm(start)},
                {"end", sh::booking::format_hhmm(end)}, {"purpose", "基准测试"}, {"attendees", 5}}
        .dump();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    std::string mode = argv[1];
    auto a = args(argc, argv);
    if (mode == "login") {
        auto port = static_cast<std::uint16_t>(std::stoi(a["--port"]));
        int users = std::stoi(a["--users"]);
        std::string prefix = a.count("--prefix") ? a["--prefix"] : "bench";
        for (int i = 0; i < users; ++i) {
            auto r = sh::test::request(port, "POST", "/api/v1/auth/login",
                                       json{{"code", prefix + "-user-" + std::to_string(i)}}.dump());
            if (!r || r->status != 200) {
                std::cerr << "login failed: " << (r ? r->body : "no response") << "\n";
                return 1;
            }
            std::cout << json::parse(r->body)["token"].get<std::string>() << "\n";
        }
        return 0;
    }
    std::vector<std::uint16_t> ports;
    for (const auto& p : split(a["--ports"])) ports.push_back(static_cast<std::uint16_t>(std::stoi(p)));
    auto tokens = read_tokens(a["--tokens"]);
    int concurrency = std::stoi(a["--concurrency"]);
    std::string date = a["--date"];
    if (mode == "burst") {
        // Many users, few slots: S consecutive 15-minute slots from 09:00, picked at random.
        std::uint64_t venue = std::stoull(a["--venue"]);
        int slots = std::stoi(a["--slots"]), attempts = std::stoi(a["--attempts"]);
        std::mt19937 rng(7);
        std::vector<int> pick;
        for (int i = 0; i < attempts; ++i) pick.push_back(static_cast<int>(rng() % static_cast<unsigned>(slots)));
        auto report = run(ports, attempts, concurrency, [&](int i) {
            int start = 9 * 60 + 15 * pick[static_cast<std::size_t>(i)];
            return std::tuple{std::string("/api/v1/bookings"), body_for(venue, date, start, start + 15),
                              tokens[static_cast<std::size_t>(i) % tokens.size()]};
        });
        std::cout << report.dump() << "\n";
    } else if (mode == "distinct") {
        // Every request its own quantum: user u books its k-th request on day k (one a day, so
        // the daily quota holds), at quarter q = u % 48 from 09:00, in hall u / 48.
        auto venues = split(a["--venues"]);
        int requests = std::stoi(a["--requests"]);
        auto first = *sh::booking::parse_date(date);
        int users = static_cast<int>(tokens.size());
        auto report = run(ports, requests, concurrency, [&](int i) {
            int u = i % users, k = i / users;
            int start = 9 * 60 + 15 * (u % 48);
            auto venue = std::stoull(venues[static_cast<std::size_t>(u / 48) % venues.size()]);
            return std::tuple{std::string("/api/v1/bookings"),
                              body_for(venue, sh::booking::format_date(sh::booking::add_days(first, k)), start, start + 15),
                              tokens[static_cast<std::size_t>(u)]};
        });
        std::cout << report.dump() << "\n";
    }
    return 0;
}
