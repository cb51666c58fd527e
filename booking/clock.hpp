#pragma once
// The one source of time. Production uses SystemClock; tests set a ManualClock.
#include <atomic>
#include <chrono>

namespace sh::booking {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
public:
    TimePoint now() const override { return std::chrono::system_clock::now(); }
};

class ManualClock final : public Clock {
public:
    explicit ManualClock(TimePoint t) : t_(t.time_since_epoch().count()) {}
    TimePoint now() const override { return TimePoint(TimePoint::duration(t_.load())); }
    void set(TimePoint t) { t_ = t.time_since_epoch().count(); }
    void advance(std::chrono::seconds d) {
        t_ += std::chrono::duration_cast<TimePoint::duration>(d).count();
    }

private:
    std::atomic<TimePoint::rep> t_;
};

}  // namespace sh::booking
