// The composition root: loads the config, builds pools, clients and services in order, passes
// references down, and shuts down in reverse (signal -> stop accepting -> drain -> close pools).
#include <csignal>
#include <future>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <mysql_driver.h>

#include "config/app_config.hpp"
#include "server/api/ops.hpp"
#include "server/http/server.hpp"
#include "server/mysql/database.hpp"
#include "server/redis/redis_client.hpp"
#include "server/workers/await.hpp"
#include "server/workers/log.hpp"

namespace {

using namespace sh;

constexpr int exit_config = 2;

void usage() {
    std::cerr << "usage: sharedhall <command> [--config FILE]\n"
                 "commands:\n"
                 "  serve     run the HTTP API\n"
                 "  migrate   apply database migrations\n"
                 "  version   print the schema version this build expects\n"
                 "Environment overrides: SH_HTTP_ADDRESS SH_HTTP_PORT SH_MYSQL_HOST SH_MYSQL_PORT\n"
                 "  SH_MYSQL_USER SH_MYSQL_PASSWORD SH_MYSQL_DATABASE SH_REDIS_HOST SH_REDIS_PORT\n"
                 "  SH_REDIS_PASSWORD SH_WECHAT_BASE_URL SH_WECHAT_APPID SH_WECHAT_SECRET\n";
}

int run_migrate(const config::AppConfig& cfg) {
    mysql::Database db(sql::mysql::get_mysql_driver_instance(), cfg.mysql);
    std::promise<int> result;
    struct Job final : workers::Job<mysql::Conn> {
        std::promise<int>& p;
        explicit Job(std::promise<int>& pr) : p(pr) {}
        void execute(mysql::Conn& c) noexcept override {
            try {
                c.ensure_ready();
                int n = mysql::migrate(c);
                std::cout << "migrate: applied " << n << ", schema version " << mysql::schema_version(c)
                          << "\n";
                p.set_value(0);
            } catch (const std::exception& e) {
                std::cerr << "migrate: failed: " << e.what() << "\n";
                p.set_value(1);
            }
        }
        void abandon() noexcept override { p.set_value(1); }
    };
    db.pool().submit(std::make_shared<Job>(result));
    return result.get_future().get();
}

int run_serve(const config::AppConfig& cfg) {
    // get_driver_instance() is not thread-safe: once, here, before any pool thread uses it.
    sql::Driver* driver = sql::mysql::get_mysql_driver_instance();
    mysql::Database db(driver, cfg.mysql);
    redis::Client redis(cfg.redis);
    http::Metrics metrics;
    http::AccessLog access_log(cfg.http.access_log);
    api::Services services{db, redis, metrics};
    api::register_metric_sources(services);
    http::Router router = api::make_router(services);

    asio::io_context ioc(cfg.http.io_threads);
    http::Server server(ioc, cfg.http, router, access_log, metrics);
    try {
        server.start();
    } catch (const std::exception& e) {
        log::error("main", "cannot listen on " + cfg.http.address + ":" +
                               std::to_string(cfg.http.port) + ": " + e.what());
        return 1;
    }
    log::info("main", "listening on http://" + cfg.http.address + ":" + std::to_string(server.port()));

    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        log::info("main", "signal " + std::to_string(sig) + ": draining");
        asio::co_spawn(
            ioc,
            [&]() -> awaitable<void> {
                co_await server.drain(std::chrono::milliseconds(cfg.http.shutdown_grace_ms));
                ioc.stop();
            },
            asio::detached);
    });

    std::vector<std::thread> threads;
    for (int i = 1; i < cfg.http.io_threads; ++i) threads.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& t : threads) t.join();
    access_log.flush();
    log::info("main", "stopped");
    return 0;  // pools close in reverse order of construction
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
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--config" && i + 1 < args.size()) {
            config_path = args[++i];
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
    } catch (const config::ConfigError& e) {
        std::cerr << "sharedhall: bad configuration: " << e.what() << "\n";
        return exit_config;
    }
    std::signal(SIGPIPE, SIG_IGN);

    if (command == "serve") return run_serve(cfg);
    if (command == "migrate") return run_migrate(cfg);
    if (command == "version") {
        std::cout << "schema " << mysql::Database::latest_schema_version() << "\n";
        return 0;
    }
    usage();
    return exit_config;
}
