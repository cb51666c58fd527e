// The topology of scripts/cluster.sh under fire: nginx (TLS) before three instances, Galera
// behind haproxy's one writer, Redis with Sentinel. Bursts and races across instances, each kind
// of process killed in the middle of a load, a backup restored — and after each, the invariants.
// Needs the cluster running (the CTest fixture starts it); every test leaves it whole again.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "booking/calendar.hpp"
#include "server/mysql/database.hpp"
#include "tests/cluster/cluster.hpp"
#include "tests/support/halls.hpp"
#include "tests/support/invariants.hpp"
#include "tests/support/process.hpp"

using namespace sh;
using nlohmann::json;
using test::ApiResult;
using test::booking_body;
using test::burst;
using test::check_invariants;
using test::Cluster;
using test::error_code;
using test::statuses;

namespace {

Cluster& cluster() {
    static Cluster c;
    return c;
}

// A street and building of this run's own: Galera steps AUTO_INCREMENT by the cluster size from
// the writer's offset, so the demo district's ids are not known in advance.
std::uint64_t building() {
    static const std::uint64_t id = [] {
        auto b = 1'000'000 + static_cast<std::uint64_t>(Cluster::run());
        auto n = std::to_string(b);
        cluster().sql("INSERT INTO streets (id, name) VALUES (" + n + ", '测试街道" + n + "')");
        cluster().sql("INSERT INTO buildings (id, street_id, name) VALUES (" + n + ", " + n +
                      ", '测试大厦" + n + "')");
        return b;
    }();
    return id;
}

// Hall ids and sign-in codes new to this run: hall(k) for k < 100, made by new_hall(k).
std::uint64_t venue(int k) {
    return 1'000'000 + static_cast<std::uint64_t>(Cluster::run()) * 100 +
           static_cast<std::uint64_t>(k);
}
std::uint64_t new_hall(int k) {
    return test::make_hall_in(cluster(), building(), venue(k));
}
std::string code(const std::string& tag, int i) {
    return "c" + std::to_string(Cluster::run()) + "-" + tag + "-" + std::to_string(i);
}
// Two days ahead: tomorrow even if the run crosses midnight, within every hall's horizon.
booking::Date day(int plus = 0) {
    return booking::add_days(test::tomorrow(), 1 + plus);
}

std::vector<std::string> sign_in(const std::string& tag, int n, const std::string& source = "") {
    std::vector<std::string> tokens(static_cast<std::size_t>(n));
    std::vector<std::thread> threads;
    constexpr int parallel = 8;
    for (int t = 0; t < parallel; ++t)
        threads.emplace_back([&, t] {
            for (int i = t; i < n; i += parallel)
                tokens[static_cast<std::size_t>(i)] = cluster().login(code(tag, i), source).first;
        });
    for (auto& th : threads) th.join();
    return tokens;
}

// One request of a load: its first answer, its final answer after retries with the same
// Idempotency-Key (as the mini-program retries), and when.
struct Outcome {
    int first = 0;
    int final_status = 0;
    std::uint64_t id = 0;
    double sent = 0, done = 0;  // seconds from the load's start, of the first attempt
    int attempts = 0;
};

// Members booking distinct slots through nginx, each thread on a hall of its own, paced, until
// stopped: member m of thread t books `m*15 min` on five days, one a day (within every quota).
class Load {
  public:
    static constexpr int threads = 6, members = 64, pace_ms = 40;

    // Halls hall(first_hall) .. hall(first_hall + threads - 1); members from 127.0.1.(t+1).
    Load(const std::string& tag, int first_hall) : tag_(tag), first_hall_(first_hall) {
        for (int t = 0; t < threads; ++t) {
            test::make_hall_in(cluster(), building(), hall_of(t));
            tokens_.push_back(
                sign_in(tag_ + std::to_string(t), members, "127.0.1." + std::to_string(t + 1)));
        }
    }
    std::uint64_t hall_of(int t) const { return venue(first_hall_ + t); }

