#pragma once
// Time-driven work, run inside the server on Asio timers (nothing depends on cron). Each job is
// an idempotent SQL state transition, run by one instance at a time under a Redis lease — and
// still safe when two run (Redis down, or a lease that outlived its holder).
#include <chrono>
#include <set>

#include "booking/venue.hpp"
#include "server/api/services.hpp"

namespace sh::jobs {

struct JobCounters {
    std::atomic<std::uint64_t> runs{0};
    std::atomic<std::uint64_t> expired_bookings{0};
    std::atomic<std::uint64_t> purged_keys{0};
};

// Runs until the io_context stops: every `interval`, each job once (under its lease).
awaitable<void> run_jobs(api::Services& svc, std::chrono::milliseconds interval, JobCounters& counters);

}  // namespace sh::jobs
