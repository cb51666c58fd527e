#include "server/mysql/database.hpp"

#include <random>
#include <thread>

#include <cppconn/connection.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include "common/log.hpp"

namespace sh::mysql {

using booking::AppException;
using booking::Errc;

bool is_connection_lost(const sql::SQLException& e) {
    switch (e.getErrorCode()) {
        case 2002:  // CR_CONNECTION_ERROR
        case 2003:  // CR_CONN_HOST_ERROR
        case 2006:  // CR_SERVER_GONE_ERROR
        case 2013:  // CR_SERVER_LOST
        case 2055:  // CR_SERVER_LOST_EXTENDED
        case 1053:  // ER_SERVER_SHUTDOWN
        case 1927:  // ER_CONNECTION_KILLED (MariaDB)
        case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT (MariaDB)
            return true;
        default: return false;
    }
}

bool is_retryable(const sql::SQLException& e) {
    return e.getErrorCode() == 1213 || e.getErrorCode() == 1205;
}

Conn::Conn(sql::Driver* driver, const config::MysqlConfig& cfg, bool autocommit)
    : driver_(driver), cfg_(cfg), autocommit_(autocommit) {}

Conn::~Conn() {
    discard();
}

void Conn::connect() {
    sql::ConnectOptionsMap opts;
    opts["hostName"] = sql::SQLString(cfg_.host);
    opts["port"] = static_cast<int>(cfg_.port);
    opts["userName"] = sql::SQLString(cfg_.user);
    opts["password"] = sql::SQLString(cfg_.password);
    opts["schema"] = sql::SQLString(cfg_.database);
    opts["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    // Every network wait is bounded: a hung server costs a request, not a thread forever.
    opts["OPT_CONNECT_TIMEOUT"] = cfg_.connect_timeout_s;
    opts["OPT_READ_TIMEOUT"] = cfg_.read_timeout_s;
    opts["OPT_WRITE_TIMEOUT"] = cfg_.write_timeout_s;
    opts["OPT_RECONNECT"] = false;  // a broken connection is replaced, never silently reopened
    try {
        conn_.reset(driver_->connect(opts));
        std::unique_ptr<sql::Statement> st(conn_->createStatement());
        // Asia/Shanghai has no DST and the server has no zone tables: a fixed offset.
        // Lock waits are bounded so that a stuck row turns into a retry or an error.
        st->execute("SET SESSION time_zone = '+08:00', innodb_lock_wait_timeout = " +
                    std::to_string(cfg_.lock_wait_timeout_s) +
                    ", sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
                    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
        // READ COMMITTED is the session's default, so most transactions start in one round trip
        // (this syntax works on MariaDB and MySQL 8 alike).
        st->execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
        conn_->setAutoCommit(autocommit_);
        last_used_ = std::chrono::steady_clock::now();
    } catch (const sql::SQLException& e) {
        statements_.clear();
        conn_.reset();
        log::warn("mysql", std::string("connect failed: ") + e.what());
        throw AppException(Errc::db_unavailable);
    }
}

void Conn::ensure_ready() {
    auto now = std::chrono::steady_clock::now();
    if (conn_ && now - last_used_ > std::chrono::seconds(1)) {
        // Idle for a while: the server may have restarted or closed us. A ping is cheap
        // next to a request failing on a dead connection.
        bool valid = false;
        try {
            valid = conn_->isValid();
        } catch (const sql::SQLException&) {
        }
        if (!valid) discard();
    }
    if (!conn_) connect();
    last_used_ = now;
}

void Conn::discard() noexcept {
    statements_.clear();
    if (conn_) {
        try {
            conn_->close();
        } catch (...) {
        }
        conn_.reset();
    }
}

sql::PreparedStatement& Conn::prepare(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) {
        it->second.last_use = ++uses_;
        return *it->second.statement;
    }
    if (statements_.size() >= max_cached_statements) {
        // The least recently used goes (never one this job just prepared: a job uses a few).
        auto victim = statements_.begin();
        for (auto i = statements_.begin(); i != statements_.end(); ++i)
            if (i->second.last_use < victim->second.last_use) victim = i;
        statements_.erase(victim);
    }
    std::unique_ptr<sql::PreparedStatement> ps(raw().prepareStatement(sql));
    return *statements_.emplace(sql, Cached{std::move(ps), ++uses_}).first->second.statement;
}

void Conn::execute(const std::string& sql) {
    std::unique_ptr<sql::Statement> st(raw().createStatement());
    st->execute(sql);
}

std::uint64_t Conn::last_insert_id() {
    std::unique_ptr<sql::ResultSet> rs(prepare("SELECT LAST_INSERT_ID()").executeQuery());
    rs->next();
    return rs->getUInt64(1);
}

sql::Connection& Conn::raw() {
    if (!conn_) throw AppException(Errc::db_unavailable);
    return *conn_;
}

Database::Database(sql::Driver* driver, config::MysqlConfig cfg)
    : cfg_(std::move(cfg)),
      pool_(cfg_.pool_size, [this, driver] { return std::make_unique<Conn>(driver, cfg_); }),
      booking_pool_(cfg_.booking_connections,
                    [this, driver] { return std::make_unique<Conn>(driver, cfg_, false); }) {}

Database::~Database() {
    booking_pool_.stop();
    pool_.stop();
}

void Database::rethrow_translated(Conn& c, const std::exception& e) {
    auto* se = dynamic_cast<const sql::SQLException*>(&e);
    if (se && is_connection_lost(*se)) {
        log::warn("mysql", std::string("connection lost: ") + se->what());
        c.discard();
        throw AppException(Errc::db_unavailable);
    }
    // A unique key no use case expected to meet (a unit's or a building's name taken in its
    // street, by a request a moment earlier): the state conflicts, the transaction rolled back.
    constexpr int duplicate_entry = 1062;
    if (se && se->getErrorCode() == duplicate_entry)
        throw AppException(Errc::conflict, "Something of this name already exists here.");
}

bool Database::transact_if(Conn& c, Isolation iso, const std::function<bool(Conn&)>& work) {
    for (int attempt = 0;; ++attempt) {
        begin(c, iso);
        try {
            if (!work(c)) {
                rollback_quietly(c);
                return false;
            }
            commit(c);
            return true;
        } catch (const std::exception& e) {
            rollback_quietly(c);
            if (!should_retry(e, attempt)) throw;
        }
    }
}

void Database::begin(Conn& c, Isolation iso) {
    switch (iso) {
        case Isolation::read_committed:
            if (!c.autocommit()) return;  // begins with the first statement
            break;                        // the session default (set at connect)
        case Isolation::repeatable_read:
            c.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            break;
        case Isolation::serializable:
            c.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
            break;
    }
    c.execute("START TRANSACTION");
}

void Database::commit(Conn& c) {
    c.execute("COMMIT");
    tx_stats_.commits.fetch_add(1, std::memory_order_relaxed);
}

void Database::rollback_quietly(Conn& c) noexcept {
    try {
        if (c.connected()) c.execute("ROLLBACK");
    } catch (...) {
        // The connection is broken; the server rolls back on disconnect.
    }
}

bool Database::should_retry(const std::exception& e, int attempt) {
    auto* se = dynamic_cast<const sql::SQLException*>(&e);
    if (!se || !is_retryable(*se) || attempt >= cfg_.tx_retries) return false;
    tx_stats_.retries.fetch_add(1, std::memory_order_relaxed);
    // Randomised, growing backoff so that the two sides of a deadlock do not meet again.
    thread_local std::mt19937 rng{std::random_device{}()};
    std::uniform_int_distribution<int> jitter(1, 5 * (attempt + 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(jitter(rng)));
    return true;
}

void ping(Conn& c) {
    std::unique_ptr<sql::ResultSet> rs(c.prepare("SELECT 1").executeQuery());
}

}  // namespace sh::mysql