    void start() {
        t0_ = std::chrono::steady_clock::now();
        for (int t = 0; t < threads; ++t) workers_.emplace_back([this, t] { run(t); });
    }
    std::vector<Outcome> stop() {
        stop_ = true;
        for (auto& w : workers_) w.join();
        return outcomes_;
    }
    double now() const { return test::since(t0_); }
    // Waits (up to 20 s) until `n` requests sent after `after` seconds have their first answer,
    // `first` if given; false if they did not.
    bool wait_for(std::size_t n, double after = 0, int first = -1) {
        return test::eventually(
            [&] {
                std::lock_guard lock(mu_);
                return static_cast<std::size_t>(
                           std::count_if(outcomes_.begin(), outcomes_.end(), [&](const Outcome& o) {
                               return o.sent >= after && (first < 0 || o.first == first);
                           })) >= n;
            },
            20'000, 20);
    }

  private:
    void run(int t) {
        for (int k = 0; k < members * 5 && !stop_; ++k) {
            int m = k / 5;
            auto body = booking_body(hall_of(t), day(k % 5), m * 15, m * 15 + 15);
            std::string key = "Idempotency-Key: " + code(tag_, t * 1000 + k) + "\r\n";
            Outcome o;
            o.sent = now();
            ApiResult r;
            for (o.attempts = 1;; ++o.attempts) {
                r = cluster().api("POST", "/api/v1/bookings", body,
                                  tokens_[static_cast<std::size_t>(t)][static_cast<std::size_t>(m)],
                                  key);
                if (o.attempts == 1) {
                    o.first = r.status;
                    o.done = now();
                }
                // Final answers: 201, or a 4xx the client shows. 5xx and no answer: retried.
                if ((r.status >= 200 && r.status < 500) || o.attempts >= 40) break;
                std::this_thread::sleep_for(std::chrono::milliseconds(250));
            }
            o.final_status = r.status;
            if (r.status == 201) o.id = r.body["id"].get<std::uint64_t>();
            {
                std::lock_guard lock(mu_);
                outcomes_.push_back(o);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(pace_ms));
        }
    }

    std::string tag_;
    int first_hall_;
    std::vector<std::vector<std::string>> tokens_;
    std::chrono::steady_clock::time_point t0_;
    std::atomic<bool> stop_{false};
    std::vector<std::thread> workers_;
    std::mutex mu_;
    std::vector<Outcome> outcomes_;
};

// What a load's outcomes must show: every request ended 201 (all slots were distinct), a first
// answer was 201 or one of `allowed`, and every 201 is a live booking on each node in `nodes`.
void check_load(const std::vector<Outcome>& os, const std::set<int>& allowed,
                const std::vector<std::uint16_t>& nodes) {
    REQUIRE_FALSE(os.empty());
    std::map<int, int> first;
    std::set<std::uint64_t> ids;
    for (const auto& o : os) {
        ++first[o.first];
        CHECK(o.final_status == 201);
        if (o.first != 201) CHECK(allowed.count(o.first) == 1);
        if (o.id) CHECK(ids.insert(o.id).second);  // no booking answered twice
    }
    std::string list;
    for (auto id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
    for (auto port : nodes)
        CHECK(
            cluster().scalar(
                "SELECT COUNT(*) FROM bookings WHERE status = 'confirmed' AND id IN (" + list + ")",
                port) == static_cast<long long>(ids.size()));
    std::string summary;
    for (auto [s, n] : first) summary += " " + std::to_string(s) + "x" + std::to_string(n);
    MESSAGE("first answers:" << summary << " (" << os.size() << " requests)");
}

// From `t_kill`: when the first request sent after the last failed first attempt got its 201 —
// how long the service was out. 0 when nothing failed.
double resumed_after(const std::vector<Outcome>& os, double t_kill) {
    double last_failure = -1;
    for (const auto& o : os)
        if (o.first != 201) last_failure = std::max(last_failure, o.sent);
    if (last_failure < 0) return 0;
    double resumed = 1e9;
    for (const auto& o : os)
        if (o.first == 201 && o.sent > last_failure) resumed = std::min(resumed, o.done);
    return resumed - t_kill;
}

std::vector<ApiResult> as_results(const std::vector<Outcome>& os) {
    std::vector<ApiResult> rs;
    for (const auto& o : os) {
        ApiResult r;
        r.status = o.final_status;
        if (o.id) r.body = json{{"id", o.id}};
        rs.push_back(r);
    }
    return rs;
}

}  // namespace

TEST_CASE("a burst on one slot through nginx across three instances: exactly one winner, no 5xx") {
    auto& c = cluster();
    new_hall(1);
    auto tokens = sign_in("burst", 60);
    auto body = booking_body(venue(1), day(), 10 * 60, 11 * 60);
    auto rs = burst(60, [&](int i) {
        return c.api("POST", "/api/v1/bookings", body, tokens[static_cast<std::size_t>(i)]);
    });
    auto st = statuses(rs);
    CHECK(st[201] == 1);
    CHECK(st[409] == 59);
    for (const auto& r : rs)
        if (r.status == 409) CHECK(error_code(r) == "slot_taken");
    CHECK(c.scalar("SELECT COUNT(*) FROM bookings WHERE venue_id = " + std::to_string(venue(1))) ==
          1);
    check_invariants(c.db(), rs);
}

TEST_CASE(
    "the same burst sent to each instance directly: one winner, the two others refused by the same "
    "guard") {
    auto& c = cluster();
    new_hall(2);
    auto tokens = sign_in("direct", 30);
    auto body = booking_body(venue(2), day(), 10 * 60, 11 * 60);
    auto rs = burst(30, [&](int i) {
        return c.call(Cluster::app_ports[static_cast<std::size_t>(i % 3)], Cluster::direct(),
                      "POST", "/api/v1/bookings", body, tokens[static_cast<std::size_t>(i)]);
    });
    CHECK(statuses(rs)[201] == 1);
    CHECK(statuses(rs)[409] == 29);
    check_invariants(c.db(), rs);
}

TEST_CASE("a member's quota raced across the three instances is never exceeded") {
    auto& c = cluster();
    new_hall(3);
    auto [token, uid] = c.login(code("quota", 0));
    // Twelve requests for twelve distinct slots of one day, four to each instance at once; the
    // day allows two.
    auto rs = burst(12, [&, token = token](int i) {
        return c.call(Cluster::app_ports[static_cast<std::size_t>(i % 3)], Cluster::direct(),
                      "POST", "/api/v1/bookings",
                      booking_body(venue(3), day(), 8 * 60 + i * 30, 8 * 60 + i * 30 + 30), token);
    });
    auto st = statuses(rs);
    CHECK(st[201] == 2);
    CHECK(st[403] == 10);
    for (const auto& r : rs)
        if (r.status == 403) CHECK(error_code(r) == "quota_exceeded");
    CHECK(c.scalar("SELECT COUNT(*) FROM bookings WHERE user_id = " + std::to_string(uid)) == 2);
}

TEST_CASE("a closure racing bookings across instances never leaves a booking inside it") {
    auto& c = cluster();
    new_hall(4);
    auto tokens = sign_in("closure", 24);
    auto [admin, admin_id] = c.login(code("admin", 0));
    c.grant_district_admin("openid-" + code("admin", 0));
    auto d = booking::format_date(day());
    json closure = {{"from", d + "T09:00"},
                    {"to", d + "T15:00"},
                    {"reason", "消防检查"},
                    {"cancel_conflicting", true}};
    // 24 members book 24 distinct hours-long slots from 08:00 on, one per 15 minutes, while the
    // admin closes 09:00-15:00 through another instance.
    auto rs = burst(25, [&, admin = admin](int i) {
        if (i == 24)
            return c.call(Cluster::app_ports[2], Cluster::direct(), "POST",
                          "/api/v1/venues/" + std::to_string(venue(4)) + "/closures", closure,
                          admin);
        return c.call(Cluster::app_ports[static_cast<std::size_t>(i % 2)], Cluster::direct(),
                      "POST", "/api/v1/bookings",
                      booking_body(venue(4), day(), 8 * 60 + i * 15, 8 * 60 + i * 15 + 15),
                      tokens[static_cast<std::size_t>(i)]);
    });
    REQUIRE(rs[24].status == 201);
    // Seen once in about seventy runs on a freshly started cluster (one booking inside the closure,
    // five confirmed), never reproduced since: should it recur, the rows say what happened.
    CAPTURE(rs[24].raw);
    auto rows = c.rows(
        "SELECT b.id, b.status, b.starts_at, b.created_at, b.updated_at, "
        "(SELECT COUNT(*) FROM booking_quanta q WHERE q.booking_id = b.id) AS quanta, "
        "(SELECT GROUP_CONCAT(id, ' ', created_at) FROM closures z WHERE z.venue_id = b.venue_id) "
        "AS closures "
        "FROM bookings b WHERE b.venue_id = " +
        std::to_string(venue(4)) + " ORDER BY b.starts_at");
    CAPTURE(rows);
    // Whatever the order, no live booking overlaps the closure.
    CHECK(c.scalar("SELECT COUNT(*) FROM bookings b JOIN closures z ON z.venue_id = b.venue_id "
                   "AND b.starts_at < z.ends_at AND z.starts_at < b.ends_at WHERE b.venue_id = " +
                   std::to_string(venue(4)) + " AND b.status IN ('pending','confirmed')") == 0);
    // Slots before 09:00 were never in the way: those four are booked.
    CHECK(c.scalar("SELECT COUNT(*) FROM bookings WHERE venue_id = " + std::to_string(venue(4)) +
                   " AND status = 'confirmed'") == 4);
    // The closure cancelled the bookings made before it in its way, and told whom.
    std::set<std::uint64_t> cancelled;
    for (const auto& id : rs[24].body["cancelled_booking_ids"])
        cancelled.insert(id.get<std::uint64_t>());
    rs.pop_back();
    std::vector<ApiResult> kept;
    for (const auto& r : rs)
        if (r.status != 201 || !cancelled.count(r.body["id"].get<std::uint64_t>()))
            kept.push_back(r);
    CHECK(kept.size() + cancelled.size() == rs.size());
    check_invariants(c.db(), kept);
    // The street office's statistics come from the read pool (any node): they answer.
    auto usage = c.api("GET", "/api/v1/stats/usage?from=" + d + "&to=" + d, nullptr, admin);
    CHECK(usage.status == 200);
}

TEST_CASE(
    "certification conflicts between two writing nodes are retried like deadlocks: no update "
    "lost") {
    // haproxy keeps one writer; this is the case it prevents, forced: the same row updated
    // through two nodes at once. Galera aborts one side at commit (error 1213); the transaction
    // code retries it as it retries a deadlock.
    auto& c = cluster();
    c.sql(
        "CREATE TABLE IF NOT EXISTS cert_probe (id INT NOT NULL PRIMARY KEY, n INT NOT NULL) "
        "ENGINE=InnoDB");
    const std::string id = std::to_string(Cluster::run());
    c.sql("REPLACE INTO cert_probe VALUES (" + id + ", 0)");
    auto* driver = sql::mysql::get_mysql_driver_instance();
    std::vector<std::unique_ptr<mysql::Database>> dbs;
    for (std::size_t n = 0; n < 2; ++n) {
        auto cfg = c.db(Cluster::node_ports[n]);
        cfg.tx_retries = 100;
        cfg.pool_size = 1;
        cfg.booking_connections = 1;
        dbs.push_back(std::make_unique<mysql::Database>(driver, cfg));
    }
    constexpr int per_node = 150;
    std::vector<std::thread> writers;
    std::atomic<int> failed{0};
    for (std::size_t n = 0; n < 2; ++n)
        writers.emplace_back([&, n] {
            mysql::Conn conn(driver, dbs[n]->config());
            conn.ensure_ready();
            for (int i = 0; i < per_node; ++i) {
                try {
                    dbs[n]->transact(conn, mysql::Isolation::read_committed, [&](mysql::Conn& k) {
                        k.execute("UPDATE cert_probe SET n = n + 1 WHERE id = " + id);
                    });
                } catch (const std::exception&) {
                    ++failed;
                }
            }
        });
    for (auto& w : writers) w.join();
    auto retries = dbs[0]->tx_stats().retries.load() + dbs[1]->tx_stats().retries.load();
    MESSAGE("certification conflicts retried: " << retries);
    CHECK(failed == 0);
    CHECK(retries > 0);
    CHECK(c.scalar("SELECT n FROM cert_probe WHERE id = " + id) == 2 * per_node);
}

TEST_CASE(
    "the writing Galera node killed in the middle of a load: no 201 lost, only 503 meanwhile, "
    "service back "
    "within 10 s") {
    auto& c = cluster();
    Load load("galera", 50);
    std::string old_writer = c.writer();
    REQUIRE(old_writer.rfind("galera", 0) == 0);
    int killed = old_writer.back() - '0';
    load.start();
    REQUIRE(load.wait_for(60));  // in the middle of the load
    double t_kill = load.now();
    REQUIRE(c.script({"kill", old_writer}) == 0);
    // Until bookings sent after the kill succeed again (the load's clients retry on 503).
    CHECK(load.wait_for(30, t_kill, 201));
    auto os = load.stop();
    std::string new_writer = c.writer();
    CHECK(new_writer != old_writer);
    double out = resumed_after(os, t_kill);
    MESSAGE("writer " << old_writer << " killed at " << t_kill << " s; " << new_writer
                      << " took over; bookings back after " << out << " s");
    CHECK(out <= 10.0);
    // Every instance moved to the same node: two writers would let a session written through one
    // be missed by a read through the other a moment later (Galera applies write-sets after
    // certifying them), and a member just signed in be refused by the next instance.
    CHECK(c.writers() == new_writer);
    std::vector<std::uint16_t> survivors;
    for (int n = 1; n <= 3; ++n)
        if (n != killed) survivors.push_back(Cluster::node_ports[static_cast<std::size_t>(n - 1)]);
    // A request cut off by the switch answers 503 (or waits for its answer); its retry with the
    // same key gives the booking it made, if it made one.
    check_load(os, {503}, survivors);
    check_invariants(c.db(), as_results(os));
    c.restore();  // the killed node rejoins (IST from the others)
    CHECK(c.scalar(
              "SELECT COUNT(*) FROM bookings WHERE venue_id >= " + std::to_string(load.hall_of(0)) +
                  " AND venue_id <= " + std::to_string(load.hall_of(Load::threads - 1)),
              Cluster::node_ports[static_cast<std::size_t>(killed - 1)]) ==
          c.scalar(
              "SELECT COUNT(*) FROM bookings WHERE venue_id >= " + std::to_string(load.hall_of(0)) +
              " AND venue_id <= " + std::to_string(load.hall_of(Load::threads - 1))));
}

TEST_CASE(
    "the Redis primary killed in the middle of a load: bookings go on through MariaDB, the servers "
    "follow "
    "Sentinel to the new primary") {
    auto& c = cluster();
    Load load("redis", 60);
    std::string before;
    c.script({"redis-primary"}, &before);
    bool first_is_primary = before.find("14379") != std::string::npos;
    REQUIRE((first_is_primary || before.find("14380") != std::string::npos));
    std::string victim = first_is_primary ? "redis1" : "redis2";
    load.start();
    REQUIRE(load.wait_for(60));
    double t_kill = load.now();
    REQUIRE(c.script({"kill", victim}) == 0);
    // Sentinel promotes the replica; every instance's readiness shows Redis "ok" on it again.
    auto redis_ok_everywhere = [&] {
        for (auto port : Cluster::app_ports) {
            auto r = c.call(port, Cluster::direct(), "GET", "/readyz");
            if (r.status != 200 || r.body.value("redis", "") != "ok") return false;
        }
        return true;
    };
    bool followed = test::eventually(
        [&] {
            std::string now;
            c.script({"redis-primary"}, &now);
            return now != before && redis_ok_everywhere();
        },
        20'000, 200);
    double t_followed = load.now() - t_kill;
    CHECK(load.wait_for(20, load.now()));  // bookings on after the switch too
    auto os = load.stop();
    CHECK(followed);
    MESSAGE("Redis primary killed at " << t_kill << " s; every instance on the new primary after "
                                       << t_followed << " s");
    // Redis is the fast path only: no request needed it.
    check_load(os, {}, {Cluster::writer_port});
    check_invariants(c.db(), as_results(os));
    // Holds live in Redis: one works on the new primary.
    auto [token, uid] = c.login(code("hold", 0));
    auto hold = c.api("POST", "/api/v1/holds",
                      booking_body(load.hall_of(0), day(), 20 * 60, 21 * 60), token);
    CHECK(hold.status == 201);
    c.restore();  // the old primary comes back as a replica of the new one
}

TEST_CASE(
    "an instance killed in the middle of a load: nginx routes around it, retries with the same "
    "Idempotency-Key get the first answer") {
    auto& c = cluster();
    new_hall(5);
    auto [token, uid] = c.login(code("retry", 0));
    // A booking answered by app2, which then dies; the phone retries through nginx.
    auto body = booking_body(venue(5), day(), 10 * 60, 11 * 60);
    std::string key = "Idempotency-Key: " + code("retry-key", 0) + "\r\n";
    auto first = c.call(Cluster::app_ports[1], Cluster::direct(), "POST", "/api/v1/bookings", body,
                        token, key);
    REQUIRE(first.status == 201);

    Load load("app", 70);
    load.start();
    REQUIRE(load.wait_for(60));
    double t_kill = load.now();
    REQUIRE(c.script({"kill", "app2"}) == 0);
    auto again = c.api("POST", "/api/v1/bookings", body, token, key);
    CHECK(again.status == 201);
    CHECK(again.body == first.body);
    CHECK(load.wait_for(60, t_kill));  // the load goes on through the two left
    auto os = load.stop();
    // Requests app2 had when it died: 502 from nginx (a POST already sent is not passed on).
    check_load(os, {502}, {Cluster::writer_port});
    check_invariants(c.db(), as_results(os));
    CHECK(c.scalar("SELECT COUNT(*) FROM bookings WHERE venue_id = " + std::to_string(venue(5))) ==
          1);
    c.restore();
}

TEST_CASE(
    "the instances believe X-Forwarded-For from nginx only, and nginx sets it from the "
    "connection") {
    auto& c = cluster();
    // Through nginx from 127.0.3.7, claiming to be 6.6.6.6: the instance sees 127.0.3.7.
    CHECK(
        c.api("GET", "/healthz", nullptr, "", "X-Forwarded-For: 6.6.6.6\r\n", "127.0.3.7").status ==
        200);
    // Straight to an instance from 127.0.3.8, claiming the same: not a proxy, not believed.
    CHECK(c.call(Cluster::app_ports[0], Cluster::direct("127.0.3.8"), "GET", "/healthz", nullptr,
                 "", "X-Forwarded-For: 6.6.6.6\r\n")
              .status == 200);
    CHECK(test::eventually(
        [&] {
            auto logs = c.app_logs();
            return logs.find(R"("client":"127.0.3.7")") != std::string::npos &&
                   logs.find(R"("client":"127.0.3.8")") != std::string::npos;
        },
        10'000, 100));
    CHECK(c.app_logs().find(R"("client":"6.6.6.6")") == std::string::npos);
}

TEST_CASE(
    "the public entry serves no operator or test route, hides nginx's version, sends HSTS; Redis "
    "asks for its password") {
    auto& c = cluster();
    for (const char* path : {"/metrics", "/readyz", "/test/clock"}) {
        CAPTURE(path);
        CHECK(c.api(path == std::string("/test/clock") ? "POST" : "GET", path,
                    json{{"advance_s", 3600}})
                  .status == 404);
    }
    // The instances still answer them on their own ports (the monitoring's and the balancer's).
    CHECK(c.call(Cluster::app_ports[0], Cluster::direct(), "GET", "/readyz").status == 200);
    // No instance of the cluster has a settable clock: not even a direct loopback caller finds it.
    CHECK(c.call(Cluster::app_ports[0], Cluster::direct(), "POST", "/test/clock",
                 json{{"advance_s", 3600}})
              .status == 404);
    auto health = c.api("GET", "/healthz");
    CHECK(health.status == 200);
    CHECK(health.headers["server"] == "nginx");
    CHECK(health.headers["strict-transport-security"].find("max-age=") == 0);
    // Either Redis (primary or replica, whichever is up after the failover test) refuses a client
    // that did not authenticate.
    int refused = 0;
    for (const char* port : {"14379", "14380"}) {
        std::string out;
        test::run_command({"/usr/bin/redis-cli", "-p", port, "GET", "anything"}, {}, out);
        CAPTURE(out);
        if (out.find("NOAUTH") != std::string::npos)
            ++refused;
        else
            CHECK(out.find("onnect") != std::string::npos);  // down, never an answer
    }
    CHECK(refused >= 1);
}

TEST_CASE("200 members signing in from one address within a minute all succeed") {
    auto& c = cluster();
    auto t0 = std::chrono::steady_clock::now();
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int i = t; i < 200; i += 8)
                if (c.api("POST", "/api/v1/auth/login", json{{"code", code("wifi", i)}}, "", "",
                          "127.0.2.1")
                        .status == 200)
                    ++ok;
        });
    for (auto& th : threads) th.join();
    double took = test::since(t0);
    MESSAGE("200 sign-ins from 127.0.2.1 through nginx in " << took << " s");
    CHECK(ok == 200);
    CHECK(took < 60);
    // One phone is still limited: the per-openid limit (10 a minute) holds behind the shared
    // address.
    int limited = 0;
    for (int i = 0; i < 12; ++i)
        if (c.api("POST", "/api/v1/auth/login",
                  json{{"code", code("one-phone", 0) + ":" + std::to_string(i)}}, "", "",
                  "127.0.2.1")
                .status == 429)
            ++limited;
    CHECK(limited >= 1);
}

TEST_CASE(
    "a backup taken under load restores into a fresh MariaDB with every booking and quantum") {
    auto& c = cluster();
    Load load("backup", 80);
    load.start();
    REQUIRE(load.wait_for(60));
    double t_backup = load.now();
    std::string out;
    int rc = c.script({"backup", "take"}, &out);
    double t_taken = load.now();
    auto os = load.stop();
    INFO(out);
    REQUIRE(rc == 0);
    rc = c.script({"backup", "restore"}, &out);
    INFO(out);
    REQUIRE(rc == 0);
    constexpr std::uint16_t restored = 14399;
    MESSAGE("backup under load took " << (t_taken - t_backup) << " s");
    // Every booking answered before the backup began is in the copy, with its quanta.
    std::string before;
    for (const auto& o : os)
        if (o.id && o.done < t_backup) before += (before.empty() ? "" : ",") + std::to_string(o.id);
    REQUIRE_FALSE(before.empty());
    CHECK(c.scalar("SELECT COUNT(*) FROM bookings WHERE id IN (" + before + ")", restored) ==
          static_cast<long long>(std::count(before.begin(), before.end(), ',') + 1));
    std::vector<ApiResult> none;
    check_invariants(c.db(restored), none);
    c.script({"backup", "stop"});
}
