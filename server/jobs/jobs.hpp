#pragma once
// Time-driven work, run inside the server on Asio timers (nothing depends on cron). Each job is
// an idempotent SQL state transition, run by one instance at a time under a Redis lease — and
// still safe when two run (Redis down, or a lease that outlived its holder).
#include <chrono>
#include <set>

#include "booking/venue.hpp"
#include "server/api/services.hpp"
#include "server/mysql/lifecycle.hpp"

namespace sh::jobs {

struct JobCounters {
    std::atomic<std::uint64_t> runs{0};
    std::atomic<std::uint64_t> expired_bookings{0};
    std::atomic<std::uint64_t> no_shows{0};
    std::atomic<std::uint64_t> completed{0};
    std::atomic<std::uint64_t> reminded{0};
    std::atomic<std::uint64_t> purged_keys{0};
};

struct JobSettings {
    std::chrono::milliseconds interval{10'000};
    mysql::RoundSettings round;
};

// Runs until the io_context stops: every interval, the lifecycle round once (under the lease),
// then the outbox's due notices (every instance: each notice is taken by one sender).
awaitable<void> run_jobs(api::Services& svc, JobSettings settings, JobCounters& counters);

}  // namespace sh::jobs
