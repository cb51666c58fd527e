#include "booking/accounts.hpp"

#include "booking/calendar.hpp"

namespace sh::booking {

namespace {

// What the actor's street holds, for a street admin's grants (empty for everyone else).
std::pair<std::set<BuildingId>, std::set<BranchId>> street_of_actor(UserStore& users,
                                                                    const Principal& actor) {
    if (actor.role != Role::street_admin || !actor.street_id) return {};
    return {users.buildings_of_street(*actor.street_id),
            users.branches_of_street(*actor.street_id)};
}

nlohmann::json audit_record(const Invitation& inv, UserId taker) {
    Principal granted;
    granted.role = inv.role.role;
    granted.building_ids = inv.role.building_ids;
    granted.street_id = inv.role.street_id;
    granted.branch_ids = inv.role.branch_ids.value_or(std::set<BranchId>{});
    auto j = audit_record(granted);
    j["created_by"] = inv.created_by;
    j["taken_by"] = taker ? nlohmann::json(taker) : nlohmann::json(nullptr);
    return j;
}

// The request checked against what exists (buildings, the street, branches): validation.
std::optional<AppError> validate_in_store(UserStore& users, const RoleRequest& req) {
    auto existing = users.existing_buildings(req.building_ids);
    bool street_ok = req.street_id && users.street_exists(*req.street_id);
    auto branches = users.existing_branches(req.branch_ids.value_or(std::set<BranchId>{}));
    return validate_role_request(req, existing, street_ok, branches);
}

}  // namespace

nlohmann::json audit_record(const Principal& p) {
    nlohmann::json j = {{"role", role_name(p.role)}};
    j["building_ids"] = p.building_ids;  // empty unless manager
    j["street_id"] = p.street_id ? nlohmann::json(*p.street_id) : nlohmann::json(nullptr);
    j["branch_ids"] = p.branch_ids;
    return j;
}

User sign_in(UserStore& users, SessionStore& sessions, const std::string& openid,
             const std::optional<std::string>& unionid, const std::string& token_hash,
             TimePoint expires_at, const std::string& openid_hash, TimePoint now) {
    UserId id = users.upsert_by_openid(openid, unionid);
    users.carry_ban(id, openid_hash, now);
    users.seen(id, now);
    sessions.create_session(token_hash, id, expires_at);
    auto user = users.find_user(id);
    if (!user) throw std::logic_error("user vanished inside its own transaction");
    return *user;
}

std::optional<AppError> may_close(const Principal& me) {
    if (me.role != Role::member || !me.branch_ids.empty())
        return make_error(Errc::role_held, {}, {{"role", role_name(me.role)}});
    return std::nullopt;
}

Result<bool> close_account(UserStore& users, const Principal& me, const std::string& openid_hash,
                           TimePoint now) {
    if (!users.lock_user(me.user_id)) return make_error(Errc::unauthorized);
    // Asked again under the lock: a role granted since the caller's copy was cached counts.
    auto fresh = users.load_principal(me.user_id);
    if (!fresh) return make_error(Errc::unauthorized);
    if (auto refused = may_close(*fresh)) return *refused;
    auto user = users.find_user(me.user_id);
    if (!user) return make_error(Errc::unauthorized);
    if (user->banned_until && *user->banned_until > now)
        users.keep_ban(openid_hash, *user->banned_until);
    users.erase_person(me.user_id, now);
    users.audit({me.user_id, "close_account", "user", me.user_id, nullptr, nullptr});
    return true;
}

Result<User> change_role(UserStore& users, const Principal& actor, UserId target,
                         const RoleRequest& req) {
    // Members and managers may not grant anything: say so before looking anything up.
    if (actor.role != Role::district_admin && actor.role != Role::street_admin)
        return make_error(Errc::forbidden, "Only administrators may change roles.");
    if (!users.lock_user(target)) return make_error(Errc::not_found, "No such user.");
    auto before = users.find_user(target);
    if (!before) return make_error(Errc::not_found, "No such user.");

    if (auto e = validate_in_store(users, req)) return *e;
    auto [buildings, branches] = street_of_actor(users, actor);
    if (auto e = authorize_role_change(actor, before->principal, req, buildings, branches))
        return *e;
    // Asking for what already is changes nothing: no write, no audit row.
    if (holds_role(before->principal, req)) return *before;

    users.set_role(target, req);
    auto after = users.find_user(target);
    users.audit({actor.user_id, "set_role", "user", target, audit_record(before->principal),
                 audit_record(after->principal)});
    return *after;
}

Result<WebLogin> web_login_context(SessionStore& s, const Principal& me, const std::string& nonce,
                                   TimePoint now) {
    if (me.role == Role::member)
        return make_error(Errc::forbidden, "The console is for managers and administrators.");
    auto w = s.find_web_login(nonce);
    if (!w || w->consumed || w->user_id || now >= w->expires_at)
        return make_error(Errc::not_found, "This code has expired.");
    return *w;
}

Result<bool> confirm_web_login(SessionStore& s, const Principal& me, const std::string& nonce,
                               TimePoint now) {
    auto w = web_login_context(s, me, nonce, now);
    if (!w) return w.error();
    s.confirm_web_login(nonce, me.user_id);
    return true;
}

Result<WebLoginState> finish_web_login(SessionStore& s, const std::string& nonce,
                                       const std::string& browser_hash, TimePoint now) {
    auto w = s.find_web_login(nonce);
    // Another browser (one that only saw the code) learns nothing.
    if (!w || w->consumed || w->browser_hash != browser_hash ||
        (!w->user_id && now >= w->expires_at))
        return make_error(Errc::not_found, "No such sign-in.");
    if (!w->user_id) return WebLoginState{};
    s.consume_web_login(nonce);
    return WebLoginState{w->user_id};
}

Result<User> update_profile(AccountStore& s, UserId self, const ProfileChange& change,
                            TimePoint now) {
    if (auto e = validate_profile(change.name, change.org)) return *e;
    if (change.unit_id && !change.branch) return invalid_field("unit_id", "comes with branch_id");
    if (!s.lock_user(self)) return make_error(Errc::not_found, "No such user.");
    if (change.branch) {
        auto m = request_membership(s, self, *change.branch, change.unit_id, now);
        if (!m) return m.error();
    }
    s.update_profile(self, change.name, change.org);
    return *s.find_user(self);
}

Result<Invitation> create_invitation(AccountStore& s, const Principal& actor,
                                     const RoleRequest& req, int days, const std::string& code_hash,
                                     TimePoint now) {
    if (days < 1 || days > max_invitation_days)
        return invalid_field("days", "must be 1 to " + std::to_string(max_invitation_days));
    if (auto e = validate_in_store(s, req)) return *e;
    auto [buildings, street_branches] = street_of_actor(s, actor);
    if (auto e = authorize_invitation(actor, req, buildings, street_branches)) return *e;
    Invitation inv;
    inv.role = req;
    inv.created_by = actor.user_id;
    inv.created_at = now;
    inv.expires_at = now + std::chrono::hours(24 * days);
    inv.id = s.insert_invitation(inv, code_hash);
    s.audit(
        {actor.user_id, "create_invitation", "invitation", inv.id, nullptr, audit_record(inv, 0)});
    return inv;
}

Result<User> accept_invitation(AccountStore& s, UserId self, const std::string& code_hash,
                               TimePoint now) {
    auto inv = s.find_invitation(code_hash);
    if (!inv) return make_error(Errc::not_found, "No such invitation.");
    if (inv->taken_by) return make_error(Errc::invitation_used);
    if (now >= inv->expires_at) return make_error(Errc::invitation_expired);
    auto inviter = inv->created_by ? s.load_principal(inv->created_by)
                                   : std::optional<Principal>(console_operator());
    if (!inviter) return make_error(Errc::forbidden, "The inviter is gone.");
    auto [buildings, street_branches] = street_of_actor(s, *inviter);
    if (auto e = authorize_invitation(*inviter, inv->role, buildings, street_branches))
        return make_error(Errc::forbidden, "The inviter can no longer grant this.");
    if (!s.lock_user(self)) return make_error(Errc::unauthorized);
    auto before = s.find_user(self);
    if (!before) return make_error(Errc::unauthorized);
    const auto& has = before->principal;

    // What the taker will hold: their role, or the invitation's when they have none; the
    // buildings and branches of both.
    RoleRequest req{has.role, has.building_ids, has.street_id, has.branch_ids};
    const auto& offered = inv->role;
    if (offered.role != Role::member) {
        if (has.role != Role::member && has.role != offered.role)
            return make_error(Errc::conflict, "You already hold another role.");
        if (has.role == Role::street_admin && has.street_id != offered.street_id)
            return make_error(Errc::conflict, "You already hold another role.");
        req.role = offered.role;
        req.street_id = offered.street_id;
        req.building_ids.insert(offered.building_ids.begin(), offered.building_ids.end());
    }
    if (offered.branch_ids)
        req.branch_ids->insert(offered.branch_ids->begin(), offered.branch_ids->end());

    s.take_invitation(inv->id, self, now);
    if (!holds_role(has, req)) {
        s.set_role(self, req);
        s.audit({inv->created_by, "set_role", "user", self, audit_record(has),
                 audit_record(*s.load_principal(self))});
    }
    s.audit({self, "take_invitation", "invitation", inv->id, audit_record(*inv, 0),
             audit_record(*inv, self)});
    return *s.find_user(self);
}

}  // namespace sh::booking
