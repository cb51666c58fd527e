#pragma once
// The trace of who read whose data, in the audit log (app/trace.hpp).
#include "app/ports.hpp"
#include "server/mysql/database.hpp"

namespace sh::mysql {

class ReadTrace final : public app::ReadTrace {
  public:
    explicit ReadTrace(Database& db) : db_(db) {}
    awaitable<void> record(const booking::AuditEntry& e, booking::TimePoint at) override;
    awaitable<std::vector<app::ReadRecord>> reads(const app::ReadQuery& q) override;

  private:
    Database& db_;
};

}  // namespace sh::mysql
