#pragma once
// "When a day opens for booking": the work that must be done before members can book a day (a
// series' meetings placed first, later perhaps a draw's winners), as ordered steps of one job.
// The job runs ahead of the openings by `lead`; each run hands its steps the window of opening
// instants it covers — from the last run's on, so openings that fell while every instance was
// down are handed over once, at the next start. A step finds the halls whose day opens in the
// window itself (booking::days_opening with each hall's rules).
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "app/scheduler.hpp"

namespace sh::app {

class DayOpening {
  public:
    // Opening instants in (from, to]; returns how many things the step changed.
    using Step = std::function<awaitable<long long>(TimePoint from, TimePoint to)>;

    explicit DayOpening(std::chrono::minutes lead,
                        std::chrono::hours max_catch_up = std::chrono::hours(24 * 14))
        : lead_(lead), max_catch_up_(max_catch_up) {}

    // Steps run in the order they were added, each after the one before has finished.
    void add_step(std::string name, Step step) {
        steps_.push_back({std::move(name), std::move(step)});
    }
    std::vector<std::string> steps() const;

    // The job's run: the window (since + lead, due + lead], or one period back the first time.
    awaitable<long long> run(const JobWindow& w, std::chrono::milliseconds every);

  private:
    struct Named {
        std::string name;
        Step step;
    };
    std::chrono::minutes lead_;
    std::chrono::hours max_catch_up_;
    std::vector<Named> steps_;
};

}  // namespace sh::app
