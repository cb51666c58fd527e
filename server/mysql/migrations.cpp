// Versioned schema. Each migration runs once, in order, recorded in schema_version.
// DDL commits implicitly in MySQL, so every statement is written to be safe to run again
// (IF [NOT] EXISTS on tables, columns, keys and triggers: MariaDB's syntax) should a migration be
// interrupted halfway. SQL runs on MariaDB 10.11, alone or as a Galera cluster.
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "common/log.hpp"
#include "server/mysql/database.hpp"

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
        {2,
         "halls, opening hours, closures, bookings and their quanta",
         {
             R"(CREATE TABLE IF NOT EXISTS venues (
                  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                  building_id BIGINT UNSIGNED NOT NULL,
                  name VARCHAR(100) NOT NULL,
                  capacity INT NOT NULL,
                  description TEXT NOT NULL,
                  photos TEXT NOT NULL,
                  floor VARCHAR(50) NOT NULL DEFAULT '',
                  requires_approval TINYINT(1) NOT NULL DEFAULT 0,
                  slot_minutes SMALLINT NOT NULL,
                  horizon_days SMALLINT NOT NULL,
                  release_minute SMALLINT NOT NULL,
                  min_minutes SMALLINT NOT NULL,
                  max_minutes SMALLINT NOT NULL,
                  cancel_deadline_minutes INT NOT NULL,
                  checkin_before_minutes SMALLINT NOT NULL,
                  checkin_after_minutes SMALLINT NOT NULL,
                  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
                  KEY ix_venues_building (building_id),
                  KEY ix_venues_capacity (capacity),
                  CONSTRAINT fk_venues_building FOREIGN KEY (building_id) REFERENCES buildings (id)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)",
             R"(CREATE TABLE IF NOT EXISTS venue_hours (
                  venue_id BIGINT UNSIGNED NOT NULL,
                  weekday TINYINT NOT NULL,
                  open_minute SMALLINT NOT NULL,
                  close_minute SMALLINT NOT NULL,
                  PRIMARY KEY (venue_id, weekday, open_minute),
                  CONSTRAINT fk_hours_venue FOREIGN KEY (venue_id) REFERENCES venues (id)
                ) ENGINE=InnoDB)",
             R"(CREATE TABLE IF NOT EXISTS venue_facilities (
                  venue_id BIGINT UNSIGNED NOT NULL,
                  facility VARCHAR(32) NOT NULL,
                  PRIMARY KEY (venue_id, facility),
                  KEY ix_facility (facility),
                  CONSTRAINT fk_facilities_venue FOREIGN KEY (venue_id) REFERENCES venues (id)
                ) ENGINE=InnoDB)",
             R"(CREATE TABLE IF NOT EXISTS closures (
                  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                  venue_id BIGINT UNSIGNED NOT NULL,
                  starts_at DATETIME NOT NULL,
                  ends_at DATETIME NOT NULL,
                  reason VARCHAR(200) NOT NULL,
                  created_by BIGINT UNSIGNED NOT NULL,
                  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                  KEY ix_closures_venue (venue_id, starts_at),
                  CONSTRAINT fk_closures_venue FOREIGN KEY (venue_id) REFERENCES venues (id)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)",
             R"(CREATE TABLE IF NOT EXISTS bookings (
                  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                  venue_id BIGINT UNSIGNED NOT NULL,
                  user_id BIGINT UNSIGNED NOT NULL,
                  starts_at DATETIME NOT NULL,
                  ends_at DATETIME NOT NULL,
                  status ENUM('pending','confirmed','checked_in','completed','cancelled','rejected','expired','no_show') NOT NULL,
                  purpose VARCHAR(200) NOT NULL,
                  attendees INT NOT NULL,
                  org VARCHAR(100) NOT NULL DEFAULT '',
                  cancel_reason VARCHAR(200) NULL,
                  cancelled_by BIGINT UNSIGNED NULL,
                  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
                  KEY ix_bookings_venue (venue_id, starts_at),
                  KEY ix_bookings_user (user_id, starts_at),
                  KEY ix_bookings_status (status, starts_at),
                  CONSTRAINT fk_bookings_venue FOREIGN KEY (venue_id) REFERENCES venues (id),
                  CONSTRAINT fk_bookings_user FOREIGN KEY (user_id) REFERENCES users (id)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)",
             // The guard against double booking: one row per 15-minute quantum a booking owns.
             // A second owner of any quantum fails on this primary key.
             R"(CREATE TABLE IF NOT EXISTS booking_quanta (
                  venue_id BIGINT UNSIGNED NOT NULL,
                  slot_start DATETIME NOT NULL,
                  booking_id BIGINT UNSIGNED NOT NULL,
                  PRIMARY KEY (venue_id, slot_start),
                  KEY ix_quanta_booking (booking_id),
                  CONSTRAINT fk_quanta_booking FOREIGN KEY (booking_id) REFERENCES bookings (id)
                ) ENGINE=InnoDB)",
         }},
        {3,
         "bans and idempotency keys",
         {
             "ALTER TABLE users ADD COLUMN IF NOT EXISTS banned_until DATETIME NULL",
             // A POST /bookings replayed by key: written in the booking's own transaction.
             R"(CREATE TABLE IF NOT EXISTS idempotency_keys (
                  user_id BIGINT UNSIGNED NOT NULL,
                  idem_key VARCHAR(64) NOT NULL,
                  request_hash CHAR(64) NOT NULL,
                  response_status SMALLINT NOT NULL,
                  response_body TEXT NOT NULL,
                  created_at DATETIME NOT NULL,
                  PRIMARY KEY (user_id, idem_key),
                  KEY ix_idem_created (created_at)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)",
         }},
        {4,
         "reasons in characters: a closure's prefix plus a 200-character reason fits",
         {
             "ALTER TABLE bookings MODIFY cancel_reason VARCHAR(300) NULL",
         }},
        {5,
         "search by date reads every hall's day at once: quanta and closures by time",
         {
             "ALTER TABLE booking_quanta ADD KEY IF NOT EXISTS ix_quanta_start (slot_start)",
             "ALTER TABLE closures ADD KEY IF NOT EXISTS ix_closures_time (starts_at, ends_at)",
         }},
        {6,
         "the rest of a booking's day: hall codes, check-in, attendance, violations, the outbox",
         {
             // A hall's check-in code: 24 hex characters from the CSPRNG (WeChat's scene allows
             // 32), set on first use; its mini-program code PNG is cached beside it.
             "ALTER TABLE venues ADD COLUMN IF NOT EXISTS checkin_code CHAR(24) NULL, ADD UNIQUE "
             "KEY IF NOT EXISTS uq_venues_checkin_code (checkin_code)",
             R"(CREATE TABLE IF NOT EXISTS venue_qrcodes (
                  venue_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
                  checkin_code CHAR(24) NOT NULL,
                  png MEDIUMBLOB NOT NULL,
                  created_at DATETIME NOT NULL,
                  CONSTRAINT fk_qrcodes_venue FOREIGN KEY (venue_id) REFERENCES venues (id)
                ) ENGINE=InnoDB)",
             "ALTER TABLE bookings ADD COLUMN IF NOT EXISTS checked_in_at DATETIME NULL, ADD "
             "COLUMN IF NOT EXISTS reminded_at DATETIME NULL, "
             "ADD COLUMN IF NOT EXISTS content_review TINYINT(1) NOT NULL DEFAULT 0",
             // Who was there: one row per person who scanned the hall's code during the booking.
             R"(CREATE TABLE IF NOT EXISTS attendance (
                  booking_id BIGINT UNSIGNED NOT NULL,
                  user_id BIGINT UNSIGNED NOT NULL,
                  scanned_at DATETIME NOT NULL,
                  PRIMARY KEY (booking_id, user_id),
                  CONSTRAINT fk_attendance_booking FOREIGN KEY (booking_id) REFERENCES bookings (id)
                ) ENGINE=InnoDB)",
             // Weights in thousandths of a violation (a late cancellation may count 500).
             R"(CREATE TABLE IF NOT EXISTS violations (
                  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                  user_id BIGINT UNSIGNED NOT NULL,
                  booking_id BIGINT UNSIGNED NOT NULL,
                  kind ENUM('no_show','late_cancel') NOT NULL,
                  weight_milli INT NOT NULL,
                  created_at DATETIME NOT NULL,
                  waived_at DATETIME NULL,
                  waived_by BIGINT UNSIGNED NULL,
                  UNIQUE KEY uq_violation_booking (booking_id, kind),
                  KEY ix_violations_user (user_id, created_at),
                  CONSTRAINT fk_violations_user FOREIGN KEY (user_id) REFERENCES users (id)
                ) ENGINE=InnoDB)",
             // Consents the phone reported (wx.requestSubscribeMessage): one is spent per message.
             R"(CREATE TABLE IF NOT EXISTS subscriptions (
                  user_id BIGINT UNSIGNED NOT NULL,
                  template_id VARCHAR(64) NOT NULL,
                  consents INT NOT NULL,
                  PRIMARY KEY (user_id, template_id)
                ) ENGINE=InnoDB)",
             // Notifications, written in the transaction of the event; one per event, booking and
             // user.
             R"(CREATE TABLE IF NOT EXISTS outbox (
                  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                  user_id BIGINT UNSIGNED NOT NULL,
                  kind VARCHAR(24) NOT NULL,
                  booking_id BIGINT UNSIGNED NOT NULL,
                  note VARCHAR(300) NOT NULL DEFAULT '',
                  status ENUM('pending','sent','no_consent','undeliverable','failed') NOT NULL DEFAULT 'pending',
                  attempts INT NOT NULL DEFAULT 0,
                  next_attempt_at DATETIME NOT NULL,
                  locked_until DATETIME NULL,
                  last_errcode INT NULL,
                  created_at DATETIME NOT NULL,
                  sent_at DATETIME NULL,
                  UNIQUE KEY uq_outbox_event (kind, booking_id, user_id),
                  KEY ix_outbox_due (status, next_attempt_at)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)",
         }},
        {7,
         "web console sign-in by scanning a code: one-time nonces bound to the browser that asked",
         {
             R"(CREATE TABLE IF NOT EXISTS web_logins (
                  nonce CHAR(32) NOT NULL PRIMARY KEY,
                  browser_hash CHAR(64) NOT NULL,
                  user_id BIGINT UNSIGNED NULL,
                  created_at DATETIME NOT NULL,
                  expires_at DATETIME NOT NULL,
                  consumed_at DATETIME NULL,
                  KEY ix_web_logins_expiry (expires_at)
                ) ENGINE=InnoDB)",
         }},
        {8,
         "statistics read a hall's bookings from the index alone (status and end beside the start)",
         {
             "ALTER TABLE bookings DROP KEY ix_bookings_venue, ADD KEY ix_bookings_venue "
             "(venue_id, starts_at, status, ends_at)",
         }},
        {9,
         "who was there, counted on the booking (kept with each scan) and in the statistics' index",
         {
             "ALTER TABLE bookings ADD COLUMN IF NOT EXISTS present INT NOT NULL DEFAULT 0",
             "UPDATE bookings b SET present = (SELECT COUNT(*) FROM attendance a WHERE "
             "a.booking_id = b.id)",
             "ALTER TABLE bookings DROP KEY ix_bookings_venue, ADD KEY ix_bookings_venue "
             "(venue_id, starts_at, status, ends_at, present)",
         }},
        {10,
         "a hall's rules carry a version, bumped by triggers on any change to the hall or its "
         "hours, so bookings "
         "read them from a cache checked under the hall's shared lock; the quotas' read is "
         "index-only",
         {
             "ALTER TABLE venues ADD COLUMN IF NOT EXISTS rules_version BIGINT UNSIGNED NOT NULL "
             "DEFAULT 1",
             "CREATE TRIGGER IF NOT EXISTS tr_venues_version BEFORE UPDATE ON venues FOR EACH ROW "
             "SET NEW.rules_version = OLD.rules_version + 1",
             "CREATE TRIGGER IF NOT EXISTS tr_hours_added AFTER INSERT ON venue_hours FOR EACH ROW "
             "UPDATE venues SET rules_version = rules_version + 1 WHERE id = NEW.venue_id",
             "CREATE TRIGGER IF NOT EXISTS tr_hours_changed AFTER UPDATE ON venue_hours FOR EACH "
             "ROW "
             "UPDATE venues SET rules_version = rules_version + 1 WHERE id IN (OLD.venue_id, "
             "NEW.venue_id)",
             "CREATE TRIGGER IF NOT EXISTS tr_hours_removed AFTER DELETE ON venue_hours FOR EACH "
             "ROW "
             "UPDATE venues SET rules_version = rules_version + 1 WHERE id = OLD.venue_id",
             // The member's bookings for the quotas, read from the index alone.
             "ALTER TABLE bookings DROP KEY ix_bookings_user, ADD KEY ix_bookings_user (user_id, "
             "starts_at, status, ends_at)",
         }},
        {11,
         "a console's code is asked of WeChat once per nonce and kept with it (viewing it again "
         "costs no call)",
         {
             "ALTER TABLE web_logins ADD COLUMN IF NOT EXISTS code_png MEDIUMBLOB NULL",
         }},
        {12,
         "the scheduler's ledger: each timed job's lease (on the database's clock) and the due "
         "time it last ran for",
         {
             R"(CREATE TABLE IF NOT EXISTS job_runs (
                  name VARCHAR(48) NOT NULL PRIMARY KEY,
                  last_due_ms BIGINT NULL,
                  lease_owner VARCHAR(80) NULL,
                  lease_until DATETIME(3) NULL,
                  started_at DATETIME(3) NULL,
                  finished_at DATETIME(3) NULL,
                  runs BIGINT UNSIGNED NOT NULL DEFAULT 0
                ) ENGINE=InnoDB)",
         }},
        {13,
         "notices about anything: a subject (kind and id) instead of a booking, and the notice's "
         "own key; read or not",
         {
             "RENAME TABLE outbox TO notices",
             "ALTER TABLE notices ADD COLUMN subject_kind VARCHAR(16) NOT NULL DEFAULT 'booking' "
             "AFTER kind, "
             "CHANGE COLUMN booking_id subject_id BIGINT UNSIGNED NOT NULL, ADD COLUMN dedup_key "
             "VARCHAR(100) NULL, "
             "ADD COLUMN read_at DATETIME NULL",
             "UPDATE notices SET dedup_key = CONCAT(kind, ':booking:', subject_id)",
             "ALTER TABLE notices MODIFY COLUMN dedup_key VARCHAR(100) NOT NULL, DROP KEY "
             "uq_outbox_event, "
             "ADD UNIQUE KEY uq_notices_key (user_id, dedup_key), ADD KEY ix_notices_user "
             "(user_id, id)",
         }},
        {14,
         "the alliance: units, branches, secretaries, memberships, a booking's branch and unit, "
         "invitations, branch names to review",
         {
             R"(CREATE TABLE IF NOT EXISTS units (
                  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                  street_id BIGINT UNSIGNED NOT NULL,
                  name VARCHAR(100) NOT NULL,
                  kind ENUM('enterprise','government','institution','social_organisation',
                            'community') NOT NULL,
                  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                  UNIQUE KEY uq_units_name (street_id, name),
                  CONSTRAINT fk_units_street FOREIGN KEY (street_id) REFERENCES streets (id)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)",
             "ALTER TABLE buildings ADD COLUMN IF NOT EXISTS unit_id BIGINT UNSIGNED NULL, "
             "ADD CONSTRAINT fk_buildings_unit FOREIGN KEY IF NOT EXISTS (unit_id) "
             "REFERENCES units (id)",
             R"(CREATE TABLE IF NOT EXISTS branches (
                  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                  street_id BIGINT UNSIGNED NOT NULL,
                  name VARCHAR(100) NOT NULL,
                  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                  UNIQUE KEY uq_branches_name (street_id, name),
                  CONSTRAINT fk_branches_street FOREIGN KEY (street_id) REFERENCES streets (id)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)",
             R"(CREATE TABLE IF NOT EXISTS branch_units (
                  branch_id BIGINT UNSIGNED NOT NULL,
                  unit_id BIGINT UNSIGNED NOT NULL,
                  PRIMARY KEY (branch_id, unit_id),
                  KEY ix_branch_units_unit (unit_id),
                  CONSTRAINT fk_bu_branch FOREIGN KEY (branch_id) REFERENCES branches (id),
                  CONSTRAINT fk_bu_unit FOREIGN KEY (unit_id) REFERENCES units (id)
                ) ENGINE=InnoDB)",
             R"(CREATE TABLE IF NOT EXISTS branch_admins (
                  user_id BIGINT UNSIGNED NOT NULL,
                  branch_id BIGINT UNSIGNED NOT NULL,
                  PRIMARY KEY (user_id, branch_id),
                  KEY ix_branch_admins_branch (branch_id),
                  CONSTRAINT fk_ba_user FOREIGN KEY (user_id) REFERENCES users (id),
                  CONSTRAINT fk_ba_branch FOREIGN KEY (branch_id) REFERENCES branches (id)
                ) ENGINE=InnoDB)",
             "ALTER TABLE users ADD COLUMN IF NOT EXISTS branch_id BIGINT UNSIGNED NULL, "
             "ADD COLUMN IF NOT EXISTS unit_id BIGINT UNSIGNED NULL, "
             "ADD COLUMN IF NOT EXISTS branch_state ENUM('pending','confirmed','refused') NULL, "
             "ADD COLUMN IF NOT EXISTS branch_requested_at DATETIME NULL, "
             "ADD COLUMN IF NOT EXISTS branch_decided_at DATETIME NULL, "
             "ADD COLUMN IF NOT EXISTS branch_decided_by BIGINT UNSIGNED NULL, "
             "ADD KEY IF NOT EXISTS ix_users_branch (branch_id, branch_state)",
             // The booker's branch and unit when the booking was made (confirmed or not).
             "ALTER TABLE bookings ADD COLUMN IF NOT EXISTS branch_id BIGINT UNSIGNED NULL, "
             "ADD COLUMN IF NOT EXISTS unit_id BIGINT UNSIGNED NULL",
             R"(CREATE TABLE IF NOT EXISTS invitations (
                  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                  code_hash CHAR(64) NOT NULL,
                  role ENUM('member','manager','street_admin','district_admin') NOT NULL,
                  street_id BIGINT UNSIGNED NULL,
                  building_ids VARCHAR(1000) NOT NULL DEFAULT '',
                  branch_ids VARCHAR(1000) NULL,
                  created_by BIGINT UNSIGNED NOT NULL,
                  created_at DATETIME NOT NULL,
                  expires_at DATETIME NOT NULL,
                  taken_by BIGINT UNSIGNED NULL,
                  taken_at DATETIME NULL,
                  UNIQUE KEY uq_invitations_code (code_hash),
                  KEY ix_invitations_creator (created_by, id)
                ) ENGINE=InnoDB)",
             // What the mapping command could not place, for the street to review.
             R"(CREATE TABLE IF NOT EXISTS org_review (
                  street_id BIGINT UNSIGNED NOT NULL,
                  org VARCHAR(100) NOT NULL,
                  reason ENUM('unmatched','ambiguous','joint') NOT NULL,
                  users INT NOT NULL DEFAULT 0,
                  bookings INT NOT NULL DEFAULT 0,
                  seen_at DATETIME NOT NULL,
                  PRIMARY KEY (street_id, org)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)",
         }},
        {15,
         "a console sign-in keeps which browser asked (its address, a short description), shown "
         "on the phone before it confirms",
         {
             "ALTER TABLE web_logins ADD COLUMN IF NOT EXISTS client_ip VARCHAR(45) NULL, "
             "ADD COLUMN IF NOT EXISTS browser VARCHAR(80) NULL",
         }},
        {16,
         "a member's own copy reads their scans by their index",
         {
             "ALTER TABLE attendance ADD KEY IF NOT EXISTS ix_attendance_user (user_id, "
             "scanned_at)",
         }},
        {17,
         "consent to the privacy guide, recorded per kind and version; the member's agreed "
         "version on their row, read with who they are",
         {
             R"(CREATE TABLE IF NOT EXISTS consents (
                  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                  user_id BIGINT UNSIGNED NOT NULL,
                  kind VARCHAR(32) NOT NULL,
                  policy_version INT NOT NULL,
                  given_at DATETIME NOT NULL,
                  withdrawn_at DATETIME NULL,
                  KEY ix_consents_user (user_id, kind, withdrawn_at),
                  CONSTRAINT fk_consents_user FOREIGN KEY (user_id) REFERENCES users (id)
                ) ENGINE=InnoDB)",
             "ALTER TABLE users ADD COLUMN IF NOT EXISTS policy_version INT NULL",
         }},
        {18,
         "closing an account: when it was closed; a ban in force kept by a one-way hash of the "
         "WeChat id",
         {
             "ALTER TABLE users ADD COLUMN IF NOT EXISTS closed_at DATETIME NULL",
             R"(CREATE TABLE IF NOT EXISTS closed_bans (
                  openid_hash CHAR(64) NOT NULL PRIMARY KEY,
                  banned_until DATETIME NOT NULL
                ) ENGINE=InnoDB)",
         }},
        {19,
         "retention: when a member last signed in (rows there before count from now); the "
         "indexes the retention rules walk",
         {
             "ALTER TABLE users ADD COLUMN IF NOT EXISTS last_seen DATETIME NOT NULL DEFAULT "
             "CURRENT_TIMESTAMP",
             "ALTER TABLE users ADD KEY IF NOT EXISTS ix_users_seen (last_seen)",
             "ALTER TABLE audit_log ADD KEY IF NOT EXISTS ix_audit_created (created_at)",
             "ALTER TABLE attendance ADD KEY IF NOT EXISTS ix_attendance_scanned (scanned_at)",
             "ALTER TABLE closed_bans ADD KEY IF NOT EXISTS ix_closed_bans_until (banned_until)",
         }},
        {20,
         "a pending request's approvers told, and the street when it waited long",
         {
             "ALTER TABLE bookings ADD COLUMN IF NOT EXISTS approvers_told_at DATETIME NULL, "
             "ADD COLUMN IF NOT EXISTS escalated_at DATETIME NULL",
         }},
        {21,
         "a booking changed after the cancellation deadline may count several late shrinks",
         {
             "ALTER TABLE violations MODIFY kind ENUM('no_show','late_cancel','late_shrink') NOT "
             "NULL, ADD COLUMN IF NOT EXISTS seq INT NOT NULL DEFAULT 0",
             "ALTER TABLE violations DROP KEY IF EXISTS uq_violation_booking, ADD UNIQUE KEY IF "
             "NOT "
             "EXISTS uq_violation_booking_seq (booking_id, kind, seq)",
         }},
        {22,
         "a member appeals a violation with a reason; an admin waives or keeps it, with a note",
         {
             "ALTER TABLE violations ADD COLUMN IF NOT EXISTS appeal_reason VARCHAR(200) NULL, "
             "ADD COLUMN IF NOT EXISTS appealed_at DATETIME NULL, "
             "ADD COLUMN IF NOT EXISTS appeal_outcome ENUM('waived','kept') NULL, "
             "ADD COLUMN IF NOT EXISTS appeal_note VARCHAR(200) NULL, "
             "ADD COLUMN IF NOT EXISTS appeal_decided_at DATETIME NULL, "
             "ADD COLUMN IF NOT EXISTS appeal_decided_by BIGINT UNSIGNED NULL, "
             "ADD KEY IF NOT EXISTS ix_violations_appealed (appealed_at)",
         }},
        {23,
         "co-organisers of a booking: two seats, the key (booking, seat) is the guard against a "
         "third; the owner's invitation kept as its code's hash",
         {
             R"(CREATE TABLE IF NOT EXISTS booking_coorganisers (
                  booking_id BIGINT UNSIGNED NOT NULL,
                  seat TINYINT UNSIGNED NOT NULL,
                  user_id BIGINT UNSIGNED NOT NULL,
                  added_at DATETIME NOT NULL,
                  PRIMARY KEY (booking_id, seat),
                  UNIQUE KEY uq_coorganisers_member (booking_id, user_id),
                  KEY ix_coorganisers_user (user_id, booking_id),
                  CONSTRAINT ck_coorganisers_seat CHECK (seat BETWEEN 1 AND 2),
                  CONSTRAINT fk_coorganisers_booking FOREIGN KEY (booking_id) REFERENCES bookings (id),
                  CONSTRAINT fk_coorganisers_user FOREIGN KEY (user_id) REFERENCES users (id)
                ) ENGINE=InnoDB)",
             "ALTER TABLE bookings ADD COLUMN IF NOT EXISTS coorganiser_code CHAR(64) NULL, "
             "ADD UNIQUE KEY IF NOT EXISTS uq_bookings_coorganiser_code (coorganiser_code)",
         }},
        {24,
         "a hall's own rules: how far ahead it is booked, how many bookings to come a member may "
         "hold there, and who may book it (the district, its street, or named units)",
         {
             "ALTER TABLE venues ADD COLUMN IF NOT EXISTS min_notice_minutes INT NOT NULL DEFAULT "
             "0, ADD COLUMN IF NOT EXISTS max_active_here INT NOT NULL DEFAULT 0, "
             "ADD COLUMN IF NOT EXISTS open_to ENUM('district','street','units') NOT NULL DEFAULT "
             "'district', ADD COLUMN IF NOT EXISTS open_units VARCHAR(1000) NOT NULL DEFAULT ''",
         }},
        {25,
         "a hall's buffer after each booking (setting up, cleaning), kept by the booking as its "
         "quanta: the booking's own copy, so that a change of the hall's rule leaves it whole",
         {
             "ALTER TABLE venues ADD COLUMN IF NOT EXISTS buffer_minutes INT NOT NULL DEFAULT 0",
             "ALTER TABLE bookings ADD COLUMN IF NOT EXISTS buffer_minutes INT NOT NULL DEFAULT 0",
         }},
        {26,
         "a hall's own time before a request nobody decided is told to the street's admins",
         {
             "ALTER TABLE venues ADD COLUMN IF NOT EXISTS escalate_after_hours INT NOT NULL "
             "DEFAULT 24",
         }},
        {27,
         "a confirmed booking's extension waiting for approval: its time, when asked, when it "
         "begins",
         {
             "ALTER TABLE bookings ADD COLUMN IF NOT EXISTS ext_starts_at DATETIME NULL, "
             "ADD COLUMN IF NOT EXISTS ext_ends_at DATETIME NULL, "
             "ADD COLUMN IF NOT EXISTS ext_asked_at DATETIME NULL, "
             "ADD COLUMN IF NOT EXISTS ext_begins_at DATETIME AS (IF(ext_starts_at < starts_at, "
             "ext_starts_at, IF(ext_starts_at IS NULL, NULL, ends_at))) STORED, "
             "ADD KEY IF NOT EXISTS ix_bookings_extension (ext_begins_at)",
             "ALTER TABLE bookings ADD CONSTRAINT IF NOT EXISTS ck_bookings_extension CHECK "
             "(ext_starts_at IS NULL OR (ext_starts_at <= starts_at AND ext_ends_at >= ends_at "
             "AND ext_asked_at IS NOT NULL))",
         }},
        {28,
         "an invitation to co-organise seats one member: the seat keeps its code's hash, unique",
         {
             "ALTER TABLE booking_coorganisers ADD COLUMN IF NOT EXISTS code_hash CHAR(64) NULL, "
             "ADD UNIQUE KEY IF NOT EXISTS uq_coorganisers_code (code_hash)",
         }},
    };
    return all;
}

}  // namespace

