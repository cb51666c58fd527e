#include "server/jobs/jobs.hpp"

#include <unistd.h>

#include "common/hex.hpp"

namespace sh::jobs {

void add_jobs(app::Scheduler& scheduler, app::DayOpening& opening, app::Lifecycle& lifecycle,
              app::Notifier& notifier, const JobSettings& settings) {
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
    add("purge", settings.purge_every,
        [&lifecycle](booking::TimePoint now) { return lifecycle.purge(now); });
}

void append_metrics(const app::Scheduler& scheduler, std::string& out) {
    auto seconds = [](auto d) { return std::to_string(std::chrono::duration<double>(d).count()); };
    const auto reports = scheduler.reports();
    struct Family {
        const char* name;
        const char* type;
        std::function<std::string(const app::JobReport&)> value;
    };
    const Family families[] = {
        {"sh_job_runs_total", "counter", [](const auto& r) { return std::to_string(r.runs); }},
        {"sh_job_failures_total", "counter",
         [](const auto& r) { return std::to_string(r.failures); }},
        {"sh_job_changed_total", "counter",
         [](const auto& r) { return std::to_string(r.changed); }},
        {"sh_job_running", "gauge",
         [](const auto& r) { return std::string(r.running ? "1" : "0"); }},
        {"sh_job_last_start_seconds", "gauge",
         [&](const auto& r) { return seconds(r.last_started.time_since_epoch()); }},
        {"sh_job_last_duration_seconds", "gauge",
         [&](const auto& r) { return seconds(r.last_duration); }},
        {"sh_job_lag_seconds", "gauge", [&](const auto& r) { return seconds(r.last_lag); }},
    };
    for (const auto& f : families) {
        out += std::string("# TYPE ") + f.name + " " + f.type + "\n";
        for (const auto& r : reports)
            out += std::string(f.name) + "{job=\"" + r.name + "\"} " + f.value(r) + "\n";
    }
}

std::string instance_name() {
    char host[64] = {0};
    gethostname(host, sizeof host - 1);
    return std::string(host) + ":" + std::to_string(getpid()) + ":" + random_hex(4);
}

}  // namespace sh::jobs
