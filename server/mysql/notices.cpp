#include "server/mysql/notices.hpp"

#include "common/names.hpp"

#include <memory>
#include <utility>

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "booking/calendar.hpp"
#include "server/mysql/sql_time.hpp"
#include "server/workers/await.hpp"

namespace sh::mysql {

using booking::TimePoint;
using Rs = std::unique_ptr<sql::ResultSet>;

namespace {

// A notice's delivery as its status column holds it (retry waits as 'pending').
constexpr NameTable statuses{
    std::pair{app::Delivery::retry, std::string_view("pending")},
    std::pair{app::Delivery::sent, std::string_view("sent")},
    std::pair{app::Delivery::no_consent, std::string_view("no_consent")},
    std::pair{app::Delivery::undeliverable, std::string_view("undeliverable")},
    std::pair{app::Delivery::failed, std::string_view("failed")}};

std::string status_of(app::Delivery d) {
    return std::string(statuses.name(d));
}

app::Delivery delivery_of(const std::string& status) {
    return statuses.parse(status).value_or(app::Delivery::retry);
}

}  // namespace

awaitable<std::vector<app::OutboxItem>> Outbox::take_due(booking::TimePoint now, int limit,
                                                         std::chrono::seconds lease) {
    co_return co_await workers::run(db_, [&](Conn& c) {
        return db_.transact(c, Isolation::read_committed, [&](Conn& tx) {
            // The notices' rows alone are locked (skipping those another sender holds); the rest is
            // read without locks, so a sender never waits on (or blocks) bookings and halls.
            std::vector<std::uint64_t> ids;
            auto& pick = tx.prepare(
                "SELECT id FROM notices WHERE status = 'pending' AND next_attempt_at <= ? "
                "AND (locked_until IS NULL OR locked_until <= ?) ORDER BY id LIMIT ? FOR UPDATE "
                "SKIP LOCKED");
            pick.setString(1, to_sql_datetime(now));
            pick.setString(2, to_sql_datetime(now));
            pick.setInt(3, limit);
            {
                Rs rs(pick.executeQuery());
                while (rs->next()) ids.push_back(rs->getUInt64(1));
            }
            auto& take = tx.prepare(
                "UPDATE notices SET locked_until = ?, attempts = attempts + 1 WHERE id = ?");
            auto& read = tx.prepare(
                "SELECT o.id, o.user_id, u.openid, o.kind, o.subject_kind, o.subject_id, o.note, "
                "v.name, "
                "bk.starts_at, bk.ends_at, o.attempts "
                "FROM notices o JOIN users u ON u.id = o.user_id "
                "LEFT JOIN bookings bk ON o.subject_kind = 'booking' AND bk.id = o.subject_id "
                "LEFT JOIN venues v ON v.id = bk.venue_id WHERE o.id = ?");
            std::vector<app::OutboxItem> items;
            for (auto id : ids) {
                take.setString(1, to_sql_datetime(now + lease));
                take.setUInt64(2, id);
                take.executeUpdate();
                read.setUInt64(1, id);
                Rs rs(read.executeQuery());
                if (!rs->next()) continue;
                app::OutboxItem it;
                it.id = rs->getUInt64(1);
                it.user_id = rs->getUInt64(2);
                it.openid = rs->getString(3);
                it.kind = booking::parse_notice(std::string(rs->getString(4)))
                              .value_or(booking::NoticeKind::reminder);
                it.subject = booking::parse_subject(std::string(rs->getString(5)))
                                 .value_or(booking::SubjectKind::member);
                it.subject_id = rs->getUInt64(6);
                it.note = rs->getString(7);
                if (!rs->isNull(8)) {  // a booking's notice shows its hall and times
                    it.venue = rs->getString(8);
                    it.start = read_optional_time(*rs, 9).value_or(TimePoint{});
                    it.end = read_optional_time(*rs, 10).value_or(TimePoint{});
                }
                it.attempts = rs->getInt(11);
                items.push_back(std::move(it));
            }
            return items;
        });
    });
}

awaitable<bool> Outbox::spend_consent(booking::UserId user, const std::string& template_id) {
    co_return co_await workers::run(db_, [&](Conn& c) {
        auto& q = c.prepare(
            "UPDATE subscriptions SET consents = consents - 1 WHERE user_id = ? AND template_id = "
            "? AND consents > 0");
        q.setUInt64(1, user);
        q.setString(2, template_id);
        return q.executeUpdate() == 1;
    });
}

awaitable<void> Outbox::refund_consent(booking::UserId user, const std::string& template_id) {
    co_await workers::run(db_, [&](Conn& c) {
        auto& q = c.prepare(
            "UPDATE subscriptions SET consents = consents + 1 WHERE user_id = ? AND template_id = "
            "?");
        q.setUInt64(1, user);
        q.setString(2, template_id);
        q.executeUpdate();
    });
}

awaitable<void> Outbox::finish(const app::OutboxItem& item, const std::string& template_id,
                               app::Delivery d, long long errcode, booking::TimePoint now,
                               booking::TimePoint retry_at) {
    const std::string status = status_of(d);
    co_await workers::run(db_, [&](Conn& c) {
        auto& q = c.prepare(
            "UPDATE notices SET status = ?, last_errcode = ?, sent_at = ?, next_attempt_at = ?, "
            "locked_until = NULL WHERE id = ?");
        q.setString(1, status);
        if (errcode)
            q.setInt(2, static_cast<int>(errcode));
        else
            q.setNull(2, sql::DataType::INTEGER);
        if (d == app::Delivery::sent)
            q.setString(3, to_sql_datetime(now));
        else
            q.setNull(3, sql::DataType::DATE);
        q.setString(4, to_sql_datetime(d == app::Delivery::retry ? retry_at : now));
        q.setUInt64(5, item.id);
        q.executeUpdate();
        if (d == app::Delivery::undeliverable) {
            auto& z = c.prepare(
                "UPDATE subscriptions SET consents = 0 WHERE user_id = ? AND template_id = ?");
            z.setUInt64(1, item.user_id);
            z.setString(2, template_id);
            z.executeUpdate();
        }
    });
}

awaitable<void> Outbox::add_consents(booking::UserId user,
                                     const std::vector<std::string>& template_ids, int cap) {
    co_await workers::run(db_, [&](Conn& c) {
        auto& q = c.prepare(
            "INSERT INTO subscriptions (user_id, template_id, consents) VALUES (?, ?, 1) "
            "ON DUPLICATE KEY UPDATE consents = LEAST(consents + 1, ?)");
        for (const auto& t : template_ids) {
            q.setUInt64(1, user);
            q.setString(2, t);
            q.setInt(3, cap);
            q.executeUpdate();
        }
    });
}

awaitable<std::map<std::string, int>> Outbox::banked_consents(booking::UserId user) {
    std::map<std::string, int> out;
    co_await workers::run(db_, [&](Conn& c) {
        auto& q = c.prepare("SELECT template_id, consents FROM subscriptions WHERE user_id = ?");
        q.setUInt64(1, user);
        Rs rs(q.executeQuery());
        while (rs->next()) out[rs->getString(1)] = rs->getInt(2);
    });
    co_return out;
}

namespace {

struct Counts {
    int all = 0, unread = 0;
};

// A member's notices, all and unread, in one read of the member's index range.
Counts counts_of(Conn& c, booking::UserId user) {
    auto& q = c.prepare(
        "SELECT COUNT(*), COALESCE(SUM(read_at IS NULL), 0) FROM notices WHERE user_id = ?");
    q.setUInt64(1, user);
    Rs rs(q.executeQuery());
    Counts n;
    if (rs->next()) n = Counts{rs->getInt(1), rs->getInt(2)};
    return n;
}

}  // namespace

awaitable<app::NoticePage> NoticeBoard::list(booking::UserId user, bool unread_only, int offset,
                                             int limit) {
    co_return co_await workers::run(db_, [&](Conn& c) {
        app::NoticePage page;
        const std::string which = unread_only ? " AND o.read_at IS NULL" : "";
        auto& q = c.prepare(
            "SELECT o.id, o.kind, o.subject_kind, o.subject_id, o.note, o.created_at, "
            "o.read_at IS NOT NULL, o.status, v.name, bk.starts_at, "
            "bk.ends_at FROM notices o "
            "LEFT JOIN bookings bk ON o.subject_kind = 'booking' AND bk.id = o.subject_id "
            "LEFT JOIN venues v ON v.id = bk.venue_id WHERE o.user_id = ?" +
            which + " ORDER BY o.id DESC LIMIT ? OFFSET ?");
        q.setUInt64(1, user);
        q.setInt(2, limit);
        q.setInt(3, offset);
        {
            Rs rs(q.executeQuery());
            while (rs->next()) {
                app::NoticeEntry e;
                e.id = rs->getUInt64(1);
                e.kind = booking::parse_notice(std::string(rs->getString(2)))
                             .value_or(booking::NoticeKind::reminder);
                e.subject = booking::parse_subject(std::string(rs->getString(3)))
                                .value_or(booking::SubjectKind::member);
                e.subject_id = rs->getUInt64(4);
                e.note = rs->getString(5);
                e.created_at = read_optional_time(*rs, 6).value_or(TimePoint{});
                e.read = rs->getBoolean(7);
                e.delivery = delivery_of(std::string(rs->getString(8)));
                if (!rs->isNull(9)) {
                    e.venue = rs->getString(9);
                    e.start = read_optional_time(*rs, 10);
                    e.end = read_optional_time(*rs, 11);
                }
                page.items.push_back(std::move(e));
            }
        }
        auto n = counts_of(c, user);
        page.total = unread_only ? n.unread : n.all;
        page.unread = n.unread;
        return page;
    });
}

awaitable<int> NoticeBoard::mark_read(booking::UserId user, const std::vector<std::uint64_t>& ids,
                                      bool all, booking::TimePoint now) {
    co_return co_await workers::run(db_, [&](Conn& c) {
        // One statement either way: the ids travel as one comma-separated list (FIND_IN_SET over
        // the member's own rows, which the (user_id, id) index bounds).
        std::string list;
        for (auto id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
        auto& q = c.prepare(
            "UPDATE notices SET read_at = ? WHERE user_id = ? AND read_at IS NULL AND (? OR "
            "FIND_IN_SET(id, ?))");
        q.setString(1, to_sql_datetime(now));
        q.setUInt64(2, user);
        q.setBoolean(3, all);
        q.setString(4, list);
        q.executeUpdate();
        return counts_of(c, user).unread;
    });
}

}  // namespace sh::mysql