int Database::latest_schema_version() {
    return migrations().back().version;
}

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

namespace {

// One migrator at a time across every process sharing this database. GET_LOCK where the server
// has it; a Galera node refuses GET_LOCK (error 1235: locks are not replicated), so there the
// lock is a row that certification sees. A row left by a crashed migrator expires after 10 min.
class MigrationLock {
  public:
    explicit MigrationLock(Conn& c) : c_(c) {
        try {
            auto& lock = c_.prepare("SELECT GET_LOCK('sharedhall_migrate', 60)");
            std::unique_ptr<sql::ResultSet> rs(lock.executeQuery());
            if (!rs->next() || rs->getInt(1) != 1)
                throw std::runtime_error("could not take the migration lock within 60 s");
            return;
        } catch (const sql::SQLException& e) {
            if (e.getErrorCode() != 1235) throw;
        }
        row_ = true;
        c_.execute(
            "CREATE TABLE IF NOT EXISTS schema_lock (id TINYINT NOT NULL PRIMARY KEY,"
            " holder VARCHAR(64) NOT NULL, taken_at DATETIME NOT NULL) ENGINE=InnoDB");
        {
            std::unique_ptr<sql::ResultSet> rs(c_.prepare("SELECT UUID()").executeQuery());
            rs->next();
            holder_ = rs->getString(1);
        }
        for (int i = 0; i < 300; ++i) {
            try {
                c_.execute("DELETE FROM schema_lock WHERE taken_at < NOW() - INTERVAL 10 MINUTE");
                auto& take = c_.prepare("INSERT IGNORE INTO schema_lock VALUES (1, ?, NOW())");
                take.setString(1, holder_);
                if (take.executeUpdate() == 1) return;
            } catch (const sql::SQLException& e) {
                if (!is_retryable(e)) throw;  // a certification conflict: another took it
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        throw std::runtime_error("could not take the migration lock within 60 s");
    }
    ~MigrationLock() {
        try {
            if (!row_) {
                c_.execute("DO RELEASE_LOCK('sharedhall_migrate')");
                return;
            }
            auto& drop = c_.prepare("DELETE FROM schema_lock WHERE id = 1 AND holder = ?");
            drop.setString(1, holder_);
            drop.executeUpdate();
        } catch (...) {
            // The connection is gone: GET_LOCK died with it; the row expires.
        }
    }
    MigrationLock(const MigrationLock&) = delete;
    MigrationLock& operator=(const MigrationLock&) = delete;

  private:
    Conn& c_;
    bool row_ = false;
    std::string holder_;
};

}  // namespace

int migrate(Conn& c) {
    MigrationLock lock(c);
    int applied = 0;
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
    return applied;
}

}  // namespace sh::mysql
