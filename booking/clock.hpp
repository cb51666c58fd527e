#pragma once
// The one source of time. Production uses SystemClock; unit tests a ManualClock; end-to-end
// tests a ShiftedClock (the system clock moved by an offset the test sets).
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

// Time flows as on the system clock, from wherever a test put it.
class ShiftedClock final : public Clock {
public:
    explicit ShiftedClock(std::chrono::milliseconds offset) : offset_(offset.count()) {}
    TimePoint now() const override {
        return std::chrono::system_clock::now() + std::chrono::milliseconds(offset_.load());
    }
    void set(TimePoint t) {
        offset_ = std::chrono::duration_cast<std::chrono::milliseconds>(t - std::chrono::system_clock::now()).count();
    }
    void advance(std::chrono::milliseconds d) { offset_ += d.count(); }

private:
    std::atomic<long long> offset_;
};

}  // namespace sh::booking
