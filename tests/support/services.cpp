#include "tests/support/services.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include <cppconn/connection.h>
#include <cppconn/driver.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include "server/mysql/database.hpp"

namespace sh::test {

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
}

config::MysqlConfig shared_mysql() {
    config::MysqlConfig c;
    c.host = "127.0.0.1";
    c.port = static_cast<std::uint16_t>(std::stoi(env_or("SH_MYSQL_PORT", "13307")));
    c.user = env_or("SH_MYSQL_USER", "sharedhall");
    c.password = env_or("SH_MYSQL_PASSWORD", "sharedhall-test");
    c.database = "sharedhall";
    c.pool_size = 4;
    c.connect_timeout_s = 2;
    return c;
}

config::RedisConfig shared_redis() {
    config::RedisConfig c;
    c.host = "127.0.0.1";
    c.port = static_cast<std::uint16_t>(std::stoi(env_or("SH_REDIS_PORT", "16380")));
    c.key_prefix = "sh:t" + std::to_string(::getpid()) + ":";
    return c;
}

OwnServices::OwnServices(std::string name, std::uint16_t mysql_port, std::uint16_t redis_port)
    : name_(std::move(name)), mysql_port_(mysql_port), redis_port_(redis_port) {
    if (mysql_port_) start("mysql");
    if (redis_port_) start("redis");
}

OwnServices::~OwnServices() {
    run("stop");
}

int OwnServices::run(const std::string& args) const {
    std::string dir = std::string(SH_TEST_RUN_DIR) + "/" + name_;
    std::string cmd = "SH_RUN_DIR='" + dir +
                      "' SH_MYSQL_PORT=" + std::to_string(mysql_port_ ? mysql_port_ : 1) +
                      " SH_REDIS_PORT=" + std::to_string(redis_port_ ? redis_port_ : 1) +
                      " SH_MYSQL_PASSWORD=sharedhall-test bash '" + std::string(SH_SOURCE_DIR) +
                      "/scripts/services.sh' " + args + " >>'" + std::string(SH_TEST_RUN_DIR) +
                      "/" + name_ + ".log' 2>&1";
    std::system(("mkdir -p '" + std::string(SH_TEST_RUN_DIR) + "'").c_str());
    return std::system(cmd.c_str());
}

void OwnServices::start(const std::string& which) {
    if (run("start " + which) != 0)
        throw std::runtime_error("could not start " + which + " for " + name_);
}

void OwnServices::stop(const std::string& which) {
    run("stop " + which);
}

void OwnServices::kill(const std::string& which) {
    if (run("kill " + which) != 0)
        throw std::runtime_error("could not kill " + which + " for " + name_);
}

config::MysqlConfig OwnServices::mysql() const {
    config::MysqlConfig c = shared_mysql();
    c.port = mysql_port_;
    c.password = "sharedhall-test";
    return c;
}

config::RedisConfig OwnServices::redis() const {
    config::RedisConfig c = shared_redis();
    c.port = redis_port_;
    return c;
}

namespace {
std::unique_ptr<sql::Connection> admin_connection(const config::MysqlConfig& c) {
    sql::ConnectOptionsMap opts;
    opts["hostName"] = sql::SQLString(c.host);
    opts["port"] = static_cast<int>(c.port);
    opts["userName"] = sql::SQLString(c.user);
    opts["password"] = sql::SQLString(c.password);
    return std::unique_ptr<sql::Connection>(sql::mysql::get_mysql_driver_instance()->connect(opts));
}
}  // namespace

TempDatabase::TempDatabase(config::MysqlConfig server, bool migrate) : cfg_(std::move(server)) {
    static std::atomic<int> counter{0};
    cfg_.database = "sharedhall_t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    {
        auto conn = admin_connection(cfg_);
        std::unique_ptr<sql::Statement> st(conn->createStatement());
        st->execute("DROP DATABASE IF EXISTS `" + cfg_.database + "`");
        st->execute("CREATE DATABASE `" + cfg_.database +
                    "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    }
    if (migrate) {
        mysql::Conn c(sql::mysql::get_mysql_driver_instance(), cfg_);
        c.ensure_ready();
        mysql::migrate(c);
    }
}

TempDatabase::~TempDatabase() {
    try {
        auto conn = admin_connection(cfg_);
        std::unique_ptr<sql::Statement> st(conn->createStatement());
        st->execute("DROP DATABASE IF EXISTS `" + cfg_.database + "`");
    } catch (...) {
        // The server may be stopped by the test; the name is unique, nothing depends on it.
    }
}

}  // namespace sh::test
