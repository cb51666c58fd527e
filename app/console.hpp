#pragma once
// Signing in to the web console by scanning a code, without passwords:
//  1. the console asks for a nonce; the server also gives its browser a secret (an HttpOnly,
//     SameSite=Strict cookie) and keeps only the secret's hash with the nonce;
//  2. the console shows the nonce as a mini-program code;
//  3. the phone, signed in as a manager or admin, confirms the nonce;
//  4. the console, presenting its secret, receives a session of its own — once; the nonce is
//     then used up. Someone who only saw the code has no secret and learns nothing.
#include <chrono>
#include <string>
#include <string_view>

#include "app/ports.hpp"
#include "booking/clock.hpp"
#include "common/seal.hpp"

namespace sh::app {

struct ConsoleSettings {
    int starts_per_ip_per_minute = 60;  // nonces are rows: an address cannot make them without end
    std::chrono::seconds login_ttl{120};
    std::chrono::seconds session_ttl{8 * 3600};
    std::string page = "pages/weblogin/index";
};

struct ConsoleLogin {
    std::string nonce;           // 32 hex characters: WeChat's whole scene
    std::string browser_secret;  // goes into the console's cookie only
    std::chrono::seconds expires_in;
};

struct ConsoleSession {
    bool signed_in = false;  // false: not confirmed yet, ask again
    std::string token;       // the console's session token (a cookie)
    std::chrono::seconds expires_in{0};
    std::optional<booking::User> user;
};

// A short description of a User-Agent header for a person to recognise their own browser:
// "Chrome 120 · Windows", "微信 8 · iPhone"; "未知浏览器" when nothing is recognised. At most
// 80 bytes; the raw header is never kept.
std::string describe_browser(std::string_view user_agent);

class ConsoleSignIn {
  public:
    ConsoleSignIn(UserDb& db, VenueCodes& codes, RateCounters& rates, const Seal& seal,
                  const booking::Clock& clock, ConsoleSettings settings)
        : db_(db),
          codes_(codes),
          rates_(rates),
          seal_(seal),
          clock_(clock),
          settings_(std::move(settings)) {}

    // rate_limited (details.retry_after) beyond starts_per_ip_per_minute. The address and a
    // short description of the user agent are kept with the nonce, for the phone to show.
    awaitable<Result<ConsoleLogin>> start(const std::string& client_ip,
                                          const std::string& user_agent);
    // Which browser asked, for the phone before it confirms: the same rules as confirm.
    awaitable<Result<booking::WebLogin>> context(const booking::Principal& me,
                                                 const std::string& nonce);
    // The mini-program code carrying the nonce (not_found for a nonce not live): WeChat is asked
    // on the first view only; the code is kept with the nonce and goes with it.
    awaitable<Result<std::string>> code(const std::string& nonce);
    // From the phone: forbidden for members; not_found when expired, used or confirmed already.
    awaitable<Result<bool>> confirm(const booking::Principal& me, const std::string& nonce);
    // From the console, with its secret: not_found unless live and this browser's.
    awaitable<Result<ConsoleSession>> finish(const std::string& nonce,
                                             const std::string& browser_secret);

  private:
    UserDb& db_;
    VenueCodes& codes_;
    RateCounters& rates_;
    const Seal& seal_;
    const booking::Clock& clock_;
    ConsoleSettings settings_;
};

}  // namespace sh::app
