#pragma once
// The street office's statistics, top lists and ledger, each in the caller's scope. A report is
// kept for a minute (dashboards ask the same question again and again; bookings move slowly at
// that scale), so a warm answer costs no query.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/ports.hpp"
#include "booking/clock.hpp"
#include "booking/stats.hpp"
#include "common/bounded_cache.hpp"

namespace sh::app {

struct UsageReport {
    booking::Period period;
    booking::GroupBy group_by = booking::GroupBy::venue;
    std::vector<booking::UsageRow> rows;
};

struct TopLists {
    std::vector<booking::UsageRow> branches;      // most sessions first
    std::vector<booking::UsageRow> units;         // most sessions first
    std::vector<booking::UsageRow> buildings;     // most sessions first
    std::vector<booking::UsageRow> quiet_venues;  // lowest utilisation first
    std::vector<booking::UsageRow> peak_hours;    // weekday x hour, most booked first
};

class StatsService {
  public:
    StatsService(StatsDb& db, const booking::Clock& clock,
                 std::chrono::seconds keep = std::chrono::seconds(60))
        : db_(db), clock_(clock), keep_(keep) {}

    // forbidden for members; validation for a bad period.
    awaitable<Result<UsageReport>> usage(const booking::Principal& me, booking::Date from,
                                         booking::Date to, booking::GroupBy g);
    awaitable<Result<TopLists>> top(const booking::Principal& me, booking::Date from,
                                    booking::Date to, int limit);
    awaitable<Result<std::vector<booking::LedgerRow>>> ledger(const booking::Principal& me,
                                                              booking::Date from, booking::Date to);
    awaitable<Result<booking::SharingLedger>> sharing(const booking::Principal& me,
                                                      booking::Date from, booking::Date to);

  private:
    struct Question {
        booking::StatsScope scope;
        booking::Period period;
    };
    // The caller's scope (forbidden for members) and a valid period, checked once for every use
    // case.
    static Result<Question> question(const booking::Principal& me, booking::Date from,
                                     booking::Date to);
    awaitable<std::vector<booking::UsageRow>> rows(const booking::StatsScope& scope,
                                                   const booking::Period& p, booking::GroupBy g);

    StatsDb& db_;
    const booking::Clock& clock_;
    std::chrono::seconds keep_;
    // Answers for a minute, by scope, period and grouping.
    BoundedCache<std::string, std::vector<booking::UsageRow>, booking::TimePoint> kept_{1000};
    // The halls of a scope and period (their rules and closures), read once for every grouping
    // asked of them within the minute (the top lists ask four).
    BoundedCache<std::string, std::vector<booking::VenueOpening>, booking::TimePoint> kept_venues_{
        100};
};

}  // namespace sh::app
