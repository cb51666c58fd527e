#include "server/mysql/retention_store.hpp"

#include <cppconn/prepared_statement.h>

#include "server/mysql/sql_time.hpp"
#include "server/workers/await.hpp"

namespace sh::mysql {

namespace {

// Each statement walks an index on the time it compares (migration 19 added the missing ones).
const char* remove_sql(app::RuleId rule) {
    switch (rule) {
        case app::RuleId::phones:
            return "UPDATE users SET phone = NULL WHERE last_seen < ? AND phone IS NOT NULL "
                   "LIMIT ?";
        case app::RuleId::scans: return "DELETE FROM attendance WHERE scanned_at < ? LIMIT ?";
        case app::RuleId::audit: return "DELETE FROM audit_log WHERE created_at < ? LIMIT ?";
        case app::RuleId::sessions: return "DELETE FROM sessions WHERE expires_at < ? LIMIT ?";
        case app::RuleId::closed_bans:
            return "DELETE FROM closed_bans WHERE banned_until < ? LIMIT ?";
        case app::RuleId::answers:
            return "DELETE FROM idempotency_keys WHERE created_at < ? LIMIT ?";
        case app::RuleId::console_sign_ins:
            return "DELETE FROM web_logins WHERE expires_at < ? LIMIT ?";
    }
    return "";
}

}  // namespace

awaitable<int> RetentionStore::remove(app::RuleId rule, booking::TimePoint cutoff, int batch) {
    co_return co_await workers::run(db_, [&](Conn& c) {
        auto& q = c.prepare(remove_sql(rule));
        q.setString(1, to_sql_datetime(cutoff));
        q.setInt(2, batch);
        return q.executeUpdate();
    });
}

}  // namespace sh::mysql
