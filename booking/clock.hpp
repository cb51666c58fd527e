#pragma once
// The one source of time. The server runs on a ShiftedClock: the system clock itself unless a
// test configuration moves or freezes it (POST /test/clock). Unit tests use a ManualClock;
// SystemClock is for tools (the load generator) that never move time.
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

// Time flows as on the system clock, from wherever a test put it — or stands still where a test
// froze it, so that a test can compare exact instants (two readings of a running clock a moment
// apart fall in different minutes at :59.9).
class ShiftedClock final : public Clock {
  public:
    explicit ShiftedClock(std::chrono::milliseconds offset) : offset_(offset.count()) {}
    TimePoint now() const override {
        if (frozen_.load()) return TimePoint(TimePoint::duration(frozen_at_.load()));
        return std::chrono::system_clock::now() + std::chrono::milliseconds(offset_.load());
    }
    void set(TimePoint t) {
        if (frozen_.load())
            frozen_at_ = t.time_since_epoch().count();
        else
            offset_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                          t - std::chrono::system_clock::now())
                          .count();
    }
    void advance(std::chrono::milliseconds d) {
        if (frozen_.load())
            frozen_at_ += std::chrono::duration_cast<TimePoint::duration>(d).count();
        else
            offset_ += d.count();
    }
    // Stands still at the present reading until moved (set, advance) or thawed.
    void freeze() {
        frozen_at_ = now().time_since_epoch().count();
        frozen_ = true;
    }
    // Flows again from where it stood.
    void thaw() {
        if (!frozen_.load()) return;
        auto at = TimePoint(TimePoint::duration(frozen_at_.load()));
        offset_ =
            std::chrono::ceil<std::chrono::milliseconds>(at - std::chrono::system_clock::now())
                .count();
        frozen_ = false;  // rounded up: it never reads earlier than where it stood
    }

  private:
    std::atomic<long long> offset_;
    std::atomic<bool> frozen_{false};
    std::atomic<TimePoint::rep> frozen_at_{0};
};

}  // namespace sh::booking
