#include "server/jobs/jobs.hpp"

#include <memory>

#include <boost/asio/redirect_error.hpp>


#include "booking/local_time.hpp"
#include "app/availability.hpp"
#include "server/mysql/lifecycle.hpp"
#include "server/redis/lease.hpp"
#include "server/workers/await.hpp"
#include "server/workers/log.hpp"

namespace sh::jobs {

using booking::AppException;

awaitable<void> run_jobs(api::Services& svc, JobSettings settings, JobCounters& counters) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    const auto interval = settings.interval;
    const auto ttl = std::chrono::milliseconds(std::max<long long>(1000, interval.count() - 100));
    for (;;) {
        timer.expires_after(interval);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        // The lease: one instance per interval. With Redis down every instance runs (safe).
        bool mine = true;
        try {
            mine = co_await workers::run(svc.redis, [&](redis::Conn& c) { return redis::take_lease(c, "jobs", ttl); });
        } catch (const AppException&) {
        }
        if (mine) {
            try {
                auto now = svc.clock.now();
                auto round = co_await workers::run(
                    svc.db, [&](mysql::Conn& c) { return mysql::run_lifecycle_round(svc.db, c, now, settings.round); });
                for (auto v : round.venues) co_await svc.availability.changed(v);
                counters.runs.fetch_add(1);
                counters.expired_bookings.fetch_add(static_cast<std::uint64_t>(round.expired));
                counters.no_shows.fetch_add(static_cast<std::uint64_t>(round.no_shows));
                counters.completed.fetch_add(static_cast<std::uint64_t>(round.completed));
                counters.reminded.fetch_add(static_cast<std::uint64_t>(round.reminded));
                counters.purged_keys.fetch_add(static_cast<std::uint64_t>(round.purged));
                if (round.expired + round.no_shows > 0)
                    log::info("jobs", "expired " + std::to_string(round.expired) + ", released " +
                                          std::to_string(round.no_shows) + " no-show(s)");
            } catch (const std::exception& e) {
                log::warn("jobs", std::string("job round failed: ") + e.what());
            }
        }
        // The outbox: rows are taken one sender at a time, so every instance may deliver.
        try {
            for (int i = 0; i < 10 && co_await svc.notifier.deliver_due() > 0; ++i) {
            }
        } catch (const std::exception& e) {
            log::warn("jobs", std::string("delivering notices failed: ") + e.what());
        }
    }
}

}  // namespace sh::jobs
