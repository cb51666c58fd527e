#include "app/scheduler.hpp"

#include <algorithm>
#include <climits>

#include <boost/asio/redirect_error.hpp>

namespace sh::app {

namespace {

long long epoch_ms(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint from_epoch_ms(long long ms) {
    return TimePoint(
        std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

awaitable<void> sleep_for(std::chrono::milliseconds d) {
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace

struct Scheduler::Slot {
    JobSpec spec;
    std::atomic<bool> running{false};            // this instance is asking for the lease or running
    std::atomic<bool> in_run{false};             // this instance holds the lease and runs the job
    std::atomic<long long> done_due{LLONG_MIN};  // the due time this instance ran the job for
    std::atomic<long long> tried_due{LLONG_MIN};  // the due time last asked for
    std::atomic<long long> next_try_ms{0};        // steady clock: when to ask for it again
    JobReport report;                             // under the scheduler's mutex
};

Scheduler::Scheduler(JobLedger& ledger, const booking::Clock& clock, std::string owner, Warn warn)
    : ledger_(ledger), clock_(clock), owner_(std::move(owner)), warn_(std::move(warn)) {}

Scheduler::~Scheduler() = default;

void Scheduler::add(JobSpec job) {
    auto slot = std::make_unique<Slot>();
    slot->report.name = job.name;
    slot->spec = std::move(job);
    slots_.push_back(std::move(slot));
}

TimePoint Scheduler::due_at(TimePoint now, std::chrono::milliseconds every) {
    auto ms = epoch_ms(now), period = std::max<long long>(1, every.count());
    long long due = ms - ((ms % period) + period) % period;
    return from_epoch_ms(due);
}

std::chrono::milliseconds Scheduler::lease_ttl(const Slot& slot) const {
    // Long enough that renewing (every third of it) never races the end; short enough that a
    // killed instance holds a job up only briefly.
    return std::clamp(3 * slot.spec.every, std::chrono::milliseconds(5'000),
                      std::chrono::milliseconds(60'000));
}

awaitable<void> Scheduler::keep_lease(Slot& slot, std::shared_ptr<std::atomic<bool>> done) {
    const auto ttl = lease_ttl(slot);
    // Looks at `done` often (the run's end lets it go at once), renews every third of the lease.
    for (auto renew_at = std::chrono::steady_clock::now() + ttl / 3;;) {
        co_await sleep_for(std::chrono::milliseconds(100));
        if (done->load()) co_return;
        if (std::chrono::steady_clock::now() < renew_at) continue;
        renew_at = std::chrono::steady_clock::now() + ttl / 3;
        try {
            if (!co_await ledger_.renew(slot.spec.name, owner_, ttl)) {
                warn("job " + slot.spec.name + ": its lease was lost while it ran");
                co_return;
            }
        } catch (const std::exception& e) {
            warn("job " + slot.spec.name + ": renewing its lease failed: " + e.what());
        }
    }
}

awaitable<Scheduler::Attempt> Scheduler::attempt(Slot& slot, TimePoint due, bool again,
                                                 long long* changed) {
    // (`running` is reset by hand on each way out, not by a guard object: a frame still suspended
    // when the server stops is destroyed after the scheduler, and must not write to it.)
    if (slot.running.exchange(true)) co_return Attempt::not_taken;
    const auto& name = slot.spec.name;
    std::optional<JobLedger::Taken> taken;
    try {
        taken = co_await ledger_.take(name, owner_, epoch_ms(due), again, lease_ttl(slot));
    } catch (const std::exception& e) {
        warn("job " + name + ": taking its lease failed: " + e.what());
    }
    if (!taken) {
        slot.running = false;
        co_return Attempt::not_taken;
    }

    slot.in_run = true;
    auto lease_done = std::make_shared<std::atomic<bool>>(false);
    asio::co_spawn(co_await asio::this_coro::executor, keep_lease(slot, lease_done),
                   asio::detached);
    const auto started = clock_.now();
    const auto t0 = std::chrono::steady_clock::now();
    std::optional<long long> result;
    try {
        JobWindow window{std::nullopt, due, started};
        if (taken->last_due_ms) window.since = from_epoch_ms(*taken->last_due_ms);
        result = co_await slot.spec.run(window);
        if (slot.spec.test_delay.count() > 0) co_await sleep_for(slot.spec.test_delay);
    } catch (const std::exception& e) {
        warn("job " + name + " failed: " + e.what());
    }
    *lease_done = true;
    slot.in_run = false;  // before the lease goes back: never seen running after another took it
    try {
        co_await ledger_.release(name, owner_,
                                 result ? std::optional<long long>(epoch_ms(due)) : std::nullopt);
    } catch (const std::exception& e) {
        warn("job " + name + ": giving its lease back failed: " + e.what());
    }
    {
        std::lock_guard lock(mu_);
        auto& r = slot.report;
        r.runs += 1;
        if (!result) r.failures += 1;
        r.changed += result.value_or(0);
        r.last_due = due;
        r.last_started = started;
        r.last_duration = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - t0);
        r.last_lag = std::chrono::duration_cast<std::chrono::milliseconds>(started - due);
    }
    if (result) slot.done_due = epoch_ms(due);
    slot.running = false;
    if (!result) co_return Attempt::failed;
    if (changed) *changed = *result;
    co_return Attempt::ran;
}

awaitable<void> Scheduler::run(std::chrono::milliseconds tick) {
    for (;;) {
        co_await pass();
        // Without the ledger nothing runs: asked for again less often.
        co_await sleep_for(declared_ ? tick : std::max(tick, std::chrono::milliseconds(1000)));
    }
}

awaitable<PassReport> Scheduler::pass(std::chrono::milliseconds wait) {
    PassReport report;
    if (!declared_) {
        std::vector<std::string> names;
        for (const auto& s : slots_) names.push_back(s->spec.name);
        try {
            co_await ledger_.declare(names);
            declared_ = true;
        } catch (const std::exception& e) {
            warn(std::string("jobs: cannot reach their ledger: ") + e.what());
            co_return report;
        }
    }
    auto ex = co_await asio::this_coro::executor;
    const auto now = clock_.now();
    const long long steady_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now().time_since_epoch())
                                    .count();
    // Each started attempt's outcome, written by its coroutine when it ends.
    struct Started {
        const Slot* slot;
        std::shared_ptr<std::atomic<int>> outcome;  // -1 while it runs, else an Attempt
    };
    std::vector<Started> started;
    for (auto& s : slots_) {
        auto due = due_at(now, s->spec.every);
        const long long d = epoch_ms(due);
        if (s->running.load() || s->done_due.load() == d) continue;
        // A new due time is asked for at once; the same one again after a pause (another
        // instance may be running it, may have run it, or may have failed).
        if (s->tried_due.load() == d && steady_ms < s->next_try_ms.load()) continue;
        s->tried_due = d;
        s->next_try_ms = steady_ms + std::min<long long>(s->spec.every.count(), 30'000);
        auto outcome = std::make_shared<std::atomic<int>>(-1);
        started.push_back({s.get(), outcome});
        asio::co_spawn(
            ex,
            [](Scheduler& self, Slot& slot, TimePoint due,
               std::shared_ptr<std::atomic<int>> out) -> awaitable<void> {
                *out = static_cast<int>(co_await self.attempt(slot, due, false));
            }(*this, *s, due, outcome),
            asio::detached);
    }
    const auto deadline = std::chrono::steady_clock::now() + wait;
    auto all_ended = [&] {
        return std::all_of(started.begin(), started.end(),
                           [](const Started& s) { return s.outcome->load() >= 0; });
    };
    while (wait.count() > 0 && !all_ended() && std::chrono::steady_clock::now() < deadline)
        co_await sleep_for(std::chrono::milliseconds(10));
    for (const auto& s : started) {
        const int o = s.outcome->load();
        if (o == static_cast<int>(Attempt::ran)) report.ran.push_back(s.slot->spec.name);
        if (o < 0 && s.slot->in_run.load()) report.running.push_back(s.slot->spec.name);
    }
    co_return report;
}

awaitable<booking::Result<JobRun>> Scheduler::run_now(const std::string& name,
                                                      std::chrono::milliseconds wait) {
    auto it = std::find_if(slots_.begin(), slots_.end(),
                           [&](const auto& s) { return s->spec.name == name; });
    if (it == slots_.end())
        co_return booking::make_error(booking::Errc::not_found, "No job is called " + name + ".");
    const std::vector<std::string> names{name};  // (g++ 12: common/asio.hpp)
    co_await ledger_.declare(names);  // the timers may never have run (a test's manual jobs)
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
        auto due = due_at(clock_.now(), (*it)->spec.every);
        long long changed = 0;
        auto a = co_await attempt(**it, due, true, &changed);
        if (a == Attempt::ran) co_return JobRun{name, due, changed};
        if (a == Attempt::failed)
            co_return booking::make_error(booking::Errc::conflict,
                                          "The job " + name + " failed; see the server's log.");
        if (std::chrono::steady_clock::now() >= deadline)
            co_return booking::make_error(booking::Errc::conflict,
                                          "The job " + name + " is running elsewhere.");
        co_await sleep_for(std::chrono::milliseconds(20));
    }
}

std::vector<JobReport> Scheduler::reports() const {
    std::vector<JobReport> out;
    std::lock_guard lock(mu_);
    for (const auto& s : slots_) {
        out.push_back(s->report);
        out.back().running = s->in_run.load();
    }
    return out;
}

void Scheduler::warn(const std::string& what) const {
    if (warn_) warn_(what);
}

}  // namespace sh::app
