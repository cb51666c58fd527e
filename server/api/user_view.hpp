#pragma once
// A user as the API shows them (GET /me, the console's sign-in, a role change).
#include <nlohmann/json.hpp>

#include "booking/accounts.hpp"

namespace sh::api {

// A user as `viewer` may see them (the phone only where booking::may_see_phone says so).
nlohmann::json user_view(const booking::User& u, const booking::Principal& viewer);
// The answer to a role change: who, and the role and scope they now hold — nothing more.
nlohmann::json role_view(const booking::User& u);
// A member's branch as they asked for it and how it was answered.
nlohmann::json membership_view(const booking::Membership& m);

}  // namespace sh::api
