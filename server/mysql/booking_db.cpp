#include "server/mysql/booking_db.hpp"

#include "server/mysql/booking_store.hpp"
#include "server/workers/await.hpp"

namespace sh::mysql {

awaitable<void> BookingDb::transact(std::function<bool(booking::BookingStore&)> work) {
    co_await workers::run(db_, [&](Conn& c) {
        db_.transact_if(c, Isolation::read_committed, [&](Conn& tx) {
            MysqlBookingStore store(tx);
            return work(store);
        });
    });
}

awaitable<void> BookingDb::read(std::function<void(booking::BookingStore&)> work) {
    co_await workers::run(db_, [&](Conn& c) {
        MysqlBookingStore store(c);
        work(store);
    });
}

}  // namespace sh::mysql
