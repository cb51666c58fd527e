#pragma once
// The service's timed work, as jobs of the one scheduler (app/scheduler.hpp): their names, their
// periods and the order they catch up in. Each is a use case of app/; nothing here decides.
#include <chrono>
#include <string>

#include "app/day_opening.hpp"
#include "app/lifecycle.hpp"
#include "app/notices.hpp"
#include "app/retention.hpp"
#include "app/scheduler.hpp"
#include "common/metrics.hpp"

namespace sh::jobs {

struct JobSettings {
    std::chrono::milliseconds every{10'000};  // the bookings' transitions and the notices
    std::chrono::milliseconds retention_every{3'600'000};
    std::chrono::milliseconds open_days_every{60'000};
    std::string slow_job;  // a test configuration's long job
    std::chrono::milliseconds slow_job_delay{0};
};

// In order: open_days, expire_requests, release_no_shows, complete_bookings, send_reminders,
// tell_approvers, escalate_requests, deliver_notices, retention.
void add_jobs(app::Scheduler& scheduler, app::DayOpening& opening, app::Lifecycle& lifecycle,
              app::Notifier& notifier, app::Retention& retention, const JobSettings& settings);

// The scheduler's view of each job, as metric families labelled by job.
void register_metrics(const app::Scheduler& scheduler, metrics::Registry& registry);

// A name for this process in the jobs' leases: host, pid and a random part.
std::string instance_name();

}  // namespace sh::jobs
