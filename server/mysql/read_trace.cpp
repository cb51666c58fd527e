#include "server/mysql/read_trace.hpp"

#include <memory>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "server/mysql/sql_time.hpp"
#include "server/mysql/venue_store.hpp"
#include "server/workers/await.hpp"

namespace sh::mysql {

using Rs = std::unique_ptr<sql::ResultSet>;

awaitable<void> ReadTrace::record(const booking::AuditEntry& e, booking::TimePoint at) {
    co_await workers::run(db_, [&](Conn& c) { insert_audit(c, e, at); });
}

awaitable<std::vector<app::ReadRecord>> ReadTrace::reads(const app::ReadQuery& q) {
    co_return co_await workers::run(db_, [&](Conn& c) {
        // A reader is in a street by their own scope: a street admin's street, a manager's
        // buildings, a secretary's branches.
        std::string sql =
            "SELECT a.created_at, a.actor_id, u.name, u.role, a.action, a.object_type, "
            "a.object_id, a.after_json FROM audit_log a JOIN users u ON u.id = a.actor_id "
            "WHERE a.action LIKE 'read\\_%' AND a.created_at >= ? AND a.created_at < ?";
        if (q.street)
            sql +=
                " AND (u.street_id = ? OR EXISTS (SELECT 1 FROM manager_buildings mb JOIN "
                "buildings b ON b.id = mb.building_id WHERE mb.user_id = u.id AND b.street_id = "
                "?) OR EXISTS (SELECT 1 FROM branch_admins ba JOIN branches br ON br.id = "
                "ba.branch_id WHERE ba.user_id = u.id AND br.street_id = ?))";
        sql += " ORDER BY a.created_at DESC, a.id DESC LIMIT ? OFFSET ?";
        auto& s = c.prepare(sql);
        unsigned int i = 1;
        s.setString(i++, to_sql_datetime(q.from));
        s.setString(i++, to_sql_datetime(q.to));
        if (q.street)
            for (int k = 0; k < 3; ++k) s.setUInt64(i++, *q.street);
        s.setInt(i++, q.page_size);
        s.setInt(i++, (q.page - 1) * q.page_size);
        Rs rs(s.executeQuery());
        std::vector<app::ReadRecord> out;
        while (rs->next()) {
            app::ReadRecord r;
            r.at = read_time(*rs, 1);
            r.reader = rs->getUInt64(2);
            r.reader_name = rs->getString(3);
            r.reader_role =
                booking::parse_role(std::string(rs->getString(4))).value_or(booking::Role::member);
            r.action = rs->getString(5);
            r.object_type = rs->getString(6);
            r.object_id = rs->getUInt64(7);
            if (!rs->isNull(8))
                r.details = nlohmann::json::parse(std::string(rs->getString(8)), nullptr, false);
            out.push_back(std::move(r));
        }
        return out;
    });
}

}  // namespace sh::mysql
