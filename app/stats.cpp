#include "app/stats.hpp"

#include <algorithm>

namespace sh::app {

using booking::GroupBy;
using booking::UsageRow;

namespace {
std::string scope_key(const booking::StatsScope& s) {
    if (s.street) return "s" + std::to_string(*s.street);
    if (s.buildings) {
        std::string k = "b";
        for (auto b : *s.buildings) k += std::to_string(b) + ",";
        return k;
    }
    return "all";
}
}  // namespace

Result<StatsService::Question> StatsService::question(const booking::Principal& me,
                                                      booking::Date from, booking::Date to) {
    auto scope = booking::stats_scope(me);
    if (!scope) return scope.error();
    auto period = booking::check_period(from, to);
    if (!period) return period.error();
    return Question{scope.value(), period.value()};
}

awaitable<std::vector<UsageRow>> StatsService::rows(const booking::StatsScope& scope,
                                                    const booking::Period& p, GroupBy g) {
    const auto now = clock_.now();
    const std::string venues_key =
        scope_key(scope) + "|" + booking::format_date(p.from) + "|" + booking::format_date(p.to);
    const std::string key = venues_key + "|" + std::string(booking::group_by_name(g));
    if (auto kept = kept_.find(key, now)) co_return std::move(*kept);
    auto venues = kept_venues_.find(venues_key, now);
    const bool read_venues = !venues;
    std::vector<booking::BookingCell> cells;
    co_await db_.read([&](booking::StatsStore& s) {
        cells = s.cells(p, scope, booking::booker_of(g));
        if (read_venues) venues = s.venues(p, scope);
    });
    auto figures = booking::group_figures(g, cells, *venues);
    auto out = booking::usage_rows(g, figures, booking::open_minutes(g, *venues, p), *venues);
    kept_.put(key, out, now + keep_, now);
    if (read_venues) kept_venues_.put(venues_key, *venues, now + keep_, now);
    co_return out;
}

awaitable<Result<UsageReport>> StatsService::usage(const booking::Principal& me, booking::Date from,
                                                   booking::Date to, GroupBy g) {
    auto q = question(me, from, to);
    if (!q) co_return q.error();
    const auto& [scope, period] = q.value();
    // (g++ 12: common/asio.hpp)
    auto found = co_await rows(scope, period, g);
    co_return UsageReport{period, g, std::move(found)};
}

awaitable<Result<TopLists>> StatsService::top(const booking::Principal& me, booking::Date from,
                                              booking::Date to, int limit) {
    auto q = question(me, from, to);
    if (!q) co_return q.error();
    const auto& [scope, period] = q.value();
    auto first = [limit](std::vector<UsageRow> v, auto before) {
        std::stable_sort(v.begin(), v.end(), before);
        if (static_cast<int>(v.size()) > limit) v.resize(static_cast<std::size_t>(limit));
        return v;
    };
    auto by_sessions = [](const UsageRow& a, const UsageRow& b) {
        return a.f.sessions > b.f.sessions;
    };
    // Each awaited into a variable of its own (see usage()).
    auto branches = co_await rows(scope, period, GroupBy::branch);
    auto units = co_await rows(scope, period, GroupBy::unit);
    auto buildings = co_await rows(scope, period, GroupBy::building);
    auto venues = co_await rows(scope, period, GroupBy::venue);
    auto hours = co_await rows(scope, period, GroupBy::weekday_hour);
    TopLists t;
    t.branches = first(std::move(branches), by_sessions);
    t.units = first(std::move(units), by_sessions);
    t.buildings = first(std::move(buildings), by_sessions);
    t.quiet_venues = first(std::move(venues), [](const UsageRow& a, const UsageRow& b) {
        return a.utilisation.value_or(0) < b.utilisation.value_or(0);
    });
    t.peak_hours = first(std::move(hours), [](const UsageRow& a, const UsageRow& b) {
        return a.f.booked_minutes > b.f.booked_minutes;
    });
    co_return t;
}

awaitable<Result<std::vector<booking::LedgerRow>>> StatsService::ledger(
    const booking::Principal& me, booking::Date from, booking::Date to) {
    auto q = question(me, from, to);
    if (!q) co_return q.error();
    const auto& [scope, period] = q.value();
    std::vector<booking::LedgerRow> out;
    co_await db_.read([&](booking::StatsStore& s) { out = s.ledger(period, scope); });
    co_return out;
}

awaitable<Result<booking::SharingLedger>> StatsService::sharing(const booking::Principal& me,
                                                                booking::Date from,
                                                                booking::Date to) {
    auto q = question(me, from, to);
    if (!q) co_return q.error();
    const auto& [scope, period] = q.value();
    std::vector<booking::SharingFlow> flows;
    co_await db_.read([&](booking::StatsStore& s) { flows = s.sharing(period, scope); });
    co_return booking::sharing_ledger(std::move(flows));
}

}  // namespace sh::app
