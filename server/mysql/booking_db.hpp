#pragma once
// app::BookingDb on MySQL: the booking store on a pool connection, awaited from coroutines.
#include "app/ports.hpp"
#include "server/mysql/database.hpp"

namespace sh::mysql {

class BookingDb final : public app::BookingDb {
public:
    explicit BookingDb(Database& db) : db_(db) {}
    awaitable<void> transact(std::function<bool(booking::BookingStore&)> work) override;
    awaitable<void> read(std::function<void(booking::BookingStore&)> work) override;

private:
    Database& db_;
};

}  // namespace sh::mysql
