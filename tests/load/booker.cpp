// Load generator for the booking benchmarks (loopback only; stops by itself).
//   sh_booker login  --port P --users N [--prefix X]             -> tokens on stdout, one per line
//   sh_booker burst  --ports P1,P2 --tokens F --venue V --date D --slots S --attempts A
//   --concurrency C sh_booker closed --ports P --tokens F WALK --concurrency C --duration S
//   [--warmup S] [IDS] sh_booker open   --ports P --tokens F WALK --rate R --concurrency C
//   --duration S [--warmup S] [IDS] sh_booker mix    --ports P --tokens F --admin-token T --venues
//   V1,.. --first-day D --rate R
//                    --concurrency C --duration S --checkin-halls FILE --checkins-per-second N
// WALK: --venues V1,V2,.. --first-day D [--first-minute M --slot-minutes S --slots-per-day N]:
// request i books its own slot (load/slots.hpp), as member (i + K) % members with [--user-offset
// K]. IDS: [--idempotency 1] sends an Idempotency-Key per request;
// [--ids-out F] appends the ids of the 201s to F.
// closed: C connections, each sending its next request when the last is answered.
// open: a fixed arrival rate R; C connections carry it, and each latency is counted from the
// request's intended send time, so a server that falls behind shows it (no coordinated omission).
// [--ca FILE] (any mode): HTTPS, trusting only that CA, as to nginx in scripts/cluster.sh;
// [--source A]: connect from loopback address A (127.0.x.y), another "machine" to the server.
// mix (the soak's other traffic): open loop at R reads/s, 49 of 50 a day's availability of a hall
// of V on one of the 30 days from D, 1 of 50 a statistics question as the district admin T; and,
// N times a second, a member booking a 15-minute slot starting in the coming hour on a hall of
// FILE (lines "id code", halls open all day with check-in 60 minutes before the start) and
// checking in at it with the hall's code. Reports each kind's statuses.
// Prints one JSON line: counts by status, elapsed seconds, requests/s, p50/p99/max latency (ms).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "booking/calendar.hpp"
#include "tests/load/slots.hpp"
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
            return latencies_ms.empty()
                       ? 0.0
                       : latencies_ms[std::min(latencies_ms.size() - 1,
                                               static_cast<std::size_t>(
                                                   p * static_cast<double>(latencies_ms.size())))];
        };
        json s = json::object();
        for (auto [k, v] : statuses) s[std::to_string(k)] = v;
        return {{"statuses", s},
                {"codes", codes},
                {"requests", latencies_ms.size()},
                {"seconds", seconds},
                {"per_second", static_cast<double>(latencies_ms.size()) / seconds},
                {"p50_ms", pct(0.50)},
                {"p99_ms", pct(0.99)},
                {"max_ms", latencies_ms.empty() ? 0.0 : latencies_ms.back()}};
    }
};

// How every connection is made (--ca: over TLS).
sh::test::ClientOptions client_options;

// One keep-alive connection of one client thread: sends a request and reads its answer, opening
// the connection again once if the server closed it meanwhile.
struct Client {
    std::uint16_t port;
    std::unique_ptr<sh::test::Connection> conn;
    std::optional<sh::test::HttpResult> post(const std::string& target, const std::string& body,
                                             const std::string& headers) {
        return send("POST", target, body, headers);
    }
    std::optional<sh::test::HttpResult> send(const char* method, const std::string& target,
                                             const std::string& body, const std::string& headers) {
        std::optional<sh::test::HttpResult> r;
        for (int attempt = 0; attempt < 2 && !r; ++attempt) {
            if (!conn) {
                try {
                    conn = std::make_unique<sh::test::Connection>(port, client_options);
                } catch (const std::exception&) {
                    continue;  // refused: counted as no answer
                }
            }
            if (conn->send(sh::test::make_request(method, target, body, headers)))
                r = conn->read_response(std::chrono::seconds(30));
            if (!r) conn.reset();
        }
        if (r && r->header("connection") == "close") conn.reset();
        return r;
    }
};

struct Request {
    std::string target, body, token, idempotency_key;
};

