#pragma once
// The one scheduler of timed work. A job has a name, a period on the service's clock and a
// function; the scheduler decides when it runs, on which instance, and records what happened.
//
// - Due times are the multiples of the job's period since the epoch, on the service's clock:
//   every instance computes the same ones, and a test that moves the clock moves them.
// - One instance at a time: a run takes the job's lease in MySQL (the source of truth; it holds
//   with Redis down) for a bounded time, renewed while the run lasts, given back at its end.
// - Once per due time: the lease is taken only when the job's last recorded due time is not the
//   current one. A run that fails records nothing and is tried again after a pause.
// - Catch-up: whatever fell due while every instance was down runs once, on start (the jobs'
//   transitions read "everything due by now", and a run is told the window since its last due
//   time, so once is enough). Jobs start in the order they were added.
// - Each job runs on its own: a long run delays only the next run of the same job. Work whose
//   order matters is one job whose steps run in order (see DayOpening).
// - In a test configuration a job runs on demand (run_now), through the same lease.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/ports.hpp"
#include "booking/clock.hpp"
#include "booking/errors.hpp"
#include "common/asio.hpp"

namespace sh::app {

using booking::TimePoint;

// What a run is for: its due time, the due time of the job's last successful run (anywhere;
// nullopt the first time), and the clock's reading when it began.
struct JobWindow {
    std::optional<TimePoint> since;
    TimePoint due;
    TimePoint now;
};

struct JobSpec {
    std::string name;
    std::chrono::milliseconds every{10'000};
    // The work: returns how many things it changed (bookings expired, notices delivered, ...).
    std::function<awaitable<long long>(const JobWindow&)> run;
    // A test configuration may make a job long (the run waits this long after its work).
    std::chrono::milliseconds test_delay{0};
};

// What one instance saw of a job (for /metrics and the tests).
struct JobReport {
    std::string name;
    std::uint64_t runs = 0, failures = 0;
    long long changed = 0;  // summed over this instance's runs
    TimePoint last_due{}, last_started{};
    std::chrono::milliseconds last_duration{0}, last_lag{0};  // lag: start minus due time
    bool running = false;
};

// What one pass did: the jobs it ran here (ended within the pass's wait) and the ones it started
// that were still running when the wait was over. A job another instance ran is in neither.
struct PassReport {
    std::vector<std::string> ran, running;
};

// One finished run, as run_now answers it.
struct JobRun {
    std::string job;
    TimePoint due;
    long long changed = 0;
};

class Scheduler {
  public:
    using Warn = std::function<void(const std::string&)>;
    // `owner` names this instance in the leases (unique per process); `warn` hears of failures.
    Scheduler(JobLedger& ledger, const booking::Clock& clock, std::string owner, Warn warn = {});
    ~Scheduler();

    // Jobs run (and catch up) in the order they are added.
    void add(JobSpec job);

    // Runs pass() every `tick` until the executor stops: the first is the catch-up.
    awaitable<void> run(std::chrono::milliseconds tick);

    // One look at every job's due time, as the timer takes it every tick: a run of each job whose
    // current due time has not run is started, each in its own coroutine, in the order the jobs
    // were added; whatever fell due while no instance ran is caught up by the first pass. With a
    // `wait` (a test's pass on demand), answers when the runs it started have ended or the wait
    // is over; without, at once (the runs go on).
    awaitable<PassReport> pass(std::chrono::milliseconds wait = std::chrono::milliseconds(0));

    // Runs a job now whatever its last due time, waiting up to `wait` for another run of it to
    // end. not_found: no such job; conflict: the lease stayed taken.
    awaitable<booking::Result<JobRun>> run_now(const std::string& name,
                                               std::chrono::milliseconds wait);

    std::vector<JobReport> reports() const;

    // The current due time of a period at `now`: the last multiple of `every` since the epoch.
    static TimePoint due_at(TimePoint now, std::chrono::milliseconds every);

  private:
    struct Slot;
    enum class Attempt { ran, failed, not_taken };
    // Runs the job once for `due` if this instance gets its lease.
    awaitable<Attempt> attempt(Slot& slot, TimePoint due, bool again, long long* changed = nullptr);
    awaitable<void> keep_lease(Slot& slot, std::shared_ptr<std::atomic<bool>> done);
    std::chrono::milliseconds lease_ttl(const Slot& slot) const;
    void warn(const std::string& what) const;

    JobLedger& ledger_;
    const booking::Clock& clock_;
    std::string owner_;
    Warn warn_;
    std::vector<std::unique_ptr<Slot>> slots_;
    std::atomic<bool> declared_{false};  // the jobs are in the ledger
    mutable std::mutex mu_;              // the reports
};

}  // namespace sh::app
