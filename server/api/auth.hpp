#pragma once
// The HTTP side of who-is-asking: the bearer token of a request, handed to the sign-in use cases
// (app/accounts.hpp).
#include <optional>
#include <string>

#include "app/accounts.hpp"
#include "server/http/message.hpp"

namespace sh::api {

class Auth {
public:
    explicit Auth(app::AccountService& accounts) : accounts_(accounts) {}

    // The signed-in principal, or AppException(unauthorized / rate_limited).
    awaitable<booking::Principal> authenticate(const http::Request& req);
    // "Authorization: Bearer <token>"; nullopt when absent or malformed.
    static std::optional<std::string> bearer(const http::Request& req);

private:
    app::AccountService& accounts_;
};

}  // namespace sh::api
