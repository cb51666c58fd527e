// The composition root: loads the config, builds pools, clients and services in order, passes
// references down, and shuts down in reverse (signal -> stop accepting -> drain -> close pools).
#include <csignal>
#include <cstdio>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <mysql_driver.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <map>

#include "app/accounts.hpp"
#include "app/bookings.hpp"
#include "app/notices.hpp"
#include "booking/accounts.hpp"
#include "common/log.hpp"
#include "config/app_config.hpp"
#include "server/api/booking_view.hpp"
#include "server/api/services.hpp"
#include "server/api/user_view.hpp"
#include "server/fake_wechat/fake_server.hpp"
#include "server/fake_wechat/tls_front.hpp"
#include "server/http/server.hpp"
#include "server/jobs/jobs.hpp"
#include "server/mysql/booking_db.hpp"
#include "server/mysql/database.hpp"
#include "server/mysql/demo_seed.hpp"
#include "server/mysql/due_bookings.hpp"
#include "server/mysql/job_ledger.hpp"
#include "server/mysql/notices.hpp"
#include "server/mysql/org_mapping.hpp"
#include "server/mysql/personal_store.hpp"
#include "server/mysql/read_trace.hpp"
#include "server/mysql/retention_store.hpp"
#include "server/mysql/user_store.hpp"
#include "server/redis/async_client.hpp"
#include "server/redis/day_cache.hpp"
#include "server/redis/rate_limiter.hpp"
#include "server/redis/redis_client.hpp"
#include "server/redis/session_cache.hpp"
#include "server/redis/slot_claims.hpp"
#include "server/redis/wechat_token.hpp"
#include "server/wechat_gateway/gateway.hpp"
#include "server/workers/await.hpp"

