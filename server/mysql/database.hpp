#pragma once
// MySQL access: one blocking Connector/C++ connection per pool thread. No Asio or Beast here;
// coroutines await these through server/workers/await.hpp (workers::run on the pool).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "booking/errors.hpp"
#include "config/app_config.hpp"
#include "server/workers/worker_pool.hpp"

namespace sql {
class Connection;
class Driver;
class PreparedStatement;
class SQLException;
}  // namespace sql

namespace sh::mysql {

// True for the client errors that mean the connection is gone (server restarted, network).
bool is_connection_lost(const sql::SQLException& e);
// Deadlock (1213) or lock-wait timeout (1205): the transaction may simply be run again.
bool is_retryable(const sql::SQLException& e);

// One connection, owned by one worker thread. Connects lazily, is checked before use after
// being idle, and is replaced (never silently reconnected: OPT_RECONNECT would drop the
// session's time zone, isolation and prepared statements) when it breaks.
class Conn {
  public:
    // `autocommit` false: a transaction starts with the first statement and ends with COMMIT or
    // ROLLBACK (no START TRANSACTION round trip) — for connections that only run transactions.
    Conn(sql::Driver* driver, const config::MysqlConfig& cfg, bool autocommit = true);
    ~Conn();
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;

    static constexpr std::size_t max_cached_statements = 64;
    // Prepared statements are cached per connection (at most max_cached_statements, least
    // recently used dropped first).
    sql::PreparedStatement& prepare(const std::string& sql);
    // Runs a statement without parameters (session settings, transaction control, DDL).
    void execute(const std::string& sql);
    // The AUTO_INCREMENT id of this connection's last INSERT.
    std::uint64_t last_insert_id();
    sql::Connection& raw();

    // Called by the pool around each job.
    void ensure_ready();
    void discard() noexcept;
    bool connected() const { return conn_ != nullptr; }
    int lock_wait_timeout_s() const { return cfg_.lock_wait_timeout_s; }
    bool autocommit() const { return autocommit_; }

  private:
    void connect();

    sql::Driver* driver_;
    const config::MysqlConfig& cfg_;
    bool autocommit_;
    std::unique_ptr<sql::Connection> conn_;
    // Bounded: MariaDB's max_prepared_stmt_count is shared by every connection of every
    // instance, so statement texts must be few (values are bound, never written into SQL) and
    // the cache must not grow without end even if one slips through.
    struct Cached {
        std::unique_ptr<sql::PreparedStatement> statement;
        std::uint64_t last_use = 0;
    };
    std::map<std::string, Cached> statements_;
    std::uint64_t uses_ = 0;
    std::chrono::steady_clock::time_point last_used_{};
};

enum class Isolation { read_committed, repeatable_read, serializable };

struct TxStats {
    std::atomic<std::uint64_t> commits{0};
    std::atomic<std::uint64_t> retries{0};
};

class Database {
  public:
    // `driver` comes from get_driver_instance(), called once in main (it is not thread-safe).
    Database(sql::Driver* driver, config::MysqlConfig cfg);
    ~Database();

    workers::WorkerPool<Conn>& pool() { return pool_; }
    // The connections that decide bookings (mysql.booking_connections), apart from the others so
    // that booking batches grow under load and other work never queues behind them. They run
    // with autocommit off: a booking transaction starts with its first statement.
    workers::WorkerPool<Conn>& booking_pool() { return booking_pool_; }
    std::chrono::milliseconds acquire_timeout() const {
        return std::chrono::milliseconds(cfg_.acquire_timeout_ms);
    }
    const config::MysqlConfig& config() const { return cfg_; }
    TxStats& tx_stats() { return tx_stats_; }

    // Wraps a job: ready the connection first; a lost connection is discarded and reported as
    // db_unavailable (503), its job not retried (a lost COMMIT has an unknown outcome); a
    // duplicate key that escaped the use case is a conflict (409).
    template <class F>
    auto guard(F f) {
        return [f = std::move(f)](Conn& c) mutable -> decltype(f(c)) {
            c.ensure_ready();
            try {
                return f(c);
            } catch (const std::exception& e) {
                rethrow_translated(c, e);
                throw;
            }
        };
    }

    // Runs `work` inside a transaction at the given isolation: commits when it returns true,
    // rolls back when it returns false (an expected failure found halfway) and answers that.
    // Deadlocks and lock-wait timeouts are retried up to tx_retries times with a short randomised
    // backoff, so `work` may run more than once: it must not have effects outside the
    // transaction. The one retry loop; transact() is built on it.
    bool transact_if(Conn& c, Isolation iso, const std::function<bool(Conn&)>& work);

    // The same for work that always commits, answering what f returns.
    template <class F>
    auto transact(Conn& c, Isolation iso, F&& f) -> decltype(f(c)) {
        using R = decltype(f(c));
        if constexpr (std::is_void_v<R>) {
            transact_if(c, iso, [&](Conn& tx) {
                f(tx);
                return true;
            });
        } else {
            std::optional<R> r;
            transact_if(c, iso, [&](Conn& tx) {
                r.emplace(f(tx));
                return true;
            });
            return std::move(*r);
        }
    }

    // Current schema version and the migrations this build knows.
    static int latest_schema_version();

  private:
    static void rethrow_translated(Conn& c, const std::exception& e);
    void begin(Conn& c, Isolation iso);
    void commit(Conn& c);
    static void rollback_quietly(Conn& c) noexcept;
    bool should_retry(const std::exception& e, int attempt);

    config::MysqlConfig cfg_;
    TxStats tx_stats_;
    workers::WorkerPool<Conn> pool_;
    workers::WorkerPool<Conn> booking_pool_;
};

// Applies every migration newer than the schema_version table says; returns how many ran.
// Serialised across processes with GET_LOCK, so two instances starting at once are safe.
int migrate(Conn& c);

// Ids as one bound value for FIND_IN_SET(column, ?): "3,7,12". One statement text whatever the
// number of ids, so the statement cache does not grow with them.
template <class Ids>
std::string id_list(const Ids& ids) {
    std::string out;
    for (auto id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
    return out;
}
// SELECT 1: throws when MySQL does not answer (readiness).
void ping(Conn& c);
int schema_version(Conn& c);

}  // namespace sh::mysql