std::string error_code(const std::optional<sh::test::HttpResult>& r) {
    if (!r || r->status < 400) return {};
    auto j = json::parse(r->body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

// Sends one request and records it (when `count`); the id of a 201 goes to `ids`.
void send_one(Client& c, const Request& q, Clock::time_point since, bool count, Stats& stats,
              std::vector<std::uint64_t>* ids) {
    std::string headers = "Authorization: Bearer " + q.token + "\r\n";
    if (!q.idempotency_key.empty()) headers += "Idempotency-Key: " + q.idempotency_key + "\r\n";
    auto r = c.post(q.target, q.body, headers);
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - since).count();
    if (r && r->status == 201 && ids) {
        auto j = json::parse(r->body, nullptr, false);
        if (j.is_object() && j.contains("id")) ids->push_back(j["id"].get<std::uint64_t>());
    }
    if (count) stats.add(r ? r->status : 0, ms, error_code(r));
}

// Runs `total` requests on `concurrency` threads, each on its own keep-alive connection.
template <class MakeRequest>
json run(const std::vector<std::uint16_t>& ports, int total, int concurrency, MakeRequest make) {
    Stats stats;
    std::atomic<int> next{0};
    auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < concurrency; ++t)
        threads.emplace_back([&, t] {
            Client c{ports[static_cast<std::size_t>(t) % ports.size()], {}};
            for (int i; (i = next.fetch_add(1)) < total;)
                send_one(c, make(i), Clock::now(), true, stats, nullptr);
        });
    for (auto& th : threads) th.join();
    return stats.report(std::chrono::duration<double>(Clock::now() - start).count());
}

// A timed run, closed loop (rate 0: each thread sends when its last request is answered) or
// open loop (request i is due at start + i / rate; its latency counts from then). Requests due
// in the warm-up are sent but not counted. Reports also how many were sent and the days walked.
template <class MakeRequest>
json run_timed(const std::vector<std::uint16_t>& ports, int concurrency, double rate,
               double warmup_s, double duration_s, MakeRequest make,
               std::vector<std::uint64_t>* ids) {
    using namespace std::chrono;
    Stats stats;
    std::mutex ids_mu;
    std::atomic<std::size_t> next{0};
    auto start = Clock::now();
    auto measured_from = start + duration_cast<Clock::duration>(duration<double>(warmup_s));
    auto end = measured_from + duration_cast<Clock::duration>(duration<double>(duration_s));
    std::vector<std::thread> threads;
    for (int t = 0; t < concurrency; ++t)
        threads.emplace_back([&, t] {
            Client c{ports[static_cast<std::size_t>(t) % ports.size()], {}};
            std::vector<std::uint64_t> mine;
            for (;;) {
                auto i = next.fetch_add(1);
                auto due = rate > 0 ? start + duration_cast<Clock::duration>(
                                                  duration<double>(static_cast<double>(i) / rate))
                                    : Clock::now();
                if (due >= end) break;
                std::this_thread::sleep_until(due);
                send_one(c, make(i), due, due >= measured_from, stats, ids ? &mine : nullptr);
            }
            std::lock_guard lock(ids_mu);
            if (ids) ids->insert(ids->end(), mine.begin(), mine.end());
        });
    for (auto& th : threads) th.join();
    auto report =
        stats.report(std::min(duration_s, duration<double>(Clock::now() - measured_from).count()));
    report["sent"] = next.load() - static_cast<std::size_t>(concurrency);
    return report;
}