namespace {

using namespace sh;

constexpr int exit_config = 2;

void usage() {
    std::cerr
        << "usage: sharedhall <command> [--config FILE]\n"
           "commands:\n"
           "  serve                      run the HTTP API\n"
           "  migrate                    apply database migrations\n"
           "  seed-demo [--bookings N]   create the Jing'an demo district (once); N bookings of\n"
           "                             the past year for the statistics\n"
           "  grant-role --openid OPENID --role member|manager|street_admin|district_admin\n"
           "             [--street-id N] [--building-ids N,N]   (creates the user if needed)\n"
           "  map-orgs --street-id N [--page N]   map the street's old free-text branches onto\n"
           "                             its branches; what cannot be mapped goes to org_review\n"
           "  fake-wechat --port N       run the fake WeChat server (development and tests)\n"
           "     [--tls-port M --tls-cert PEM --tls-key PEM]  ... and over HTTPS on M\n"
           "  version                    print the schema version this build expects\n"
           "Environment overrides: SH_HTTP_ADDRESS SH_HTTP_PORT SH_MYSQL_HOST SH_MYSQL_PORT\n"
           "  SH_MYSQL_USER SH_MYSQL_PASSWORD SH_MYSQL_DATABASE SH_REDIS_HOST SH_REDIS_PORT\n"
           "  SH_REDIS_PASSWORD SH_WECHAT_BASE_URL SH_WECHAT_APPID SH_WECHAT_SECRET "
           "SH_WECHAT_CA_FILE\n";
}

// Runs one blocking job on a fresh connection, outside any event loop (command-line tools).
template <class F>
int run_db_job(const config::AppConfig& cfg, F f) {
    mysql::Database db(sql::mysql::get_mysql_driver_instance(), cfg.mysql);
    std::promise<int> result;
    struct Job final : workers::Job<mysql::Conn> {
        std::promise<int>& p;
        F& fn;
        Job(std::promise<int>& pr, F& f_) : p(pr), fn(f_) {}
        void execute(mysql::Conn& c) noexcept override {
            try {
                c.ensure_ready();
                p.set_value(fn(c));
            } catch (const FailureException& e) {
                std::cerr << "failed: " << e.failure().code << ": " << e.failure().message << "\n";
                p.set_value(1);
            } catch (const std::exception& e) {
                std::cerr << "failed: " << e.what() << "\n";
                p.set_value(1);
            }
        }
        void abandon() noexcept override { p.set_value(1); }
    };
    db.pool().submit(std::make_shared<Job>(result, f));
    return result.get_future().get();
}

int run_migrate(const config::AppConfig& cfg) {
    return run_db_job(cfg, [](mysql::Conn& c) {
        int n = mysql::migrate(c);
        std::cout << "migrate: applied " << n << ", schema version " << mysql::schema_version(c)
                  << "\n";
        return 0;
    });
}

// The first district admin (and any later fix-up by an operator with database access).
int run_grant_role(const config::AppConfig& cfg, std::map<std::string, std::string>& opts) {
    auto role = booking::parse_role(opts["--role"]);
    if (opts["--openid"].empty() || !role) {
        usage();
        return exit_config;
    }
    booking::RoleRequest req;
    req.role = *role;
    try {
        if (!opts["--street-id"].empty()) req.street_id = std::stoull(opts["--street-id"]);
        std::stringstream ids(opts["--building-ids"]);
        for (std::string id; std::getline(ids, id, ',');)
            if (!id.empty()) req.building_ids.insert(std::stoull(id));
    } catch (const std::exception&) {
        std::cerr << "grant-role: --street-id and --building-ids take numbers\n";
        return exit_config;
    }
    // The same use case as PUT /users/{id}/role, on a small event loop of its own.
    asio::io_context ioc;
    mysql::Database db(sql::mysql::get_mysql_driver_instance(), cfg.mysql);
    mysql::UserDb users(db);
    int rc = 1;
    asio::co_spawn(
        ioc,
        [&]() -> awaitable<void> {
            auto r = co_await app::grant_role(users, opts["--openid"], req);
            if (r) {
                std::cout << api::role_view(r.value()).dump() << "\n";
                rc = 0;
            } else {
                const Failure f = r.error();
                std::cerr << "grant-role: " << f.code << ": " << f.message << "\n";
                rc = exit_config;
            }
        },
        [](std::exception_ptr e) {
            if (!e) return;
            try {
                std::rethrow_exception(e);
            } catch (const FailureException& x) {
                std::cerr << "failed: " << x.failure().code << ": " << x.failure().message << "\n";
            } catch (const std::exception& x) {
                std::cerr << "failed: " << x.what() << "\n";
            }
        });
    ioc.run();
    return rc;
}

// Runs an HTTP server with `router` until SIGINT/SIGTERM, then drains it.
int serve_router(asio::io_context& ioc, const config::HttpConfig& http_cfg,
                 const http::Router& router, http::Metrics& metrics, http::AccessLog& access_log) {
    http::Server server(ioc, http_cfg, router, access_log, metrics);
    try {
        server.start();
    } catch (const std::exception& e) {
        log::error("main", "cannot listen on " + http_cfg.address + ":" +
                               std::to_string(http_cfg.port) + ": " + e.what());
        return 1;
    }
    log::info("main",
              "listening on http://" + http_cfg.address + ":" + std::to_string(server.port()));

    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        log::info("main", "signal " + std::to_string(sig) + ": draining");
        asio::co_spawn(
            ioc,
            [&]() -> awaitable<void> {
                co_await server.drain(std::chrono::milliseconds(http_cfg.shutdown_grace_ms));
                ioc.stop();
            },
            asio::detached);
    });

    std::vector<std::thread> threads;
    for (int i = 1; i < http_cfg.io_threads; ++i) threads.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& t : threads) t.join();
    access_log.flush();
    log::info("main", "stopped");
    return 0;
}

int run_fake_wechat(const config::AppConfig& cfg, std::map<std::string, std::string>& opts) {
    config::HttpConfig http_cfg;
    http_cfg.address = "127.0.0.1";
    http_cfg.io_threads = 1;
    http_cfg.body_limit = 64 * 1024;
    try {
        http_cfg.port = static_cast<std::uint16_t>(std::stoi(opts["--port"]));
    } catch (const std::exception&) {
        std::cerr << "fake-wechat: --port N is required\n";
        return exit_config;
    }
    fake_wechat::FakeWechat fake(cfg.wechat.appid, cfg.wechat.secret);
    http::Router router = fake.router();
    http::Metrics metrics;
    http::AccessLog access_log(false);
    asio::io_context ioc(http_cfg.io_threads);
    // HTTPS beside the plain port, with a certificate of the caller's choice (the test CA's).
    std::unique_ptr<fake_wechat::TlsFront> tls;
    if (!opts["--tls-port"].empty()) {
        try {
            tls = std::make_unique<fake_wechat::TlsFront>(ioc, opts["--tls-cert"],
                                                          opts["--tls-key"], http_cfg.port);
            auto port = tls->start(static_cast<std::uint16_t>(std::stoi(opts["--tls-port"])));
            log::info("main", "fake WeChat also on https://127.0.0.1:" + std::to_string(port));
        } catch (const std::exception& e) {
            std::cerr << "fake-wechat: --tls-port N --tls-cert PEM --tls-key PEM: " << e.what()
                      << "\n";
            return exit_config;
        }
    }
    return serve_router(ioc, http_cfg, router, metrics, access_log);
}

