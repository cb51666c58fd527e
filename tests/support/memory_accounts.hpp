#pragma once
// In-memory fakes of the account ports (app/ports.hpp) for unit tests: users and sessions, the
// shared session cache and rate counters on the test's clock, and WeChat as a table of codes.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "app/ports.hpp"
#include "booking/accounts.hpp"

namespace sh::test {

using namespace sh::booking;

class MemoryAccountStore final : public booking::AccountStore {
  public:
    std::map<UserId, User> users;
    std::map<BuildingId, StreetId> buildings = {{1, 1}, {2, 1}, {3, 2}};
    std::set<StreetId> streets = {1, 2};
    std::vector<std::string> audits;
    std::map<std::string, std::pair<SessionRecord, bool>> sessions;  // hash -> (record, revoked)
    UserId next = 1;

    UserId upsert_by_openid(const std::string& openid, const std::optional<std::string>&) override {
        for (auto& [id, u] : users)
            if (u.openid == openid) return id;
        User u;
        u.id = next++;
        u.openid = openid;
        u.principal.user_id = u.id;
        users[u.id] = u;
        return u.id;
    }
    std::optional<User> find_user(UserId id) override {
        auto it = users.find(id);
        if (it == users.end()) return std::nullopt;
        return it->second;
    }
    std::optional<Principal> load_principal(UserId id) override {
        auto u = find_user(id);
        if (!u) return std::nullopt;
        return u->principal;
    }
    bool lock_user(UserId id) override { return users.count(id) > 0; }
    void update_profile(UserId id, const std::optional<std::string>& name,
                        const std::optional<std::string>& org) override {
        if (name) users[id].name = *name;
        if (org) users[id].org = *org;
    }
    void set_phone(UserId id, const std::optional<std::string>& phone) override {
        users[id].phone = phone;
    }
    void set_role(UserId id, const RoleRequest& r) override {
        auto& p = users[id].principal;
        p.role = r.role;
        p.street_id = r.street_id;
        p.building_ids = r.building_ids;
        if (r.branch_ids) p.branch_ids = *r.branch_ids;
    }
    std::set<BuildingId> existing_buildings(const std::set<BuildingId>& ids) override {
        std::set<BuildingId> out;
        for (auto b : ids)
            if (buildings.count(b)) out.insert(b);
        return out;
    }
    bool street_exists(StreetId id) override { return streets.count(id) > 0; }
    std::set<BuildingId> buildings_of_street(StreetId id) override {
        std::set<BuildingId> out;
        for (auto [b, s] : buildings)
            if (s == id) out.insert(b);
        return out;
    }
    std::set<BranchId> existing_branches(const std::set<BranchId>& ids) override {
        std::set<BranchId> out;
        for (auto b : ids)
            if (branch_list.count(b)) out.insert(b);
        return out;
    }
    std::set<BranchId> branches_of_street(StreetId id) override {
        std::set<BranchId> out;
        for (const auto& [b, br] : branch_list)
            if (br.street_id == id) out.insert(b);
        return out;
    }

