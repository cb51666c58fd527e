#pragma once
// The HTTP side of who-is-asking: the bearer token of a request, handed to the sign-in use cases
// (app/accounts.hpp).
#include <optional>
#include <string>

#include "app/accounts.hpp"
#include "app/privacy.hpp"
#include "server/http/message.hpp"

namespace sh::api {

class Auth {
  public:
    Auth(app::AccountService& accounts, app::Consents& consents)
        : accounts_(accounts), consents_(consents) {}

    // The signed-in principal, or AppException(unauthorized / rate_limited).
    awaitable<booking::Principal> authenticate(const http::Request& req);
    // The same for a call that collects personal information (a hold, a booking, a check-in,
    // the profile, the phone): AppException(consent_required) unless the member has agreed to
    // the privacy guide's current version.
    awaitable<booking::Principal> consenting(const http::Request& req);
    // "Authorization: Bearer <token>" (the phone), else the console's session cookie; nullopt
    // when neither. A cookie on a request that changes something must come with the header
    // X-Console: 1, which a page of another site cannot send without our consent (CORS): with
    // SameSite=Strict this stops cross-site requests twice over.
    static std::optional<std::string> bearer(const http::Request& req);
    static constexpr const char* session_cookie = "sh_session";

  private:
    app::AccountService& accounts_;
    app::Consents& consents_;
};

}  // namespace sh::api