booking::PenaltyRules penalty_rules(const config::PenaltyConfig& p) {
    booking::PenaltyRules r;
    r.threshold_milli = p.violations_to_ban * 1000;
    r.window_days = p.window_days;
    r.ban_days = p.ban_days;
    r.late_cancel_milli = p.late_cancel_per_mille;
    return r;
}

app::NoticeSettings notice_settings(const config::NotificationConfig& n) {
    using K = booking::NoticeKind;
    app::NoticeSettings s;
    s.templates = {
        {K::approved, n.template_result},           {K::rejected, n.template_result},
        {K::cancelled, n.template_cancelled},       {K::closure_cancelled, n.template_cancelled},
        {K::expired, n.template_cancelled},         {K::reminder, n.template_reminder},
        {K::no_show, n.template_violation},         {K::banned, n.template_violation},
        {K::request_waiting, n.template_request},   {K::request_overdue, n.template_request},
        {K::appeal_filed, n.template_request},      {K::appeal_waived, n.template_violation},
        {K::appeal_kept, n.template_violation},     {K::coorganiser_joined, n.template_result},
        {K::extension_approved, n.template_result}, {K::extension_rejected, n.template_result},
        {K::extension_expired, n.template_result}};
    s.page = n.page;
    s.max_attempts = n.max_attempts;
    s.first_retry = std::chrono::seconds(n.first_retry_s);
    return s;
}

app::RetentionSettings retention_settings(const config::PrivacyConfig& p) {
    app::RetentionSettings s;
    s.phone_unseen = std::chrono::days(p.keep_phone_unseen_days);
    s.scans = std::chrono::days(p.keep_scans_days);
    s.audit = std::chrono::days(p.keep_audit_days);
    s.sessions = std::chrono::days(p.keep_sessions_days);
    return s;
}

// The privacy guide to serve: the built-in one, or privacy.guide_file's (nullopt, said why, when
// that cannot be read as a guide).
std::optional<app::PrivacyGuide> privacy_guide(const config::PrivacyConfig& p) {
    std::string text(app::built_in_guide());
    if (!p.guide_file.empty()) {
        std::ifstream in(p.guide_file, std::ios::binary);
        if (!in) {
            std::cerr << "sharedhall: privacy.guide_file: cannot read " << p.guide_file << "\n";
            return std::nullopt;
        }
        text.assign(std::istreambuf_iterator<char>(in), {});
    }
    auto g = app::parse_guide(text);
    if (!g) std::cerr << "sharedhall: the privacy guide needs a \"# \" title and a 版本：N line\n";
    return g;
}

