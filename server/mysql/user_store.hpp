#pragma once
// Users, roles and sessions in MySQL: booking::UserStore and booking::SessionStore over one
// connection (the caller owns the transaction).
#include "booking/accounts.hpp"
#include "server/mysql/database.hpp"

namespace sh::mysql {

class MysqlUserStore final : public booking::AccountStore {
  public:
    explicit MysqlUserStore(Conn& c) : c_(c) {}

    booking::UserId upsert_by_openid(const std::string& openid,
                                     const std::optional<std::string>& unionid) override;
    std::optional<booking::User> find_user(booking::UserId id) override;
    bool lock_user(booking::UserId id) override;
    void update_profile(booking::UserId id, const std::optional<std::string>& name,
                        const std::optional<std::string>& org) override;
    void set_phone(booking::UserId id, const std::string& phone) override;
    void set_role(booking::UserId id, const booking::RoleRequest& role) override;
    std::set<booking::BuildingId> existing_buildings(
        const std::set<booking::BuildingId>& ids) override;
    bool street_exists(booking::StreetId id) override;
    std::set<booking::BuildingId> buildings_of_street(booking::StreetId id) override;
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

    std::optional<booking::Principal> load_principal(booking::UserId id) override;
    std::optional<booking::UserId> find_by_openid(const std::string& openid);

  private:
    Conn& c_;
};

}  // namespace sh::mysql
