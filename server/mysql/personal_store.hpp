#pragma once
// Everything the database holds about one person, read for their own copy (app/personal_data.hpp).
#include "app/ports.hpp"
#include "server/mysql/database.hpp"

namespace sh::mysql {

class PersonalStore final : public app::PersonalStore {
  public:
    explicit PersonalStore(Database& db) : db_(db) {}
    awaitable<std::optional<app::PersonalRecords>> records_of(booking::UserId user) override;

  private:
    Database& db_;
};

}  // namespace sh::mysql
