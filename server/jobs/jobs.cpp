#include "server/jobs/jobs.hpp"

#include <unistd.h>

#include <functional>

#include "common/hex.hpp"

namespace sh::jobs {

void add_jobs(app::Scheduler& scheduler, app::DayOpening& opening, app::Lifecycle& lifecycle,
              app::Notifier& notifier, app::Retention& retention, const JobSettings& settings) {
    auto add_windowed = [&](std::string name, std::chrono::milliseconds every,
                            std::function<awaitable<long long>(const app::JobWindow&)> run) {
        auto delay =
            name == settings.slow_job ? settings.slow_job_delay : std::chrono::milliseconds(0);
        scheduler.add(app::JobSpec{std::move(name), every, std::move(run), delay});
    };
    // Most jobs act on everything due by now.
    auto add = [&](std::string name, std::chrono::milliseconds every,
                   std::function<awaitable<long long>(booking::TimePoint)> work) {
        add_windowed(std::move(name), every,
                     [work = std::move(work)](const app::JobWindow& w) { return work(w.now); });
    };
    // First: whatever must be in place before members can book a newly opened day.
    add_windowed("open_days", settings.open_days_every,
                 [&opening, every = settings.open_days_every](const app::JobWindow& w) {
                     return opening.run(w, every);
                 });
    const auto every = settings.every;
    add("expire_requests", every,
        [&lifecycle](booking::TimePoint now) { return lifecycle.expire_requests(now); });
    add("release_no_shows", every,
        [&lifecycle](booking::TimePoint now) { return lifecycle.release_no_shows(now); });
    add("complete_bookings", every,
        [&lifecycle](booking::TimePoint now) { return lifecycle.complete_bookings(now); });
    add("send_reminders", every,
        [&lifecycle](booking::TimePoint now) { return lifecycle.send_reminders(now); });
    add("tell_approvers", every,
        [&lifecycle](booking::TimePoint now) { return lifecycle.tell_approvers(now); });
    add("escalate_requests", every,
        [&lifecycle](booking::TimePoint now) { return lifecycle.escalate_requests(now); });
    // After the transitions, so that the notices they wrote at catch-up go out in the same pass.
    add("deliver_notices", every, [&notifier](booking::TimePoint) -> awaitable<long long> {
        long long n = 0;
        for (int i = 0; i < 10; ++i) {  // up to ten batches a run; the rest at the next
            int taken = co_await notifier.deliver_due();
            n += taken;
            if (taken == 0) break;
        }
        co_return n;
    });
    // Last and on its own: its batches pause between each other, so a long run delays nothing.
    add("retention", settings.retention_every,
        [&retention](booking::TimePoint now) { return retention.run(now); });
}

void register_metrics(const app::Scheduler& scheduler, metrics::Registry& registry) {
    using metrics::Type;
    auto seconds = [](auto d) { return std::chrono::duration<double>(d).count(); };
    struct Family {
        const char* name;
        Type type;
        const char* help;
        std::function<double(const app::JobReport&)> value;
    };
    const Family families[] = {
        {"sh_job_runs_total", Type::counter, "Runs of each timed job.",
         [](const auto& r) { return static_cast<double>(r.runs); }},
        {"sh_job_failures_total", Type::counter, "Runs that failed.",
         [](const auto& r) { return static_cast<double>(r.failures); }},
        {"sh_job_changed_total", Type::counter, "Things the runs changed.",
         [](const auto& r) { return static_cast<double>(r.changed); }},
        {"sh_job_running", Type::gauge, "1 while a run is under way here.",
         [](const auto& r) { return r.running ? 1.0 : 0.0; }},
        {"sh_job_last_start_seconds", Type::gauge, "When the last run here started (Unix time).",
         [=](const auto& r) { return seconds(r.last_started.time_since_epoch()); }},
        {"sh_job_last_duration_seconds", Type::gauge, "How long the last run here took.",
         [=](const auto& r) { return seconds(r.last_duration); }},
        {"sh_job_lag_seconds", Type::gauge, "How late after its due time the last run started.",
         [=](const auto& r) { return seconds(r.last_lag); }},
    };
    for (const auto& f : families)
        registry.add(f.name, f.type, f.help, [&scheduler, value = f.value](metrics::Samples& out) {
            for (const auto& r : scheduler.reports()) out.add({{"job", r.name}}, value(r));
        });
}

std::string instance_name() {
    char host[64] = {0};
    gethostname(host, sizeof host - 1);
    return std::string(host) + ":" + std::to_string(getpid()) + ":" + random_hex(4);
}

}  // namespace sh::jobs
