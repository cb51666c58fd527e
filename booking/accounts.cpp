#include "booking/accounts.hpp"

#include "booking/calendar.hpp"

namespace sh::booking {

nlohmann::json audit_record(const Principal& p) {
    nlohmann::json j = {{"role", role_name(p.role)}};
    j["building_ids"] = p.building_ids;  // empty unless manager
    j["street_id"] = p.street_id ? nlohmann::json(*p.street_id) : nlohmann::json(nullptr);
    return j;
}

User sign_in(UserStore& users, SessionStore& sessions, const std::string& openid,
             const std::optional<std::string>& unionid, const std::string& token_hash,
             TimePoint expires_at) {
    UserId id = users.upsert_by_openid(openid, unionid);
    sessions.create_session(token_hash, id, expires_at);
    auto user = users.find_user(id);
    if (!user) throw std::logic_error("user vanished inside its own transaction");
    return *user;
}

Result<User> change_role(UserStore& users, const Principal& actor, UserId target,
                         const RoleRequest& req) {
    // Members and managers may not grant anything: say so before looking anything up.
    if (actor.role != Role::district_admin && actor.role != Role::street_admin)
        return make_error(Errc::forbidden, "Only administrators may change roles.");
    if (!users.lock_user(target)) return make_error(Errc::not_found, "No such user.");
    auto before = users.find_user(target);
    if (!before) return make_error(Errc::not_found, "No such user.");

    auto existing = users.existing_buildings(req.building_ids);
    bool street_ok = req.street_id && users.street_exists(*req.street_id);
    if (auto e = validate_role_request(req, existing, street_ok)) return *e;

    std::set<BuildingId> actor_street_buildings;
    if (actor.role == Role::street_admin && actor.street_id)
        actor_street_buildings = users.buildings_of_street(*actor.street_id);
    if (auto e = authorize_role_change(actor, before->principal, req, actor_street_buildings))
        return *e;
    // Asking for what already is changes nothing: no write, no audit row.
    if (holds_role(before->principal, req)) return *before;

    users.set_role(target, req);
    auto after = users.find_user(target);
    users.audit({actor.user_id, "set_role", "user", target, audit_record(before->principal),
                 audit_record(after->principal)});
    return *after;
}

Result<bool> confirm_web_login(SessionStore& s, const Principal& me, const std::string& nonce,
                               TimePoint now) {
    if (me.role == Role::member)
        return make_error(Errc::forbidden, "The console is for managers and administrators.");
    auto w = s.find_web_login(nonce);
    if (!w || w->consumed || w->user_id || now >= w->expires_at)
        return make_error(Errc::not_found, "This code has expired.");
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

Result<User> update_profile(UserStore& users, UserId self, const std::optional<std::string>& name,
                            const std::optional<std::string>& org) {
    if (auto e = validate_profile(name, org)) return *e;
    if (!users.lock_user(self)) return make_error(Errc::not_found, "No such user.");
    users.update_profile(self, name, org);
    return *users.find_user(self);
}

}  // namespace sh::booking
