#pragma once
// The application's MySQL ports (app::BookingDb, app::VenueDb, app::UserDb, app::ConsentDb): a
// domain store on a pool connection, awaited from coroutines. All have one shape: a READ
// COMMITTED transaction that commits when the work returns true, and plain reads.
#include <atomic>
#include <functional>

#include "app/ports.hpp"
#include "server/mysql/booking_store.hpp"
#include "server/mysql/consent_store.hpp"
#include "server/mysql/database.hpp"
#include "server/mysql/stats_store.hpp"
#include "server/mysql/user_store.hpp"
#include "server/mysql/venue_store.hpp"

namespace sh::mysql {

template <class Port, class Store, class MysqlStore>
class StoreDb : public Port {
  public:
    explicit StoreDb(Database& db) : db_(db) {}
    awaitable<void> transact(std::function<bool(Store&)> work) override;
    awaitable<void> read(std::function<void(Store&)> work) override;

  protected:
    Database& db_;
};

class StatsDb final : public app::StatsDb {
  public:
    explicit StatsDb(Database& db) : db_(db) {}
    awaitable<void> read(std::function<void(booking::StatsStore&)> work) override;

  private:
    Database& db_;
};

// Bookings: the common shape, and booking requests decided in batches. A request waits for a
// connection like any job; the first one a connection takes also takes the booking requests
// queued behind it (up to mysql.booking_batch) and decides them all in one transaction: one
// commit, one statement of each kind (booking::book_all). Under load the batches grow by
// themselves; alone, a request is a batch of one. No request waits for a batch to fill.
class BookingDb final : public StoreDb<app::BookingDb, booking::BookingStore, MysqlBookingStore> {
  public:
    explicit BookingDb(Database& db) : StoreDb(db) {}
    // Its jobs refer to it: the booking connections finish their batches before it goes.
    ~BookingDb() override { db_.booking_pool().stop(); }
    BookingDb(const BookingDb&) = delete;
    BookingDb& operator=(const BookingDb&) = delete;
    awaitable<booking::Result<booking::BookOutcome>> book(const booking::BookCall& call,
                                                          booking::Quotas quotas) override;

    struct Pending;  // one request in a batch (booking_db.cpp)
    // Decides the requests in one transaction on `c` and answers each. A batch that fails as a
    // whole (other than by a lost connection) is decided again one request at a time, so that one
    // request's problem is not its neighbours'.
    void decide(Conn& c, const std::vector<Pending*>& batch);

    std::uint64_t batches() const { return batches_.load(std::memory_order_relaxed); }
    std::uint64_t batched_requests() const { return requests_.load(std::memory_order_relaxed); }

  private:
    VenueRulesCache rules_;
    std::atomic<std::uint64_t> batches_{0}, requests_{0};
};
using VenueDb = StoreDb<app::VenueDb, booking::VenueStore, MysqlVenueStore>;
using UserDb = StoreDb<app::UserDb, booking::AccountStore, MysqlUserStore>;
using ConsentDb = StoreDb<app::ConsentDb, booking::ConsentStore, MysqlConsentStore>;
extern template class StoreDb<app::BookingDb, booking::BookingStore, MysqlBookingStore>;
extern template class StoreDb<app::VenueDb, booking::VenueStore, MysqlVenueStore>;
extern template class StoreDb<app::UserDb, booking::AccountStore, MysqlUserStore>;
extern template class StoreDb<app::ConsentDb, booking::ConsentStore, MysqlConsentStore>;

}  // namespace sh::mysql
