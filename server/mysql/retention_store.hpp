#pragma once
// app::RetentionStore in MySQL: one bounded statement per rule and batch.
#include "app/retention_store.hpp"
#include "server/mysql/database.hpp"

namespace sh::mysql {

class RetentionStore final : public app::RetentionStore {
  public:
    explicit RetentionStore(Database& db) : db_(db) {}
    awaitable<int> remove(app::RuleId rule, booking::TimePoint cutoff, int batch) override;

  private:
    Database& db_;
};

}  // namespace sh::mysql
