#include "app/closing.hpp"

namespace sh::app {

awaitable<Result<Closed>> AccountClosing::close(const booking::Principal& me) {
    if (auto refused = booking::may_close(me)) co_return *refused;
    co_await accounts_.end_sessions(me.user_id);
    auto released = co_await bookings_.release_all(me);
    if (!released) co_return released.error();
    const auto now = clock_.now();
    const auto key = closed_key(me.openid);
    auto r = co_await transact_result<bool>(
        db_, [&](booking::AccountStore& s) { return booking::close_account(s, me, key, now); });
    if (!r) co_return r.error();
    accounts_.forget(me.user_id);
    co_return Closed{released.value().holds, released.value().bookings};
}

}  // namespace sh::app
