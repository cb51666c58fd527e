#pragma once
// A member's own copy of everything kept about them (个人信息保护法 第四十五条): the profile, the
// WeChat ids, every booking with its purpose, their scans at others' meetings, violations,
// notices, subscriptions and the audit entries about them — as docs/data-map.md lists them.
// Other people's personal data is left out: a meeting's attendees are a count on the booking,
// an audit entry says whether the member or someone else acted, never who.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/notices.hpp"
#include "app/ports.hpp"
#include "booking/clock.hpp"

namespace sh::app {

struct MemberCopy {
    TimePoint made_at;
    PersonalRecords records;
    std::vector<NoticeEntry> notices;  // every one, newest first
    std::map<std::string, int> banked;
};

struct ExportSettings {
    int per_user_per_hour = 5;  // a copy reads everything: a few an hour is plenty
};

class PersonalData {
  public:
    PersonalData(PersonalStore& store, NoticeBoard& board, Notifier& notifier, RateCounters& rates,
                 const booking::Clock& clock, ExportSettings settings)
        : store_(store),
          board_(board),
          notifier_(notifier),
          rates_(rates),
          clock_(clock),
          settings_(settings) {}

    // rate_limited (details.retry_after) beyond per_user_per_hour; not_found for a user gone.
    awaitable<Result<MemberCopy>> copy_for(const booking::Principal& me);

  private:
    PersonalStore& store_;
    NoticeBoard& board_;
    Notifier& notifier_;
    RateCounters& rates_;
    const booking::Clock& clock_;
    ExportSettings settings_;
};

}  // namespace sh::app
