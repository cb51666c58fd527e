#include "server/mysql/booking_db.hpp"

#include <algorithm>

#include "server/workers/await.hpp"

namespace sh::mysql {

using booking::BookOutcome;
using booking::Result;

// One booking request waiting for a connection. Whichever of the waiting requests a connection
// takes first decides the others with it (they are never run by the pool themselves).
struct BookingDb::Pending {
    virtual ~Pending() = default;
    booking::BookCall call;
    booking::Quotas quotas;
    virtual void answer(std::exception_ptr ep, std::optional<Result<BookOutcome>> r) noexcept = 0;
};

namespace {

template <class Handler>
class BookJob final : public workers::detail::AwaitedJob<Conn, Result<BookOutcome>, Handler>,
                      public BookingDb::Pending {
  public:
    BookJob(BookingDb& owner, Database& db, booking::BookCall c, booking::Quotas q, Handler h,
            asio::any_io_executor ex)
        : workers::detail::AwaitedJob<Conn, Result<BookOutcome>, Handler>(std::move(h), ex),
          owner_(owner),
          db_(db) {
        call = std::move(c);
        quotas = q;
    }
    // Every booking request of this BookingDb may join another's batch.
    const void* batch_key() const noexcept override { return &owner_; }
    void answer(std::exception_ptr ep, std::optional<Result<BookOutcome>> r) noexcept override {
        this->complete(ep, std::move(r));
    }
    void execute(Conn& c) noexcept override {
        auto max = static_cast<std::size_t>(std::max(db_.config().booking_batch, 1));
        auto others = db_.booking_pool().take_batch(*this, max - 1);  // kept alive until answered
        std::vector<BookingDb::Pending*> batch{this};
        for (const auto& j : others) batch.push_back(dynamic_cast<BookingDb::Pending*>(j.get()));
        owner_.decide(c, batch);
    }

  private:
    BookingDb& owner_;
    Database& db_;
};

bool wrote(const Result<BookOutcome>& r) {
    return r.ok() && !r.value().replay;
}

}  // namespace

awaitable<Result<BookOutcome>> BookingDb::book(const booking::BookCall& call,
                                               booking::Quotas quotas) {
    auto ex = co_await asio::this_coro::executor;
    auto init = [&](auto handler) {
        using H = decltype(handler);
        auto job = std::make_shared<BookJob<H>>(*this, db_, call, quotas, std::move(handler), ex);
        job->start_timer(db_.acquire_timeout(), db_.booking_pool());
        db_.booking_pool().submit(job);
    };
    std::optional<Result<BookOutcome>> r =
        co_await asio::async_initiate<decltype(asio::use_awaitable),
                                      void(std::exception_ptr, std::optional<Result<BookOutcome>>)>(
            init, asio::use_awaitable);
    co_return std::move(*r);
}

void BookingDb::decide(Conn& c, const std::vector<Pending*>& batch) {
    batches_.fetch_add(1, std::memory_order_relaxed);
    requests_.fetch_add(batch.size(), std::memory_order_relaxed);
    std::vector<booking::BookCall> calls;
    for (auto* p : batch) calls.push_back(p->call);
    std::vector<Result<BookOutcome>> results;
    try {
        db_.guard([&](Conn& conn) {
            db_.transact_if(conn, Isolation::read_committed, [&](Conn& tx) {
                MysqlBookingStore store(tx, &rules_);
                results = booking::book_all(store, calls, batch.front()->quotas);
                return std::any_of(results.begin(), results.end(), wrote);  // else nothing to keep
            });
        })(c);
    } catch (const FailureException&) {
        // MySQL unreachable: every request of the batch gets the same 503.
        for (auto* p : batch) p->answer(std::current_exception(), std::nullopt);
        return;
    } catch (...) {
        if (batch.size() > 1) {
            for (auto* p : batch) decide(c, {p});
            return;
        }
        batch.front()->answer(std::current_exception(), std::nullopt);
        return;
    }
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->answer(nullptr, std::move(results[i]));
}

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
template class StoreDb<app::ConsentDb, booking::ConsentStore, MysqlConsentStore>;

}  // namespace sh::mysql
