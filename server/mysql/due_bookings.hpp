#pragma once
// app::DueBookings in MySQL: the candidates of the transitions time drives, by index.
#include "app/ports.hpp"
#include "server/mysql/database.hpp"

namespace sh::mysql {

class DueBookings final : public app::DueBookings {
  public:
    explicit DueBookings(Database& db) : db_(db) {}
    awaitable<std::vector<booking::BookingId>> find(app::Due what, booking::TimePoint now,
                                                    booking::TimePoint until, int limit) override;

  private:
    Database& db_;
};

}  // namespace sh::mysql
