#pragma once
// Closing an account (注销, 个人信息保护法 第四十七条): DELETE /me.
//  1. Refused while the person holds a role (booking::may_close): it is handed over first.
//  2. Their sessions end everywhere (within the accounts' cache bound): nothing new is started
//     while the account closes.
//  3. Their holds are released and their bookings still to start cancelled through the normal
//     path (the halls free again, whoever must be told is told, a late one counts as late).
//  4. Their personal data is erased in one transaction (booking::close_account): what the
//     statistics count stays under an id that leads to nobody; a ban in force is kept by a
//     one-way hash of the WeChat id, so the same WeChat user coming back is a new member who is
//     still banned until it ends.
// A failure between 2 and 4 leaves the account open and signed out: signing in again and asking
// again finishes it (each step finds less to do).
#include "app/accounts.hpp"
#include "app/bookings.hpp"
#include "app/ports.hpp"

namespace sh::app {

struct Closed {
    int holds_released = 0;
    int bookings_cancelled = 0;
};

class AccountClosing {
  public:
    AccountClosing(UserDb& db, AccountService& accounts, BookingService& bookings,
                   const booking::Clock& clock)
        : db_(db), accounts_(accounts), bookings_(bookings), clock_(clock) {}

    // role_held; or what was released on the way.
    awaitable<Result<Closed>> close(const booking::Principal& me);

  private:
    UserDb& db_;
    AccountService& accounts_;
    BookingService& bookings_;
    const booking::Clock& clock_;
};

}  // namespace sh::app
