#include "app/personal_data.hpp"

namespace sh::app {

awaitable<Result<MemberCopy>> PersonalData::copy_for(const booking::Principal& me) {
    if (auto wait = co_await rates_.hit("export:user:" + std::to_string(me.user_id),
                                        settings_.per_user_per_hour, std::chrono::hours(1)))
        co_return booking::make_error(booking::Errc::rate_limited, {}, {{"retry_after", *wait}});
    auto records = co_await store_.records_of(me.user_id);
    if (!records) co_return booking::make_error(booking::Errc::not_found, "No such user.");
    // Not co_await inside a braced initializer: GCC 12 destroys such temporaries twice.
    auto banked = co_await notifier_.banked(me);
    MemberCopy copy{clock_.now(), std::move(*records), {}, std::move(banked)};
    constexpr int page = 200;
    for (int offset = 0;; offset += page) {
        auto got = co_await board_.list(me.user_id, false, offset, page);
        copy.notices.insert(copy.notices.end(), got.items.begin(), got.items.end());
        if (static_cast<int>(got.items.size()) < page) break;
    }
    co_return copy;
}

}  // namespace sh::app
