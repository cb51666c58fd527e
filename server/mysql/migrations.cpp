// Versioned schema. Each migration runs once, in order, recorded in schema_version.
// DDL commits implicitly in MySQL, so every statement is written to be safe to run again
// (IF NOT EXISTS) should a migration be interrupted halfway. SQL runs on MariaDB 10.11 and MySQL 8.
#include <memory>
#include <vector>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "server/mysql/database.hpp"
#include "server/workers/log.hpp"

namespace sh::mysql {
namespace {

struct Migration {
    int version;
    const char* name;
    std::vector<const char*> statements;
};

const std::vector<Migration>& migrations() {
    static const std::vector<Migration> all = {
        {1,
         "district structure, users, roles, sessions, audit log",
         {
             R"(CREATE TABLE IF NOT EXISTS streets (
                  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                  name VARCHAR(100) NOT NULL,
                  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                  UNIQUE KEY uq_streets_name (name)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)",
             R"(CREATE TABLE IF NOT EXISTS buildings (
                  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                  street_id BIGINT UNSIGNED NOT NULL,
                  name VARCHAR(100) NOT NULL,
                  address VARCHAR(200) NOT NULL DEFAULT '',
                  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                  UNIQUE KEY uq_buildings_name (street_id, name),
                  CONSTRAINT fk_buildings_street FOREIGN KEY (street_id) REFERENCES streets (id)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)",
             R"(CREATE TABLE IF NOT EXISTS users (
                  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                  openid VARCHAR(64) NOT NULL,
                  unionid VARCHAR(64) NULL,
                  name VARCHAR(50) NOT NULL DEFAULT '',
                  org VARCHAR(100) NOT NULL DEFAULT '',
                  phone VARCHAR(20) NULL,
                  role ENUM('member','manager','street_admin','district_admin') NOT NULL DEFAULT 'member',
                  street_id BIGINT UNSIGNED NULL,
                  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
                  UNIQUE KEY uq_users_openid (openid),
                  CONSTRAINT fk_users_street FOREIGN KEY (street_id) REFERENCES streets (id)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)",
             R"(CREATE TABLE IF NOT EXISTS manager_buildings (
                  user_id BIGINT UNSIGNED NOT NULL,
                  building_id BIGINT UNSIGNED NOT NULL,
                  PRIMARY KEY (user_id, building_id),
                  KEY ix_manager_buildings_building (building_id),
                  CONSTRAINT fk_mb_user FOREIGN KEY (user_id) REFERENCES users (id),
                  CONSTRAINT fk_mb_building FOREIGN KEY (building_id) REFERENCES buildings (id)
                ) ENGINE=InnoDB)",
             // Only the SHA-256 of a token is stored: a leaked table does not sign anyone in.
             R"(CREATE TABLE IF NOT EXISTS sessions (
                  token_hash CHAR(64) NOT NULL PRIMARY KEY,
                  user_id BIGINT UNSIGNED NOT NULL,
                  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                  expires_at DATETIME NOT NULL,
                  revoked_at DATETIME NULL,
                  KEY ix_sessions_user (user_id),
                  KEY ix_sessions_expiry (expires_at),
                  CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id)
                ) ENGINE=InnoDB)",
             R"(CREATE TABLE IF NOT EXISTS audit_log (
                  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                  actor_id BIGINT UNSIGNED NULL,
                  action VARCHAR(64) NOT NULL,
                  object_type VARCHAR(32) NOT NULL,
                  object_id BIGINT UNSIGNED NOT NULL,
                  before_json TEXT NULL,
                  after_json TEXT NULL,
                  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                  KEY ix_audit_object (object_type, object_id)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)",
         }},
    };
    return all;
}

}  // namespace

int Database::latest_schema_version() { return migrations().back().version; }

int schema_version(Conn& c) {
    c.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INT NOT NULL PRIMARY KEY,"
        " name VARCHAR(200) NOT NULL,"
        " applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
    auto& ps = c.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
    rs->next();
    return rs->getInt(1);
}

int migrate(Conn& c) {
    // One migrator at a time across every process sharing this database.
    {
        auto& lock = c.prepare("SELECT GET_LOCK('sharedhall_migrate', 60)");
        std::unique_ptr<sql::ResultSet> rs(lock.executeQuery());
        if (!rs->next() || rs->getInt(1) != 1)
            throw std::runtime_error("could not take the migration lock within 60 s");
    }
    int applied = 0;
    try {
        int current = schema_version(c);
        for (const auto& m : migrations()) {
            if (m.version <= current) continue;
            for (const char* stmt : m.statements) c.execute(stmt);
            auto& ins = c.prepare("INSERT INTO schema_version (version, name) VALUES (?, ?)");
            ins.setInt(1, m.version);
            ins.setString(2, m.name);
            ins.executeUpdate();
            log::info("migrate", "applied " + std::to_string(m.version) + " " + m.name);
            ++applied;
        }
    } catch (...) {
        c.execute("DO RELEASE_LOCK('sharedhall_migrate')");
        throw;
    }
    c.execute("DO RELEASE_LOCK('sharedhall_migrate')");
    return applied;
}

}  // namespace sh::mysql