std::vector<std::string> read_tokens(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

std::string body_for(std::uint64_t venue, const std::string& date, int start, int end,
                     const std::string& purpose = "基准测试") {
    return json{{"venue_id", venue},
                {"date", date},
                {"start", sh::booking::format_hhmm(start)},
                {"end", sh::booking::format_hhmm(end)},
                {"purpose", purpose},
                {"attendees", 5}}
        .dump();
}

// The soak's reads and check-ins (see the header). Each kind's answers are counted apart.
json run_mix(std::map<std::string, std::string>& a, const std::vector<std::uint16_t>& ports,
             const std::vector<std::string>& tokens) {
    using namespace std::chrono;
    auto walk = sh::load::walk_from(a);
    std::string admin = "Authorization: Bearer " + a["--admin-token"] + "\r\n";
    double rate = std::stod(a["--rate"]), duration_s = std::stod(a["--duration"]);
    int concurrency = std::stoi(a["--concurrency"]);
    double checkin_rate = std::stod(a["--checkins-per-second"]);
    std::vector<std::pair<std::string, std::string>> venues;  // id, code
    {
        std::ifstream in(a["--checkin-halls"]);
        for (std::string id, code; in >> id >> code;) venues.emplace_back(id, code);
    }
    if (venues.empty()) throw std::runtime_error("no check-in halls");
    auto today = walk.first_day;
    auto from = sh::booking::format_date(sh::booking::add_days(today, -30)),
         to = sh::booking::format_date(today);
    const std::vector<std::string> questions = {
        "/api/v1/stats/usage?from=" + from + "&to=" + to + "&group_by=building",
        "/api/v1/stats/usage?from=" + from + "&to=" + to + "&group_by=day",
        "/api/v1/stats/usage?from=" + from + "&to=" + to + "&group_by=venue",
        "/api/v1/stats/top?from=" + from + "&to=" + to};
    Stats availability, stats, checkin_book, checkin;
    auto start = Clock::now(),
         end = start + duration_cast<Clock::duration>(duration<double>(duration_s));
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < concurrency; ++t)
        threads.emplace_back([&, t] {
            Client c{ports[static_cast<std::size_t>(t) % ports.size()], {}};
            for (;;) {
                auto i = next.fetch_add(1);
                auto due = start + duration_cast<Clock::duration>(
                                       duration<double>(static_cast<double>(i) / rate));
                if (due >= end) break;
                std::this_thread::sleep_until(due);
                bool question = i % 50 == 0;
                std::string target = question
                                         ? questions[(i / 50) % questions.size()]
                                         : "/api/v1/venues/" + walk.venues[i % walk.venues.size()] +
                                               "/availability?date=" +
                                               sh::booking::format_date(sh::booking::add_days(
                                                   today, static_cast<int>(i % 30)));
                auto r = c.send(
                    "GET", target, "",
                    question ? admin
                             : "Authorization: Bearer " + tokens[i % tokens.size()] + "\r\n");
                double ms = duration<double, std::milli>(Clock::now() - due).count();
                (question ? stats : availability).add(r ? r->status : 0, ms, error_code(r));
            }
        });
    // Check-ins: book the next free 15-minute slot within the hour on the next hall, check in.
    threads.emplace_back([&] {
        Client c{ports[0], {}};
        std::size_t venue = 0, member = 0;
        for (std::size_t k = 0;; ++k) {
            auto due = start + duration_cast<Clock::duration>(
                                   duration<double>(static_cast<double>(k) / checkin_rate));
            if (due >= end) break;
            std::this_thread::sleep_until(due);
            auto now = sh::booking::to_local(system_clock::now());
            int minute = now.minute + 1;
            for (int tries = 0; tries < 4; ++tries) {
                int slot =
                    (minute + 14) / 15 * 15 + 15 * static_cast<int>((venue / venues.size()) % 4);
                auto date = now.date;
                if (slot >= 1440) {
                    date = sh::booking::add_days(date, 1);
                    slot -= 1440;
                }
                const auto& [id, code] = venues[venue % venues.size()];
                ++venue;
                std::string auth =
                    "Authorization: Bearer " + tokens[member++ % tokens.size()] + "\r\n";
                auto t0 = Clock::now();
                auto r = c.post(
                    "/api/v1/bookings",
                    body_for(std::stoull(id), sh::booking::format_date(date), slot, slot + 15),
                    auth);
                checkin_book.add(r ? r->status : 0,
                                 duration<double, std::milli>(Clock::now() - t0).count(),
                                 error_code(r));
                if (!r || r->status != 201) continue;  // the slot taken: the next hall
                auto booking = json::parse(r->body)["id"].get<std::uint64_t>();
                t0 = Clock::now();
                auto in = c.post("/api/v1/bookings/" + std::to_string(booking) + "/checkin",
                                 json{{"venue_code", code}}.dump(), auth);
                checkin.add(in ? in->status : 0,
                            duration<double, std::milli>(Clock::now() - t0).count(),
                            error_code(in));
                break;
            }
        }
    });
    for (auto& th : threads) th.join();
    double seconds = duration<double>(Clock::now() - start).count();
    return {{"availability", availability.report(seconds)},
            {"stats", stats.report(seconds)},
            {"checkin_bookings", checkin_book.report(seconds)},
            {"checkins", checkin.report(seconds)}};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    std::string mode = argv[1];
    auto a = args(argc, argv);
    if (a.count("--ca")) client_options.ca_file = a["--ca"];
    if (a.count("--source")) client_options.source = a["--source"];
    if (mode == "login") {
        auto port = static_cast<std::uint16_t>(std::stoi(a["--port"]));
        int users = std::stoi(a["--users"]);
        std::string prefix = a.count("--prefix") ? a["--prefix"] : "bench";
        // Members agree to the privacy guide before they book (outside what is measured); a
        // server without a guide (the Node peer) is signed in only.
        auto guide = sh::test::request(port, client_options, "GET", "/api/v1/privacy/guide");
        int version =
            guide && guide->status == 200 ? json::parse(guide->body)["version"].get<int>() : 0;
        for (int i = 0; i < users; ++i) {
            auto r =
                sh::test::request(port, client_options, "POST", "/api/v1/auth/login",
                                  json{{"code", prefix + "-user-" + std::to_string(i)}}.dump());
            if (!r || r->status != 200) {
                std::cerr << "login failed: " << (r ? r->body : "no response") << "\n";
                return 1;
            }
            auto token = json::parse(r->body)["token"].get<std::string>();
            if (version > 0) {
                auto c = sh::test::request(port, client_options, "POST", "/api/v1/me/consents",
                                           json{{"policy_version", version}}.dump(),
                                           "Authorization: Bearer " + token + "\r\n");
                if (!c || c->status != 200) {
                    std::cerr << "consent failed: " << (c ? c->body : "no response") << "\n";
                    return 1;
                }
            }
            std::cout << token << "\n";
        }
        return 0;
    }
    std::vector<std::uint16_t> ports;
    for (const auto& p : split(a["--ports"]))
        ports.push_back(static_cast<std::uint16_t>(std::stoi(p)));
    auto tokens = read_tokens(a["--tokens"]);
    int concurrency = std::stoi(a["--concurrency"]);
    std::string date = a["--date"];
    if (mode == "burst") {
        // Many users, few slots: S consecutive 15-minute slots from 09:00, picked at random.
        std::uint64_t venue = std::stoull(a["--venue"]);
        int slots = std::stoi(a["--slots"]), attempts = std::stoi(a["--attempts"]);
        std::mt19937 rng(7);
        std::vector<int> pick;
        for (int i = 0; i < attempts; ++i)
            pick.push_back(static_cast<int>(rng() % static_cast<unsigned>(slots)));
        auto report = run(ports, attempts, concurrency, [&](int i) {
            int start = 9 * 60 + 15 * pick[static_cast<std::size_t>(i)];
            return Request{"/api/v1/bookings", body_for(venue, date, start, start + 15),
                           tokens[static_cast<std::size_t>(i) % tokens.size()], ""};
        });
        std::cout << report.dump() << "\n";
    } else if (mode == "closed" || mode == "open") {
        auto walk = sh::load::walk_from(a);
        bool idempotency = a.count("--idempotency") && a["--idempotency"] == "1";
        std::size_t user_offset = a.count("--user-offset") ? std::stoull(a["--user-offset"]) : 0;
        double rate = mode == "open" ? std::stod(a["--rate"]) : 0.0;
        double warmup = a.count("--warmup") ? std::stod(a["--warmup"]) : 1.0;
        std::string run_id =
            std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
        std::vector<std::uint64_t> ids;
        auto report = run_timed(
            ports, concurrency, rate, warmup, std::stod(a["--duration"]),
            [&](std::size_t i) {
                auto slot = walk.at(i);
                // A purpose of its own per request, so that WeChat's content check runs for each
                // (the server remembers a verdict per text).
                return Request{
                    "/api/v1/bookings",
                    body_for(std::stoull(slot.venue), sh::booking::format_date(slot.date),
                             slot.start, slot.end, "基准测试 " + run_id + "-" + std::to_string(i)),
                    tokens[(i + user_offset) % tokens.size()],
                    idempotency ? run_id + "-" + std::to_string(i) : ""};
            },
            &ids);
        std::size_t sent = report["sent"];
        report["days_used"] = sent ? walk.at(sent - 1).day + 1 : 0;
        if (a.count("--ids-out")) {
            std::ofstream out(a["--ids-out"], std::ios::app);
            for (auto id : ids) out << id << "\n";
        }
        std::cout << report.dump() << "\n";
    } else if (mode == "mix") {
        std::cout << run_mix(a, ports, tokens).dump() << "\n";
    }
    return 0;
}
