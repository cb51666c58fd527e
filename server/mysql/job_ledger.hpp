#pragma once
// app::JobLedger in MySQL (table job_runs): a job's lease is a row updated under a condition, so
// exactly one instance gets it; lease times are the database's own clock (NOW(3)), which every
// instance shares and no test moves; due times are the service's clock, in epoch milliseconds.
#include "app/ports.hpp"
#include "server/mysql/database.hpp"

namespace sh::mysql {

class JobLedger final : public app::JobLedger {
  public:
    explicit JobLedger(Database& db) : db_(db) {}
    awaitable<void> declare(const std::vector<std::string>& jobs) override;
    awaitable<std::optional<Taken>> take(const std::string& job, const std::string& owner,
                                         long long due_ms, bool again,
                                         std::chrono::milliseconds ttl) override;
    awaitable<bool> renew(const std::string& job, const std::string& owner,
                          std::chrono::milliseconds ttl) override;
    awaitable<void> release(const std::string& job, const std::string& owner,
                            std::optional<long long> done_due_ms) override;

  private:
    Database& db_;
};

}  // namespace sh::mysql
