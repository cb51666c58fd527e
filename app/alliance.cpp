#include "app/alliance.hpp"

#include "common/hex.hpp"

namespace sh::app {

using booking::AccountStore;
using booking::Errc;
using booking::make_error;
using booking::Principal;

namespace {
// An invitation's code: 24 hex characters (96 bits), short enough for a mini-program code's
// scene (WeChat allows 32) and to read out over the phone.
constexpr std::size_t code_bytes = 12;

bool looks_like_code(const std::string& code) {
    return code.size() == 2 * code_bytes && is_lower_hex(code);
}
}  // namespace

awaitable<std::vector<booking::Unit>> AllianceService::units(const booking::AllianceQuery& q) {
    std::vector<booking::Unit> out;
    co_await db_.read([&](AccountStore& s) { out = s.units(q); });
    co_return out;
}

awaitable<Result<booking::Unit>> AllianceService::create_unit(const Principal& me,
                                                              booking::Unit u) {
    co_return co_await transact_result<booking::Unit>(
        db_, [&](AccountStore& s) { return booking::create_unit(s, s, me, u); });
}

awaitable<std::vector<booking::Branch>> AllianceService::branches(const booking::AllianceQuery& q) {
    std::vector<booking::Branch> out;
    co_await db_.read([&](AccountStore& s) { out = s.branches(q); });
    co_return out;
}

awaitable<Result<booking::Branch>> AllianceService::branch(booking::BranchId id) {
    std::optional<booking::Branch> b;
    co_await db_.read([&](AccountStore& s) { b = s.find_branch(id); });
    if (!b) co_return make_error(Errc::not_found, "No such branch.");
    co_return std::move(*b);
}

awaitable<std::vector<booking::Unit>> AllianceService::units_of(
    const std::vector<booking::Branch>& branches) {
    std::set<booking::UnitId> ids;
    for (const auto& b : branches) ids.insert(b.unit_ids.begin(), b.unit_ids.end());
    std::vector<booking::Unit> out;
    if (ids.empty()) co_return out;
    co_await db_.read([&](AccountStore& s) { out = s.units_of(ids); });
    co_return out;
}

awaitable<Result<booking::Branch>> AllianceService::create_branch(const Principal& me,
                                                                  booking::Branch b) {
    co_return co_await transact_result<booking::Branch>(
        db_, [&](AccountStore& s) { return booking::create_branch(s, s, me, b); });
}

awaitable<Result<booking::BuildingScope>> AllianceService::set_building_unit(
    const Principal& me, booking::BuildingId building, std::optional<booking::UnitId> unit) {
    co_return co_await transact_result<booking::BuildingScope>(
        db_, [&](AccountStore& s) { return booking::set_building_unit(s, s, me, building, unit); });
}

awaitable<Result<std::vector<booking::MemberEntry>>> AllianceService::members(
    const Principal& me, booking::BranchId branch, booking::MembershipState state) {
    Result<std::vector<booking::MemberEntry>> r = make_error(Errc::internal);
    co_await db_.read([&](AccountStore& s) { r = booking::branch_members(s, me, branch, state); });
    co_return r;
}

awaitable<Result<booking::Membership>> AllianceService::decide(const Principal& me,
                                                               booking::BranchId branch,
                                                               booking::UserId member,
                                                               bool confirm) {
    auto now = clock_.now();
    auto r = co_await transact_result<booking::Membership>(db_, [&](AccountStore& s) {
        return booking::decide_membership(s, s, me, branch, member, confirm, now);
    });
    if (r) accounts_.forget(member);
    co_return r;
}

awaitable<Result<std::vector<booking::ReviewEntry>>> AllianceService::review_list(
    const Principal& me, std::optional<booking::StreetId> street) {
    Result<std::vector<booking::ReviewEntry>> r = make_error(Errc::internal);
    co_await db_.read([&](AccountStore& s) { r = booking::review_list(s, me, street); });
    co_return r;
}

awaitable<Result<NewInvitation>> AllianceService::invite(const Principal& me,
                                                         const booking::RoleRequest& role,
                                                         int days) {
    auto code = random_hex(code_bytes);
    auto now = clock_.now();
    auto r = co_await transact_result<booking::Invitation>(db_, [&](AccountStore& s) {
        return booking::create_invitation(s, me, role, days, sha256_hex(code), now);
    });
    if (!r) co_return r.error();
    co_return NewInvitation{r.value(), code, invitation_page_};
}

awaitable<std::vector<booking::Invitation>> AllianceService::invitations_of(const Principal& me) {
    std::vector<booking::Invitation> out;
    co_await db_.read([&](AccountStore& s) { out = s.invitations_by(me.user_id, 100); });
    co_return out;
}

awaitable<Result<booking::User>> AllianceService::accept(const Principal& me,
                                                         const std::string& code) {
    if (!looks_like_code(code)) co_return make_error(Errc::not_found, "No such invitation.");
    auto now = clock_.now();
    auto r = co_await transact_result<booking::User>(db_, [&](AccountStore& s) {
        return booking::accept_invitation(s, me.user_id, sha256_hex(code), now);
    });
    if (r) accounts_.forget(me.user_id);
    co_return r;
}

awaitable<Result<std::string>> AllianceService::invitation_qrcode(const std::string& code) {
    if (!looks_like_code(code)) co_return make_error(Errc::not_found, "No such invitation.");
    std::optional<booking::Invitation> inv;
    co_await db_.read([&](AccountStore& s) { inv = s.find_invitation(sha256_hex(code)); });
    if (!inv || inv->taken_by || clock_.now() >= inv->expires_at)
        co_return make_error(Errc::not_found, "No such invitation.");
    co_return co_await codes_.png(code, invitation_page_);
}

}  // namespace sh::app
