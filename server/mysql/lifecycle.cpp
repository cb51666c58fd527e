// The lifecycle transitions of bookings that time drives: idempotent SQL, safe when two
// instances run them at once.
#include "server/mysql/lifecycle.hpp"

#include <memory>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "booking/local_time.hpp"

namespace sh::mysql {

RoundResult run_lifecycle_round(Database& db, Conn& c, booking::TimePoint now) {
    RoundResult out;
    // Expire pending bookings that nobody approved before they began, in batches; each batch
    // frees its quanta in the same transaction as the state change.
    for (;;) {
        struct Batch {
            std::size_t picked = 0;
            int changed = 0;
        };
        auto batch = db.transact(c, Isolation::read_committed, [&](Conn& tx) {
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
            Batch b{ids.size(), 0};
            for (auto id : ids) {
                up.setUInt64(1, id);
                if (up.executeUpdate() != 1) continue;  // decided meanwhile: its quanta are not ours to free
                del.setUInt64(1, id);
                del.executeUpdate();
                ++b.changed;
            }
            return b;
        });
        out.expired += batch.changed;
        if (batch.picked < 200) break;
    }
    auto& purge = c.prepare("DELETE FROM idempotency_keys WHERE created_at < ? LIMIT 5000");
    purge.setString(1, booking::to_sql_datetime(now - std::chrono::hours(24)));
    out.purged = purge.executeUpdate();
    return out;
}

}  // namespace sh::mysql
