#pragma once
// Accounts, sessions and roles: the storage interfaces they need and the use cases on top.
// Use cases are plain blocking functions: the caller runs them inside one MySQL transaction
// on a pool thread.
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "booking/alliance.hpp"
#include "booking/audit.hpp"
#include "booking/clock.hpp"
#include "booking/errors.hpp"
#include "booking/identity.hpp"

namespace sh::booking {

class UserStore : public AuditLog {
  public:
    virtual ~UserStore() = default;
    // Creates the user on first login (role member); keeps a unionid once known.
    virtual UserId upsert_by_openid(const std::string& openid,
                                    const std::optional<std::string>& unionid) = 0;
    virtual std::optional<User> find_user(UserId id) = 0;
    // Who the user is for authorisation (role and scope); nullopt when gone.
    virtual std::optional<Principal> load_principal(UserId id) = 0;
    // Takes the user's row lock (FOR UPDATE): every change to one user is serialised on it.
    virtual bool lock_user(UserId id) = 0;
    virtual void update_profile(UserId id, const std::optional<std::string>& name,
                                const std::optional<std::string>& org) = 0;
    // nullopt removes the number (the member asked to).
    virtual void set_phone(UserId id, const std::optional<std::string>& phone) = 0;
    virtual void set_role(UserId id, const RoleRequest& role) = 0;

    virtual std::set<BuildingId> existing_buildings(const std::set<BuildingId>& ids) = 0;
    virtual bool street_exists(StreetId id) = 0;
    virtual std::set<BuildingId> buildings_of_street(StreetId id) = 0;
    virtual std::set<BranchId> existing_branches(const std::set<BranchId>& ids) = 0;
    virtual std::set<BranchId> branches_of_street(StreetId id) = 0;

