#include "server/mysql/booking_db.hpp"

#include "server/workers/await.hpp"

namespace sh::mysql {

template <class Port, class Store, class MysqlStore>
awaitable<void> StoreDb<Port, Store, MysqlStore>::transact(std::function<bool(Store&)> work) {
    co_await workers::run(db_, [&](Conn& c) {
        db_.transact_if(c, Isolation::read_committed, [&](Conn& tx) {
            MysqlStore store(tx);
            return work(store);
        });
    });
}

template <class Port, class Store, class MysqlStore>
awaitable<void> StoreDb<Port, Store, MysqlStore>::read(std::function<void(Store&)> work) {
    co_await workers::run(db_, [&](Conn& c) {
        MysqlStore store(c);
        work(store);
    });
}

awaitable<void> StatsDb::read(std::function<void(booking::StatsStore&)> work) {
    co_await workers::run(db_, [&](Conn& c) {
        MysqlStatsStore store(c);
        work(store);
    });
}

template class StoreDb<app::BookingDb, booking::BookingStore, MysqlBookingStore>;
template class StoreDb<app::VenueDb, booking::VenueStore, MysqlVenueStore>;
template class StoreDb<app::UserDb, booking::AccountStore, MysqlUserStore>;

}  // namespace sh::mysql
