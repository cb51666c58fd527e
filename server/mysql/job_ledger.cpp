#include "server/mysql/job_ledger.hpp"

#include <memory>

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "server/workers/await.hpp"

namespace sh::mysql {

awaitable<void> JobLedger::declare(const std::vector<std::string>& jobs) {
    co_await workers::run(db_, [&](Conn& c) {
        auto& q = c.prepare("INSERT IGNORE INTO job_runs (name) VALUES (?)");
        for (const auto& j : jobs) {
            q.setString(1, j);
            q.executeUpdate();
        }
    });
}

awaitable<std::optional<app::JobLedger::Taken>> JobLedger::take(const std::string& job,
                                                                const std::string& owner,
                                                                long long due_ms, bool again,
                                                                std::chrono::milliseconds ttl) {
    co_return co_await workers::run(db_, [&](Conn& c) {
        auto& q = c.prepare(
            "UPDATE job_runs SET lease_owner = ?, lease_until = DATE_ADD(NOW(3), INTERVAL ? "
            "MICROSECOND), "
            "started_at = NOW(3) WHERE name = ? AND (lease_until IS NULL OR lease_until < NOW(3)) "
            "AND (? OR last_due_ms IS NULL OR last_due_ms <> ?)");
        q.setString(1, owner);
        q.setInt64(2, ttl.count() * 1000);
        q.setString(3, job);
        q.setBoolean(4, again);
        q.setInt64(5, due_ms);
        std::optional<Taken> taken;
        if (q.executeUpdate() != 1) return taken;
        auto& last =
            c.prepare("SELECT last_due_ms FROM job_runs WHERE name = ?");  // the row is ours now
        last.setString(1, job);
        std::unique_ptr<sql::ResultSet> rs(last.executeQuery());
        taken.emplace();
        if (rs->next() && !rs->isNull(1)) taken->last_due_ms = rs->getInt64(1);
        return taken;
    });
}

awaitable<bool> JobLedger::renew(const std::string& job, const std::string& owner,
                                 std::chrono::milliseconds ttl) {
    co_return co_await workers::run(db_, [&](Conn& c) {
        auto& q = c.prepare(
            "UPDATE job_runs SET lease_until = DATE_ADD(NOW(3), INTERVAL ? MICROSECOND) WHERE name "
            "= ? AND lease_owner = ?");
        q.setInt64(1, ttl.count() * 1000);
        q.setString(2, job);
        q.setString(3, owner);
        return q.executeUpdate() == 1;
    });
}

awaitable<void> JobLedger::release(const std::string& job, const std::string& owner,
                                   std::optional<long long> done_due_ms) {
    co_await workers::run(db_, [&](Conn& c) {
        auto& q = c.prepare(
            "UPDATE job_runs SET lease_owner = NULL, lease_until = NULL, finished_at = NOW(3), "
            "runs = runs + 1, "
            "last_due_ms = COALESCE(?, last_due_ms) WHERE name = ? AND lease_owner = ?");
        if (done_due_ms)
            q.setInt64(1, *done_due_ms);
        else
            q.setNull(1, sql::DataType::BIGINT);
        q.setString(2, job);
        q.setString(3, owner);
        q.executeUpdate();
    });
}

}  // namespace sh::mysql