    // Closing an account (close_account): every personal field docs/data-map.md lists for the
    // person is erased or replaced; the facts the statistics count stay, tied to an id that no
    // longer leads to anyone.
    virtual void erase_person(UserId id, TimePoint now) = 0;
    // A ban in force outlives the account, keyed by a one-way hash of the WeChat id.
    virtual void keep_ban(const std::string& openid_hash, TimePoint until) = 0;
    // A user signing in whose WeChat id's hash has a ban in force gets it.
    virtual void carry_ban(UserId id, const std::string& openid_hash, TimePoint now) = 0;
    // The user signed in at `at` (the retention of a phone counts from the last time).
    virtual void seen(UserId id, TimePoint at) = 0;
};

struct SessionRecord {
    UserId user_id;
    TimePoint expires_at;
};

// A console's sign-in by scanning a code: the nonce the code carries, the hash of a secret only
// the asking browser holds (in an HttpOnly cookie), and who confirmed it on the phone.
struct WebLogin {
    std::string nonce;
    std::string browser_hash;
    std::optional<UserId> user_id;
    TimePoint expires_at;
    bool consumed = false;
    // Which browser asked, shown on the phone before it confirms: its address and a short
    // description of its user agent ("Chrome 120 · Windows"), never the raw header.
    std::string client_ip;
    std::string browser;
    TimePoint asked_at;
};

class SessionStore {
  public:
    virtual ~SessionStore() = default;
    virtual void insert_web_login(const WebLogin& w, TimePoint now) = 0;
    // Locked (FOR UPDATE): confirming and finishing are serialised on the row.
    virtual std::optional<WebLogin> find_web_login(const std::string& nonce) = 0;
    virtual void confirm_web_login(const std::string& nonce, UserId user) = 0;
    virtual void consume_web_login(const std::string& nonce) = 0;
    // The code WeChat made for the nonce, kept so that showing it again costs no call.
    virtual std::optional<std::string> web_login_code(const std::string& nonce) = 0;
    virtual void keep_web_login_code(const std::string& nonce, const std::string& png) = 0;
    virtual void create_session(const std::string& token_hash, UserId user,
                                TimePoint expires_at) = 0;
    // A session that exists, is not revoked and has not expired at `now`.
    virtual std::optional<SessionRecord> find_live_session(const std::string& token_hash,
                                                           TimePoint now) = 0;
    virtual bool revoke_session(const std::string& token_hash) = 0;
    // Ends every live session of the user: the hashes of those it ended.
    virtual std::vector<std::string> revoke_sessions_of(UserId user, TimePoint now) = 0;
};

// Users, their sessions and the alliance they belong to live together: a sign-in writes a user
// and a session in one transaction, taking an invitation a role and the invitation.
class AccountStore : public UserStore, public SessionStore, public AllianceStore {};

// The operator at the console (grant-role): may grant any role; audited as user 0.
inline Principal console_operator() {
    Principal p;
    p.user_id = 0;
    p.role = Role::district_admin;
    return p;
}

// What an audit entry keeps of a role and its scope (clients' views are server/api's).
nlohmann::json audit_record(const Principal& p);

// Login after WeChat vouched for `openid`: the user (created on first login) and a new session.
// `openid_hash` (closed_key) finds a ban kept from an account this WeChat user closed.
User sign_in(UserStore& users, SessionStore& sessions, const std::string& openid,
             const std::optional<std::string>& unionid, const std::string& token_hash,
             TimePoint expires_at, const std::string& openid_hash, TimePoint now);

// DELETE /me, first: who may close their account. role_held while the person is a manager, an
// admin or a branch's secretary (the role is handed over first: a hall or a branch must not be
// left without its keeper).
std::optional<AppError> may_close(const Principal& me);
// DELETE /me, last: the person's data erased (UserStore::erase_person), a ban in force kept by
// `openid_hash`, audited (without a word about who they were). Their bookings to come were
// cancelled before, through the normal path.
Result<bool> close_account(UserStore& users, const Principal& me, const std::string& openid_hash,
                           TimePoint now);

// PUT /users/{id}/role. not_found for an unknown user; validation for a malformed request;
// forbidden when the actor may not make this change. Audited.
Result<User> change_role(UserStore& users, const Principal& actor, UserId target,
                         const RoleRequest& req);

// The phone confirms a console's nonce: managers and admins only (forbidden); an unknown,
// expired, used or already confirmed nonce is not_found.
Result<bool> confirm_web_login(SessionStore& s, const Principal& me, const std::string& nonce,
                               TimePoint now);
// What the phone shows before confirming: which browser asked and when. The same rules as
// confirming: forbidden for members; not_found when expired, used or confirmed already.
Result<WebLogin> web_login_context(SessionStore& s, const Principal& me, const std::string& nonce,
                                   TimePoint now);
// The console asks how its sign-in stands: not_found unless the nonce is live and its browser's;
// the user once confirmed (the nonce is then used up and a session is created).
struct WebLoginState {
    std::optional<UserId> user_id;  // nullopt: not confirmed yet
};
Result<WebLoginState> finish_web_login(SessionStore& s, const std::string& nonce,
                                       const std::string& browser_hash, TimePoint now);

// POST /invitations: an invitation into `req`, valid for `days` (1 to max_invitation_days), made
// by one who may grant it (authorize_invitation); only the code's hash is stored. Audited.
Result<Invitation> create_invitation(AccountStore& s, const Principal& actor,
                                     const RoleRequest& req, int days, const std::string& code_hash,
                                     TimePoint now);
// The invited person takes it: not_found (no such code), invitation_used, invitation_expired;
// forbidden when the inviter can no longer grant it; conflict when the taker already holds
// another role (an invitation adds, it never demotes). A manager's buildings and a secretary's
// branches are added to what the taker holds. Audited twice: the role as set by the inviter, the
// invitation as taken by the taker.
Result<User> accept_invitation(AccountStore& s, UserId self, const std::string& code_hash,
                               TimePoint now);

// PATCH /me: what the member changes of themself, each field only when given.
struct ProfileChange {
    std::optional<std::string> name, org;
    // The branch asked to join: absent (as it is), null (none), or an id; for a joint branch with
    // the unit the member belongs to.
    std::optional<std::optional<BranchId>> branch;
    std::optional<UnitId> unit_id;
};
// One transaction: all of it or nothing (a wrong branch leaves the name as it was).
Result<User> update_profile(AccountStore& s, UserId self, const ProfileChange& change,
                            TimePoint now);

}  // namespace sh::booking
