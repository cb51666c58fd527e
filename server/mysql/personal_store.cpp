#include "server/mysql/personal_store.hpp"

#include <memory>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "server/mysql/booking_store.hpp"
#include "server/mysql/consent_store.hpp"
#include "server/mysql/sql_time.hpp"
#include "server/mysql/user_store.hpp"
#include "server/workers/await.hpp"

namespace sh::mysql {

using Rs = std::unique_ptr<sql::ResultSet>;

awaitable<std::optional<app::PersonalRecords>> PersonalStore::records_of(booking::UserId user) {
    co_return co_await workers::run(db_, [&](Conn& c) -> std::optional<app::PersonalRecords> {
        MysqlUserStore users(c);
        auto found = users.find_user(user);
        if (!found) return std::nullopt;
        app::PersonalRecords r;
        r.user = std::move(*found);
        // One reading of the person's rows per table, each by its user index.
        auto& u = c.prepare("SELECT unionid FROM users WHERE id = ?");
        u.setUInt64(1, user);
        Rs urs(u.executeQuery());
        if (urs->next() && !urs->isNull(1)) r.unionid = urs->getString(1);

        // Their own bookings and those they co-organise (GET /me/bookings lists both).
        const char* theirs =
            "(bk.user_id = ? OR bk.id IN (SELECT booking_id FROM booking_coorganisers WHERE "
            "user_id = ?))";
        auto& b = c.prepare(std::string(booking_columns) + "WHERE " + theirs +
                            " ORDER BY bk.starts_at, bk.id");
        b.setUInt64(1, user);
        b.setUInt64(2, user);
        Rs brs(b.executeQuery());
        while (brs->next()) r.bookings.push_back(read_booking(*brs));

        auto& n =
            c.prepare(std::string("SELECT DISTINCT v.id, v.name FROM venues v JOIN bookings bk ON "
                                  "bk.venue_id = v.id WHERE ") +
                      theirs);
        n.setUInt64(1, user);
        n.setUInt64(2, user);
        Rs nrs(n.executeQuery());
        while (nrs->next()) r.venue_names[nrs->getUInt64(1)] = nrs->getString(2);

        auto& s = c.prepare(
            "SELECT a.booking_id, v.name, a.scanned_at FROM attendance a "
            "JOIN bookings bk ON bk.id = a.booking_id JOIN venues v ON v.id = bk.venue_id "
            "WHERE a.user_id = ? ORDER BY a.scanned_at, a.booking_id");
        s.setUInt64(1, user);
        Rs srs(s.executeQuery());
        while (srs->next())
            r.scans.push_back({srs->getUInt64(1), srs->getString(2), read_time(*srs, 3)});

        r.violations = read_violations(c, user, 0);

        auto& a = c.prepare(
            "SELECT action, created_at, actor_id = ? FROM audit_log "
            "WHERE object_type = 'user' AND object_id = ? ORDER BY id");
        a.setUInt64(1, user);
        a.setUInt64(2, user);
        Rs ars(a.executeQuery());
        while (ars->next())
            r.audit.push_back({ars->getString(1), read_time(*ars, 2), ars->getBoolean(3)});
        r.consents = MysqlConsentStore(c).consents_of(user);
        return r;
    });
}

}  // namespace sh::mysql
