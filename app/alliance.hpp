#pragma once
// The alliance's use cases (booking/alliance.hpp's rules): units and branches of a street, the
// building's unit, a member's branch confirmed or refused, and invitations into roles. Each one
// transaction; whoever's role or branch changed is forgotten by this instance's principal cache
// (other instances see it within the cache bound).
#include <string>
#include <vector>

#include "app/accounts.hpp"
#include "app/ports.hpp"

namespace sh::app {

// A new invitation: the code (shown once; only its hash is kept) and the page that takes it.
struct NewInvitation {
    booking::Invitation invitation;
    std::string code;
    std::string page;
};

class AllianceService {
  public:
    AllianceService(UserDb& db, AccountService& accounts, VenueCodes& codes,
                    const booking::Clock& clock, std::string invitation_page)
        : db_(db),
          accounts_(accounts),
          codes_(codes),
          clock_(clock),
          invitation_page_(std::move(invitation_page)) {}

    awaitable<std::vector<booking::Unit>> units(const booking::AllianceQuery& q);
    awaitable<Result<booking::Unit>> create_unit(const booking::Principal& me, booking::Unit u);
    awaitable<std::vector<booking::Branch>> branches(const booking::AllianceQuery& q);
    awaitable<Result<booking::Branch>> branch(booking::BranchId id);
    // With the names of its units, for the list a member picks from.
    awaitable<std::vector<booking::Unit>> units_of(const std::vector<booking::Branch>& branches);
    awaitable<Result<booking::Branch>> create_branch(const booking::Principal& me,
                                                     booking::Branch b);
    awaitable<Result<booking::BuildingScope>> set_building_unit(
        const booking::Principal& me, booking::BuildingId building,
        std::optional<booking::UnitId> unit);
    awaitable<Result<std::vector<booking::MemberEntry>>> members(const booking::Principal& me,
                                                                 booking::BranchId branch,
                                                                 booking::MembershipState state);
    awaitable<Result<booking::Membership>> decide(const booking::Principal& me,
                                                  booking::BranchId branch, booking::UserId member,
                                                  bool confirm);

    awaitable<Result<std::vector<booking::ReviewEntry>>> review_list(
        const booking::Principal& me, std::optional<booking::StreetId> street);

    awaitable<Result<NewInvitation>> invite(const booking::Principal& me,
                                            const booking::RoleRequest& role, int days);
    awaitable<std::vector<booking::Invitation>> invitations_of(const booking::Principal& me);
    awaitable<Result<booking::User>> accept(const booking::Principal& me, const std::string& code);
    // The mini-program code that opens the invitation page with this code: not_found unless the
    // code is a live invitation (nobody spends WeChat's calls on made-up codes).
    awaitable<Result<std::string>> invitation_qrcode(const std::string& code);

  private:
    UserDb& db_;
    AccountService& accounts_;
    VenueCodes& codes_;
    const booking::Clock& clock_;
    std::string invitation_page_;
};

}  // namespace sh::app