int run_serve(const config::AppConfig& cfg) {
    auto guide = privacy_guide(cfg.privacy);
    if (!guide) return exit_config;
    // get_driver_instance() is not thread-safe: once, here, before any pool thread uses it.
    sql::Driver* driver = sql::mysql::get_mysql_driver_instance();
    asio::io_context ioc(cfg.http.io_threads);
    // The system clock; a test configuration shifts it (test.clock_offset_ms, POST /test/clock).
    booking::ShiftedClock clock(std::chrono::milliseconds(cfg.test.clock_offset_ms));
    mysql::Database db(driver, cfg.mysql);
    redis::Client redis(cfg.redis);
    redis::AsyncClient fast_redis(ioc, cfg.redis, redis.locator());
    wechat::Client wx(cfg.wechat);
    redis::AccessTokenProvider wx_token(wx, redis);
    wechat_gateway::WechatGateway wechat(wx, wx_token);
    redis::RateLimiter limiter(redis);
    const Seal seal(cfg.auth.token_key);
    redis::SessionCache session_cache(redis, seal);
    mysql::UserDb user_db(db);
    const auto& a = cfg.auth;
    const auto& rl = cfg.rate_limit;
    app::AccountService accounts(
        user_db, session_cache, limiter, wechat, seal, clock,
        app::AccountSettings{std::chrono::seconds(a.token_ttl_s),
                             std::chrono::seconds(a.cache_ttl_s), rl.login_per_ip_per_minute,
                             rl.login_per_openid_per_minute, rl.user_per_minute,
                             rl.unknown_lookups_per_ip_per_minute});
    mysql::ConsentDb consent_db(db);
    app::Consents consents(consent_db, accounts, clock, std::move(*guide));
    api::Auth auth(accounts, consents);
    http::Metrics metrics;
    http::AccessLog access_log(cfg.http.access_log);
    mysql::VenueDb venue_db(db);
    redis::DayCache day_cache(redis, fast_redis);
    app::AvailabilityService availability(venue_db, day_cache, clock);
    const auto& n = cfg.notifications;
    app::VenueService venues(venue_db, availability, wechat, clock, n.checkin_page);
    mysql::BookingDb booking_db(db);
    redis::SlotClaims claims(redis, fast_redis);
    redis::HoldStore holds(redis);
    const auto& b = cfg.booking;
    const booking::PenaltyRules penalties = penalty_rules(cfg.penalties);
    app::BookingService bookings(
        booking_db, claims, holds, availability, wechat, clock,
        app::BookingSettings{
            {b.max_active_per_user, b.max_per_user_per_day, b.max_minutes_per_user_per_week},
            penalties,
            std::chrono::milliseconds(b.claim_ttl_ms),
            {b.max_holds_per_user, b.max_holds_per_range_per_hour,
             std::chrono::seconds(b.hold_ttl_s)},
            api::booking_answer});
    mysql::Outbox outbox(db);
    app::Notifier notifier(outbox, wechat, clock, notice_settings(n));
    // Statistics read from any node when a read pool is configured (they may be a moment behind).
    std::optional<mysql::Database> read_db;
    if (cfg.mysql.read_port != 0) {
        config::MysqlConfig rc = cfg.mysql;
        rc.host = cfg.mysql.read_host;
        rc.port = cfg.mysql.read_port;
        rc.pool_size = cfg.mysql.read_pool_size;
        rc.booking_connections = 1;  // never used by readers
        read_db.emplace(driver, rc);
    }
    mysql::StatsDb stats_db(read_db ? *read_db : db);
    app::StatsService stats(stats_db, clock);
    app::ConsoleSignIn console(
        user_db, wechat, limiter, seal, clock,
        app::ConsoleSettings{rl.web_login_per_ip_per_minute,
                             std::chrono::seconds(a.web_login_ttl_s),
                             std::chrono::seconds(a.web_session_ttl_s), a.web_login_page});
    // Timed work: the lifecycle's transitions, the notices' delivery, the purge (server/jobs).
    mysql::DueBookings due_bookings(db);
    app::Lifecycle lifecycle(
        booking_db, due_bookings, availability,
        app::LifecycleSettings{penalties, std::chrono::minutes(n.remind_before_minutes)});
    mysql::JobLedger job_ledger(db);
    app::Scheduler scheduler(job_ledger, clock, jobs::instance_name(),
                             [](const std::string& w) { log::warn("jobs", w); });
    app::DayOpening day_opening(
        std::chrono::minutes(10));  // no steps yet: series will be the first
    mysql::RetentionStore retention_store(db);
    app::Retention retention(retention_store, retention_settings(cfg.privacy));
    jobs::add_jobs(
        scheduler, day_opening, lifecycle, notifier, retention,
        jobs::JobSettings{std::chrono::milliseconds(cfg.booking.jobs_interval_ms),
                          std::chrono::hours(1), std::chrono::minutes(1), cfg.test.slow_job,
                          std::chrono::milliseconds(cfg.test.slow_job_ms)});
    jobs::register_metrics(scheduler, metrics.registry());
    mysql::NoticeBoard notice_board(db);
    app::NoticeList notice_list(notice_board, clock);
    app::AllianceService alliance(user_db, accounts, wechat, clock, a.invitation_page);
    mysql::PersonalStore personal_store(db);
    app::AccountClosing closing(user_db, accounts, bookings, clock);
    mysql::ReadTrace read_trace(db);
    app::AccessTrace trace(read_trace, clock);
    app::PersonalData personal(personal_store, notice_board, notifier, limiter, clock,
                               app::ExportSettings{rl.export_per_user_per_hour});
    api::Services services{cfg,
                           clock,
                           db,
                           redis,
                           metrics,
                           auth,
                           accounts,
                           alliance,
                           availability,
                           venues,
                           bookings,
                           notifier,
                           notice_list,
                           stats,
                           console,
                           personal,
                           consents,
                           closing,
                           trace,
                           cfg.test.settable_clock ? &clock : nullptr,
                           read_db ? &*read_db : nullptr,
                           &scheduler};
    api::register_metric_sources(services);
    {
        using metrics::Type;
        auto& r = metrics.registry();
        r.add("sh_notices_total", Type::counter, "Notices by the outcome of their WeChat delivery.",
              [&notifier](metrics::Samples& out) {
                  const auto& c = notifier.counts();
                  for (const auto& [outcome, n] :
                       {std::pair{"sent", &c.sent}, std::pair{"no_consent", &c.no_consent},
                        std::pair{"undeliverable", &c.undeliverable},
                        std::pair{"failed", &c.failed}, std::pair{"retried", &c.retried}})
                      out.add({{"outcome", outcome}}, static_cast<double>(n->load()));
              });
        // Booking transactions and the requests they decided: their ratio is the mean batch.
        r.add_value("sh_booking_batches_total", Type::counter, "Booking transactions.",
                    [&booking_db] { return static_cast<double>(booking_db.batches()); });
        r.add_value("sh_booking_batched_requests_total", Type::counter,
                    "Booking requests decided in those transactions.",
                    [&booking_db] { return static_cast<double>(booking_db.batched_requests()); });
        r.add_value("sh_redis_async_errors_total", Type::counter,
                    "Commands that failed on the I/O threads' Redis connections.",
                    [&fast_redis] { return static_cast<double>(fast_redis.errors()); });
    }
    http::Router router = api::make_router(services);
    const auto tick = std::min(std::chrono::milliseconds(cfg.booking.jobs_interval_ms),
                               std::chrono::milliseconds(1000));
    if (!cfg.test.manual_jobs) asio::co_spawn(ioc, scheduler.run(tick), asio::detached);
    return serve_router(ioc, cfg.http, router, metrics, access_log);
    // then, in reverse order: the access log flushes, the pools close
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        usage();
        return exit_config;
    }
    std::string command = args[0];
    std::optional<std::string> config_path;
    std::map<std::string, std::string> opts;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i].rfind("--", 0) == 0 && i + 1 < args.size()) {
            if (args[i] == "--config")
                config_path = args[i + 1];
            else
                opts[args[i]] = args[i + 1];
            ++i;
        } else {
            std::cerr << "unknown argument: " << args[i] << "\n";
            usage();
            return exit_config;
        }
    }
    if (!config_path)
        if (const char* env = std::getenv("SH_CONFIG")) config_path = env;

    config::AppConfig cfg;
    try {
        cfg = config_path ? config::load(*config_path) : config::parse("", config::process_env());
        if (command == "serve")
            config::check_for_serving(cfg);  // the tools need no seal or deployment check
    } catch (const config::ConfigError& e) {
        std::cerr << "sharedhall: bad configuration: " << e.what() << "\n";
        return exit_config;
    }
    std::signal(SIGPIPE, SIG_IGN);

    if (command == "serve") return run_serve(cfg);
    if (command == "migrate") return run_migrate(cfg);
    if (command == "grant-role") return run_grant_role(cfg, opts);
    if (command == "seed-demo") {
        int history = 0;
        try {
            if (!opts["--bookings"].empty()) history = std::stoi(opts["--bookings"]);
        } catch (const std::exception&) {
            std::cerr << "seed-demo: --bookings takes a number\n";
            return exit_config;
        }
        return run_db_job(cfg, [history](mysql::Conn& c) {
            int n = mysql::seed_demo(c);
            std::cout << "seed-demo: "
                      << (n ? std::to_string(n) + " halls created" : "already seeded") << "\n";
            if (history > 0) {
                auto today = booking::to_local(std::chrono::system_clock::now()).date;
                std::cout << "seed-demo: " << mysql::seed_history(c, history, today)
                          << " bookings of the past year\n";
            }
            return 0;
        });
    }
    if (command == "map-orgs") {
        booking::StreetId street = 0;
        int page = 500;
        try {
            street = std::stoull(opts["--street-id"]);
            if (!opts["--page"].empty()) page = std::stoi(opts["--page"]);
        } catch (const std::exception&) {
            street = 0;
        }
        if (street == 0 || page < 1) {
            std::cerr << "map-orgs: --street-id takes a street's id, --page a positive number\n";
            return exit_config;
        }
        return run_db_job(cfg, [street, page](mysql::Conn& c) {
            auto r = mysql::map_orgs(c, street, page, std::chrono::system_clock::now());
            std::cout << "map-orgs: " << r.users << " members and " << r.bookings
                      << " bookings mapped; " << r.review << " names to review\n";
            return 0;
        });
    }
    if (command == "fake-wechat") return run_fake_wechat(cfg, opts);
    if (command == "version") {
        std::cout << "schema " << mysql::Database::latest_schema_version() << "\n";
        return 0;
    }
    usage();
    return exit_config;
}
