#pragma once
// The port of the retention rules (app/retention.hpp): what the storage removes for each.
#include "booking/clock.hpp"
#include "common/asio.hpp"

namespace sh::app {

using booking::TimePoint;

enum class RuleId { phones, scans, audit, sessions, closed_bans, answers, console_sign_ins };

// Removes up to `batch` rows (for phones: erases up to `batch` numbers) that `rule` lets go
// before `cutoff`, in one statement; returns how many.
class RetentionStore {
  public:
    virtual ~RetentionStore() = default;
    virtual awaitable<int> remove(RuleId rule, TimePoint cutoff, int batch) = 0;
};

}  // namespace sh::app
