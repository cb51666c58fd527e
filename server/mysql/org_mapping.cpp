#include "server/mysql/org_mapping.hpp"

#include <map>
#include <memory>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "booking/branch_names.hpp"
#include "server/mysql/sql_time.hpp"
#include "server/mysql/user_store.hpp"
#include "server/mysql/venue_store.hpp"

namespace sh::mysql {

using namespace booking;
using Rs = std::unique_ptr<sql::ResultSet>;

namespace {

// Members of the street: those who booked a hall in it.
constexpr const char* street_members =
    "EXISTS (SELECT 1 FROM bookings x JOIN venues v ON v.id = x.venue_id JOIN buildings b ON "
    "b.id = v.building_id WHERE x.user_id = u.id AND b.street_id = ?)";

struct Unmapped {
    const char* reason = nullptr;
    int users = 0, bookings = 0;
};

// Where `org` goes: a branch with its unit, or the reason it goes to review.
struct Decision {
    std::optional<Branch> branch;
    const char* reason = nullptr;
};
Decision decide(const std::string& org, const std::vector<Branch>& branches) {
    auto m = match_branch(org, branches);
    if (m.how == Match::ambiguous) return {std::nullopt, "ambiguous"};
    if (!m.branch) return {std::nullopt, "unmatched"};
    if (m.branch->joint()) return {std::nullopt, "joint"};
    return {m.branch, nullptr};
}

}  // namespace

// One transaction per page of `limit` rows, so that a large street never holds its locks long.
template <class Work>
void in_transaction(Conn& c, Work work) {
    c.execute("START TRANSACTION");
    try {
        work();
        c.execute("COMMIT");
    } catch (...) {
        c.execute("ROLLBACK");
        throw;
    }
}

// The rows of `select` (its parameters: the street, the last id seen, a limit) page by page, each
// page handed to `map` (returns how many rows it changed) in a transaction of its own.
template <class Map>
int in_pages(Conn& c, const std::string& select, StreetId street, int limit, Map map) {
    int changed = 0;
    std::uint64_t after = 0;
    for (;;) {
        std::vector<std::pair<std::uint64_t, std::string>> page;
        auto& q = c.prepare(select);
        q.setUInt64(1, street);
        q.setUInt64(2, after);
        q.setInt(3, limit);
        {
            Rs rs(q.executeQuery());
            while (rs->next()) page.emplace_back(rs->getUInt64(1), rs->getString(2));
        }
        if (page.empty()) return changed;
        after = page.back().first;
        in_transaction(c, [&] { changed += map(page); });
    }
}

MappingReport map_orgs(Conn& c, StreetId street, int limit, TimePoint now) {
    MappingReport report;
    // A member belongs to a branch wherever they book: the candidates are the district's branches
    // (a name two of them share, in two streets, is ambiguous and goes to review).
    MysqlUserStore store(c);
    AllianceQuery all;
    all.limit = 100'000;
    auto branches = store.branches(all);
    std::map<std::string, Decision> decided;
    std::map<std::string, Unmapped> review;
    auto decision = [&](const std::string& org) -> const Decision& {
        auto it = decided.find(org);
        if (it == decided.end()) it = decided.emplace(org, decide(org, branches)).first;
        return it->second;
    };

    // One table's rows with no branch yet: each mapped, or counted for review.
    auto map_table = [&](const std::string& select, const std::string& update, bool with_time,
                         int Unmapped::*counted) {
        return in_pages(c, select, street, limit, [&](const auto& page) {
            auto& q = c.prepare(update);
            int n = 0;
            for (const auto& [id, org] : page) {
                const auto& d = decision(org);
                if (!d.branch) {
                    auto& r = review[org];
                    r.reason = d.reason;
                    ++(r.*counted);
                    continue;
                }
                unsigned int at = 1;
                if (with_time) q.setString(at++, to_sql_datetime(now));
                q.setUInt64(at++, d.branch->id);
                q.setUInt64(at++, d.branch->unit_ids.front());
                q.setUInt64(at, id);
                n += q.executeUpdate();
            }
            return n;
        });
    };
    // Members, their text mapped; they are unconfirmed (pending) from now.
    report.users = map_table(
        std::string("SELECT u.id, u.org FROM users u WHERE ") + street_members +
            " AND u.id > ? AND u.branch_id IS NULL AND u.org <> '' ORDER BY u.id LIMIT ?",
        "UPDATE users SET branch_state = 'pending', branch_requested_at = ?, branch_id = ?, "
        "unit_id = ? WHERE id = ? AND branch_id IS NULL",
        true, &Unmapped::users);
    // The street's bookings: the booking's own text, else its member's.
    report.bookings = map_table(
        "SELECT bk.id, COALESCE(NULLIF(bk.org, ''), u.org) FROM bookings bk "
        "JOIN users u ON u.id = bk.user_id JOIN venues v ON v.id = bk.venue_id "
        "JOIN buildings b ON b.id = v.building_id WHERE b.street_id = ? AND bk.id > ? AND "
        "bk.branch_id IS NULL AND COALESCE(NULLIF(bk.org, ''), u.org) <> '' ORDER BY bk.id "
        "LIMIT ?",
        "UPDATE bookings SET branch_id = ?, unit_id = ? WHERE id = ? AND branch_id IS NULL", false,
        &Unmapped::bookings);

    // The review list: exactly the strings this run could not map, with their counts (a string
    // mapped since, by a branch added or renamed, leaves the list).
    in_transaction(c, [&] {
        auto& clear = c.prepare("DELETE FROM org_review WHERE street_id = ?");
        clear.setUInt64(1, street);
        clear.executeUpdate();
        auto& keep = c.prepare(
            "INSERT INTO org_review (street_id, org, reason, users, bookings, seen_at) VALUES "
            "(?, ?, ?, ?, ?, ?)");
        for (const auto& [org, r] : review) {
            keep.setUInt64(1, street);
            keep.setString(2, org);
            keep.setString(3, r.reason);
            keep.setInt(4, r.users);
            keep.setInt(5, r.bookings);
            keep.setString(6, to_sql_datetime(now));
            keep.executeUpdate();
        }
        if (report.users || report.bookings)
            insert_audit(c, {0,
                             "map_orgs",
                             "street",
                             street,
                             nullptr,
                             {{"users", report.users}, {"bookings", report.bookings}}});
    });
    report.review = static_cast<int>(review.size());
    return report;
}

}  // namespace sh::mysql
