#pragma once
// booking::StatsStore in MySQL: one GROUP BY over the bookings of a period per question. The
// grouping expression comes from a fixed table (never from the request), so there are at most
// nine statement texts per scope.
#include "booking/stats.hpp"
#include "server/mysql/database.hpp"

namespace sh::mysql {

class MysqlStatsStore final : public booking::StatsStore {
  public:
    explicit MysqlStatsStore(Conn& c) : c_(c) {}
    std::vector<booking::BookingCell> cells(const booking::Period& p,
                                            const booking::StatsScope& scope,
                                            booking::Booker who) override;
    std::vector<booking::VenueOpening> venues(const booking::Period& p,
                                              const booking::StatsScope& scope) override;
    std::vector<booking::LedgerRow> ledger(const booking::Period& p,
                                           const booking::StatsScope& scope) override;
    std::vector<booking::SharingFlow> sharing(const booking::Period& p,
                                              const booking::StatsScope& scope) override;

  private:
    Conn& c_;
};

}  // namespace sh::mysql
