#pragma once
// The application's MySQL ports (app::BookingDb, app::VenueDb, app::UserDb): a domain store on a pool
// connection, awaited from coroutines. Both have one shape: a READ COMMITTED transaction that
// commits when the work returns true, and plain reads.
#include <functional>

#include "app/ports.hpp"
#include "server/mysql/booking_store.hpp"
#include "server/mysql/database.hpp"
#include "server/mysql/stats_store.hpp"
#include "server/mysql/user_store.hpp"
#include "server/mysql/venue_store.hpp"

namespace sh::mysql {

template <class Port, class Store, class MysqlStore>
class StoreDb final : public Port {
public:
    explicit StoreDb(Database& db) : db_(db) {}
    awaitable<void> transact(std::function<bool(Store&)> work) override;
    awaitable<void> read(std::function<void(Store&)> work) override;

private:
    Database& db_;
};

class StatsDb final : public app::StatsDb {
public:
    explicit StatsDb(Database& db) : db_(db) {}
    awaitable<void> read(std::function<void(booking::StatsStore&)> work) override;

private:
    Database& db_;
};

using BookingDb = StoreDb<app::BookingDb, booking::BookingStore, MysqlBookingStore>;
using VenueDb = StoreDb<app::VenueDb, booking::VenueStore, MysqlVenueStore>;
using UserDb = StoreDb<app::UserDb, booking::AccountStore, MysqlUserStore>;
extern template class StoreDb<app::BookingDb, booking::BookingStore, MysqlBookingStore>;
extern template class StoreDb<app::VenueDb, booking::VenueStore, MysqlVenueStore>;
extern template class StoreDb<app::UserDb, booking::AccountStore, MysqlUserStore>;

}  // namespace sh::mysql