    // The alliance.
    std::map<UnitId, Unit> unit_list;
    std::map<BranchId, Branch> branch_list;
    std::map<BuildingId, UnitId> building_units;
    std::map<std::string, Invitation> invitations;  // by code hash
    UnitId insert_unit(const Unit& u) override {
        auto id = unit_list.size() + 1;
        unit_list[id] = u;
        unit_list[id].id = id;
        return id;
    }
    std::optional<Unit> find_unit(UnitId id) override {
        auto it = unit_list.find(id);
        if (it == unit_list.end()) return std::nullopt;
        return it->second;
    }
    std::vector<Unit> units(const AllianceQuery&) override {
        std::vector<Unit> out;
        for (const auto& [id, u] : unit_list) out.push_back(u);
        return out;
    }
    std::vector<Unit> units_of(const std::set<UnitId>& ids) override {
        std::vector<Unit> out;
        for (auto id : ids)
            if (auto u = find_unit(id)) out.push_back(*u);
        return out;
    }
    BranchId insert_branch(const Branch& b) override {
        auto id = branch_list.size() + 1;
        branch_list[id] = b;
        branch_list[id].id = id;
        return id;
    }
    std::optional<Branch> find_branch(BranchId id) override {
        auto it = branch_list.find(id);
        if (it == branch_list.end()) return std::nullopt;
        return it->second;
    }
    std::vector<Branch> branches(const AllianceQuery&) override {
        std::vector<Branch> out;
        for (const auto& [id, b] : branch_list) out.push_back(b);
        return out;
    }
    std::optional<BuildingScope> find_building(BuildingId id) override {
        auto it = buildings.find(id);
        if (it == buildings.end()) return std::nullopt;
        return BuildingScope{id, it->second};
    }
    std::optional<UnitId> building_unit(BuildingId id) override {
        auto it = building_units.find(id);
        if (it == building_units.end()) return std::nullopt;
        return it->second;
    }
    void set_building_unit(BuildingId id, std::optional<UnitId> unit) override {
        if (unit)
            building_units[id] = *unit;
        else
            building_units.erase(id);
    }
    std::optional<Membership> membership(UserId user) override { return users[user].membership; }
    void set_membership(UserId user, const std::optional<Membership>& m,
                        std::optional<UserId>) override {
        users[user].membership = m;
    }
    std::vector<MemberEntry> members(BranchId branch, MembershipState state) override {
        std::vector<MemberEntry> out;
        for (const auto& [id, u] : users)
            if (u.membership && u.membership->branch_id == branch && u.membership->state == state)
                out.push_back(
                    {id, u.name, u.membership->unit_id, state, u.membership->requested_at});
        return out;
    }
    std::uint64_t insert_invitation(const Invitation& inv, const std::string& hash) override {
        invitations[hash] = inv;
        invitations[hash].id = invitations.size();
        return invitations.size();
    }
    std::optional<Invitation> find_invitation(const std::string& hash) override {
        auto it = invitations.find(hash);
        if (it == invitations.end()) return std::nullopt;
        return it->second;
    }
    void take_invitation(std::uint64_t id, UserId user, TimePoint now) override {
        for (auto& [hash, inv] : invitations)
            if (inv.id == id) {
                inv.taken_by = user;
                inv.taken_at = now;
            }
    }
    std::vector<ReviewEntry> review_list(std::optional<StreetId>) override { return {}; }
    std::vector<Invitation> invitations_by(UserId user, int) override {
        std::vector<Invitation> out;
        for (const auto& [hash, inv] : invitations)
            if (inv.created_by == user) out.push_back(inv);
        return out;
    }

    void audit(const booking::AuditEntry& e) override {
        audits.push_back(std::to_string(e.actor) + " " + e.action + " " +
                         std::to_string(e.object_id) + " " + e.before.dump() + " -> " +
                         e.after.dump());
    }
    void create_session(const std::string& hash, UserId user, TimePoint expires) override {
        sessions[hash] = {SessionRecord{user, expires}, false};
    }
    std::optional<SessionRecord> find_live_session(const std::string& hash,
                                                   TimePoint now) override {
        auto it = sessions.find(hash);
        if (it == sessions.end() || it->second.second || it->second.first.expires_at <= now)
            return std::nullopt;
        return it->second.first;
    }
    std::map<std::string, WebLogin> web_logins;
    std::map<std::string, std::string> web_login_codes;
    void insert_web_login(const WebLogin& w, TimePoint) override { web_logins[w.nonce] = w; }
    std::optional<WebLogin> find_web_login(const std::string& nonce) override {
        auto it = web_logins.find(nonce);
        if (it == web_logins.end()) return std::nullopt;
        return it->second;
    }
    void confirm_web_login(const std::string& nonce, UserId user) override {
        web_logins[nonce].user_id = user;
    }
    void consume_web_login(const std::string& nonce) override { web_logins[nonce].consumed = true; }
    std::optional<std::string> web_login_code(const std::string& nonce) override {
        auto it = web_login_codes.find(nonce);
        if (it == web_login_codes.end()) return std::nullopt;
        return it->second;
    }
    void keep_web_login_code(const std::string& nonce, const std::string& png) override {
        web_login_codes.emplace(nonce, png);
    }
    std::vector<std::string> revoke_sessions_of(UserId user, TimePoint now) override {
        std::vector<std::string> out;
        for (auto& [hash, s] : sessions)
            if (s.first.user_id == user && !s.second) {
                if (s.first.expires_at > now) out.push_back(hash);
                s.second = true;
            }
        return out;
    }
    void erase_person(UserId id, TimePoint) override {
        auto& u = users[id];
        u.openid = "closed:" + std::to_string(id);
        u.name.clear();
        u.phone.reset();
        u.banned_until.reset();
        for (auto& [hash, s] : sessions)
            if (s.first.user_id == id) s.second = true;
    }
    std::map<std::string, TimePoint> closed_bans;
    void keep_ban(const std::string& openid_hash, TimePoint until) override {
        closed_bans[openid_hash] = until;
    }
    void carry_ban(UserId id, const std::string& openid_hash, TimePoint now) override {
        auto it = closed_bans.find(openid_hash);
        if (it != closed_bans.end() && it->second > now) users[id].banned_until = it->second;
    }
    std::map<UserId, TimePoint> last_seen;
    void seen(UserId id, TimePoint at) override { last_seen[id] = at; }
    bool revoke_session(const std::string& hash) override {
        auto it = sessions.find(hash);
        if (it == sessions.end() || it->second.second) return false;
        it->second.second = true;
        return true;
    }
};

// Transactions by copy: a rolled-back transaction leaves the store as it was.
class MemoryUserDb final : public app::UserDb {
  public:
    MemoryAccountStore store;
    int reads = 0, transactions = 0;  // what a use case cost MySQL
    awaitable<void> transact(std::function<bool(booking::AccountStore&)> work) override {
        ++transactions;
        MemoryAccountStore before = store;
        if (!work(store)) store = std::move(before);
        co_return;
    }
    awaitable<void> read(std::function<void(booking::AccountStore&)> work) override {
        ++reads;
        work(store);
        co_return;
    }
};

// The shared session cache, expiring entries on `clock`. `down` makes it answer as Redis does
// when unreachable (misses, writes lost).
class MemorySessionCache final : public app::SessionCache {
  public:
    explicit MemorySessionCache(const booking::Clock& clock) : clock_(clock) {}
    struct Entry {
        SessionRecord session;
        TimePoint until;
    };
    std::map<std::string, Entry> entries;
    bool down = false;

