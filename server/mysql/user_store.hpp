#pragma once
// Users, roles and sessions in MySQL: booking::UserStore and booking::SessionStore over one
// connection (the caller owns the transaction).
#include "booking/accounts.hpp"
#include "server/mysql/database.hpp"

namespace sh::mysql {

// A user's violations, newest first; at most `limit` of them (0: every one).
std::vector<booking::ViolationView> read_violations(Conn& c, booking::UserId id, int limit);

class MysqlUserStore final : public booking::AccountStore {
  public:
    explicit MysqlUserStore(Conn& c) : c_(c) {}

    booking::UserId upsert_by_openid(const std::string& openid,
                                     const std::optional<std::string>& unionid) override;
    std::optional<booking::User> find_user(booking::UserId id) override;
    bool lock_user(booking::UserId id) override;
    void update_profile(booking::UserId id, const std::optional<std::string>& name,
                        const std::optional<std::string>& org) override;
    void set_phone(booking::UserId id, const std::optional<std::string>& phone) override;
    void erase_person(booking::UserId id, booking::TimePoint now) override;
    void keep_ban(const std::string& openid_hash, booking::TimePoint until) override;
    void carry_ban(booking::UserId id, const std::string& openid_hash,
                   booking::TimePoint now) override;
    void seen(booking::UserId id, booking::TimePoint at) override;
    std::vector<std::string> revoke_sessions_of(booking::UserId user,
                                                booking::TimePoint now) override;
    void set_role(booking::UserId id, const booking::RoleRequest& role) override;
    std::set<booking::BuildingId> existing_buildings(
        const std::set<booking::BuildingId>& ids) override;
    bool street_exists(booking::StreetId id) override;
    std::set<booking::BuildingId> buildings_of_street(booking::StreetId id) override;
    std::set<booking::BranchId> existing_branches(const std::set<booking::BranchId>& ids) override;
    std::set<booking::BranchId> branches_of_street(booking::StreetId id) override;
    void audit(const booking::AuditEntry& e) override;

    void create_session(const std::string& token_hash, booking::UserId user,
                        booking::TimePoint expires_at) override;
    std::optional<booking::SessionRecord> find_live_session(const std::string& token_hash,
                                                            booking::TimePoint now) override;
    bool revoke_session(const std::string& token_hash) override;
    void insert_web_login(const booking::WebLogin& w, booking::TimePoint now) override;
    std::optional<booking::WebLogin> find_web_login(const std::string& nonce) override;
    void confirm_web_login(const std::string& nonce, booking::UserId user) override;
    void consume_web_login(const std::string& nonce) override;
    std::optional<std::string> web_login_code(const std::string& nonce) override;
    void keep_web_login_code(const std::string& nonce, const std::string& png) override;

    // The alliance (alliance_store.cpp).
    booking::UnitId insert_unit(const booking::Unit& u) override;
    std::optional<booking::Unit> find_unit(booking::UnitId id) override;
    std::vector<booking::Unit> units(const booking::AllianceQuery& q) override;
    std::vector<booking::Unit> units_of(const std::set<booking::UnitId>& ids) override;
    booking::BranchId insert_branch(const booking::Branch& b) override;
    std::optional<booking::Branch> find_branch(booking::BranchId id) override;
    std::vector<booking::Branch> branches(const booking::AllianceQuery& q) override;
    std::optional<booking::BuildingScope> find_building(booking::BuildingId id) override;
    std::optional<booking::UnitId> building_unit(booking::BuildingId id) override;
    void set_building_unit(booking::BuildingId id, std::optional<booking::UnitId> unit) override;
    std::optional<booking::Membership> membership(booking::UserId user) override;
    void set_membership(booking::UserId user, const std::optional<booking::Membership>& m,
                        std::optional<booking::UserId> decided_by) override;
    std::vector<booking::MemberEntry> members(booking::BranchId branch,
                                              booking::MembershipState state) override;
    std::uint64_t insert_invitation(const booking::Invitation& inv,
                                    const std::string& code_hash) override;
    std::optional<booking::Invitation> find_invitation(const std::string& code_hash) override;
    void take_invitation(std::uint64_t id, booking::UserId user, booking::TimePoint now) override;
    std::vector<booking::Invitation> invitations_by(booking::UserId user, int limit) override;
    std::vector<booking::ReviewEntry> review_list(std::optional<booking::StreetId> street) override;

    std::optional<booking::Principal> load_principal(booking::UserId id) override;
    std::optional<booking::UserId> find_by_openid(const std::string& openid);

  private:
    // Branches matching `where` (its parameters: `id` when given, else the query's), with their
    // units.
    std::vector<booking::Branch> read_branches(const std::string& where,
                                               const booking::AllianceQuery& q,
                                               booking::BranchId id);
    Conn& c_;
};

}  // namespace sh::mysql
