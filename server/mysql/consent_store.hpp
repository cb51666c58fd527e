#pragma once
// Consents to the privacy guide in MySQL: booking::ConsentStore over one connection (the caller
// owns the transaction).
#include "booking/consent.hpp"
#include "server/mysql/database.hpp"

namespace sh::mysql {

class MysqlConsentStore final : public booking::ConsentStore {
  public:
    explicit MysqlConsentStore(Conn& c) : c_(c) {}
    bool lock_user(booking::UserId id) override;
    std::vector<booking::Consent> consents_of(booking::UserId id) override;
    void add_consent(booking::UserId id, const booking::Consent& c) override;
    void withdraw_consents(booking::UserId id, const std::vector<booking::ConsentKind>& kinds,
                           booking::TimePoint at) override;
    void set_policy_version(booking::UserId id, std::optional<int> version) override;
    std::optional<int> policy_version_of(booking::UserId id) override;

  private:
    Conn& c_;
};

}  // namespace sh::mysql
