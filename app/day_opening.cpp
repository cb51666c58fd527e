#include "app/day_opening.hpp"

#include <algorithm>

namespace sh::app {

std::vector<std::string> DayOpening::steps() const {
    std::vector<std::string> out;
    for (const auto& s : steps_) out.push_back(s.name);
    return out;
}

awaitable<long long> DayOpening::run(const JobWindow& w, std::chrono::milliseconds every) {
    TimePoint since = w.since.value_or(w.due - every);
    since = std::max(since,
                     w.due - max_catch_up_);  // a ledger from long ago hands over two weeks at most
    const TimePoint from = since + lead_, to = w.due + lead_;
    long long changed = 0;
    for (const auto& s : steps_) changed += co_await s.step(from, to);
    co_return changed;
}

}  // namespace sh::app
