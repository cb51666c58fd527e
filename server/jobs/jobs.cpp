#include "server/jobs/jobs.hpp"

#include <memory>

#include <boost/asio/redirect_error.hpp>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "booking/local_time.hpp"
#include "server/api/availability.hpp"
#include "server/workers/log.hpp"

namespace sh::jobs {

using booking::AppException;

RoundResult run_once(mysql::Database& db, mysql::Conn& c, booking::TimePoint now) {
    RoundResult out;
    // Expire pending bookings that nobody approved before they began, in batches; each batch
    // frees its quanta in the same transaction as the state change.
    for (;;) {
        int n = db.transact(c, mysql::Isolation::read_committed, [&](mysql::Conn& tx) {
            auto& pick = tx.prepare(
                "SELECT id, venue_id FROM bookings WHERE status = 'pending' AND starts_at <= ? ORDER BY id LIMIT 200 "
                "FOR UPDATE");
            pick.setString(1, booking::to_sql_datetime(now));
            std::unique_ptr<sql::ResultSet> rs(pick.executeQuery());
            std::vector<std::uint64_t> ids;
            while (rs->next()) {
                ids.push_back(rs->getUInt64(1));
                out.venues.insert(rs->getUInt64(2));
            }
            rs.reset();
            auto& up = tx.prepare("UPDATE bookings SET status = 'expired' WHERE id = ? AND status = 'pending'");
            auto& del = tx.prepare("DELETE FROM booking_quanta WHERE booking_id = ?");
            for (auto id : ids) {
                up.setUInt64(1, id);
                up.executeUpdate();
                del.setUInt64(1, id);
                del.executeUpdate();
            }
            return static_cast<int>(ids.size());
        });
        out.expired += n;
        if (n < 200) break;
    }
    auto& purge = c.prepare("DELETE FROM idempotency_keys WHERE created_at < ? LIMIT 5000");
    purge.setString(1, booking::to_sql_datetime(now - std::chrono::hours(24)));
    out.purged = purge.executeUpdate();
    return out;
}

awaitable<void> run_jobs(api::Services& svc, std::chrono::milliseconds interval, JobCounters& counters) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    const std::string lease = svc.redis.key("jobs:lease");
    const std::string ttl = std::to_string(std::max<long long>(1000, interval.count() - 100));
    for (;;) {
        timer.expires_after(interval);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        // The lease: one instance per interval. With Redis down every instance runs (safe).
        bool mine = true;
        try {
            auto r = co_await workers::run_on(
                svc.redis.pool(),
                svc.redis.guard([&](redis::Conn& c) { return c.command({"SET", lease, "1", "NX", "PX", ttl}); }),
                svc.redis.acquire_timeout());
            mine = r.type == redis::Reply::Type::status;
        } catch (const AppException&) {
        }
        if (!mine) continue;
        try {
            auto now = svc.clock.now();
            auto round = co_await api::db_run(svc, [&](mysql::Conn& c) { return run_once(svc.db, c, now); });
            for (auto v : round.venues) co_await svc.availability.invalidate(v);
            counters.runs.fetch_add(1);
            counters.expired_bookings.fetch_add(static_cast<std::uint64_t>(round.expired));
            counters.purged_keys.fetch_add(static_cast<std::uint64_t>(round.purged));
            if (round.expired > 0)
                log::info("jobs", "expired " + std::to_string(round.expired) + " pending booking(s) past their start");
        } catch (const std::exception& e) {
            log::warn("jobs", std::string("job round failed: ") + e.what());
        }
    }
}

}  // namespace sh::jobs
