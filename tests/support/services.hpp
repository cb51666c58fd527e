#pragma once
// Test access to real MariaDB and Redis on loopback.
//  - shared_*(): the instances scripts/test.sh started (ports from the environment).
//  - OwnServices: a private instance for tests that stop or restart a service, so that they
//    never pull a server from under tests running at the same time.
//  - TempDatabase: a fresh, migrated database for one test binary, dropped at the end.
#include <cstdint>
#include <string>

#include "config/app_config.hpp"

namespace sh::test {

std::string env_or(const char* name, const std::string& fallback);
config::MysqlConfig shared_mysql();
config::RedisConfig shared_redis();

class OwnServices {
  public:
    // Ports 0 mean "this service is not needed".
    OwnServices(std::string name, std::uint16_t mysql_port, std::uint16_t redis_port);
    ~OwnServices();
    void start(const std::string& which);  // "mysql" or "redis"
    void stop(const std::string& which);
    void kill(const std::string& which);  // SIGKILL: a crash, not a shutdown
    config::MysqlConfig mysql() const;
    config::RedisConfig redis() const;

  private:
    int run(const std::string& args) const;
    std::string name_;
    std::uint16_t mysql_port_, redis_port_;
};

class TempDatabase {
  public:
    explicit TempDatabase(config::MysqlConfig server, bool migrate = true);
    ~TempDatabase();
    const config::MysqlConfig& config() const { return cfg_; }

  private:
    config::MysqlConfig cfg_;
};

}  // namespace sh::test