    awaitable<std::optional<app::CachedSession>> find(const std::string& hash,
                                                      TimePoint now) override {
        auto it = entries.find(hash);
        if (down || it == entries.end() || it->second.until <= clock_.now() ||
            it->second.session.expires_at <= now)
            co_return std::nullopt;
        co_return app::CachedSession{
            it->second.session,
            std::chrono::duration_cast<std::chrono::milliseconds>(it->second.until - clock_.now())};
    }
    awaitable<void> store(const std::string& hash, const SessionRecord& s,
                          std::chrono::milliseconds ttl) override {
        if (!down) entries[hash] = Entry{s, clock_.now() + ttl};
        co_return;
    }
    awaitable<void> drop(const std::string& hash) override {
        if (!down) entries.erase(hash);
        co_return;
    }

  private:
    const booking::Clock& clock_;
};

// Fixed windows on `clock`, shared by every service built on the same counters.
class MemoryRates final : public app::RateCounters {
  public:
    explicit MemoryRates(const booking::Clock& clock) : clock_(clock) {}
    struct Window {
        TimePoint ends;
        int count = 0;
    };
    std::map<std::string, Window> windows;

    awaitable<std::optional<int>> hit(const std::string& key, int limit,
                                      std::chrono::seconds window) override {
        co_return count(key, limit, window);
    }
    awaitable<std::optional<int>> hit_often(const std::string& key, int limit,
                                            std::chrono::seconds window) override {
        co_return count(key, limit, window);
    }
    std::optional<int> refused_here(const std::string& key, int limit) override {
        auto it = windows.find(key);
        if (limit <= 0 || it == windows.end() || clock_.now() >= it->second.ends ||
            it->second.count <= limit)
            return std::nullopt;
        return left(it->second);
    }

  private:
    std::optional<int> count(const std::string& key, int limit, std::chrono::seconds window) {
        if (limit <= 0) return std::nullopt;
        auto& w = windows[key];
        if (clock_.now() >= w.ends) w = Window{clock_.now() + window, 0};
        if (++w.count <= limit) return std::nullopt;
        return left(w);
    }
    int left(const Window& w) const {
        return static_cast<int>(
                   std::chrono::duration_cast<std::chrono::seconds>(w.ends - clock_.now())
                       .count()) +
               1;
    }
    const booking::Clock& clock_;
};

// WeChat as a table: code -> openid (each code works once, as WeChat's do); phone codes -> number.
class TableWechat final : public app::Wechat {
  public:
    std::map<std::string, std::string> codes;
    std::map<std::string, std::string> phones;
    int identify_calls = 0;

    awaitable<Result<app::WechatIdentity>> identify(const std::string& code) override {
        ++identify_calls;
        auto it = codes.find(code);
        if (it == codes.end()) co_return make_error(Errc::invalid_code);
        app::WechatIdentity who{it->second, std::nullopt};
        codes.erase(it);
        co_return who;
    }
    awaitable<Result<std::string>> phone_number(const std::string& code) override {
        auto it = phones.find(code);
        if (it == phones.end()) co_return make_error(Errc::invalid_phone_code);
        co_return it->second;
    }
};

}  // namespace sh::test
