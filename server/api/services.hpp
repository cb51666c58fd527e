#pragma once
#include <atomic>
// Everything a handler may use, built once by main (the composition root) and passed down.
#include "app/accounts.hpp"
#include "app/alliance.hpp"
#include "app/availability.hpp"
#include "app/bookings.hpp"
#include "app/closing.hpp"
#include "app/console.hpp"
#include "app/notices.hpp"
#include "app/personal_data.hpp"
#include "app/privacy.hpp"
#include "app/scheduler.hpp"
#include "app/stats.hpp"
#include "app/trace.hpp"
#include "app/venues.hpp"
#include "booking/clock.hpp"
#include "config/app_config.hpp"
#include "server/api/auth.hpp"
#include "server/http/metrics.hpp"
#include "server/http/router.hpp"
#include "server/mysql/database.hpp"
#include "server/redis/redis_client.hpp"

namespace sh::api {

// The use cases, and what operations (readiness, metrics) and the jobs look at directly.
struct Services {
    const config::AppConfig& cfg;
    const booking::Clock& clock;
    mysql::Database& db;
    redis::Client& redis;
    http::Metrics& metrics;
    Auth& auth;
    app::AccountService& accounts;
    app::AllianceService& alliance;
    app::AvailabilityService& availability;
    app::VenueService& venues;
    app::BookingService& bookings;
    app::Notifier& notifier;
    app::NoticeList& notices;
    app::StatsService& stats;
    app::ConsoleSignIn& console;
    app::PersonalData& personal;
    app::Consents& consents;
    app::AccountClosing& closing;
    app::AccessTrace& trace;
    booking::ShiftedClock* test_clock = nullptr;  // only in a test configuration: POST /test/clock
    mysql::Database* read_db = nullptr;           // the statistics' read pool, when configured
    app::Scheduler* scheduler = nullptr;          // the timed work (a test runs a job on demand)
};

// The full routing table of the service: one place lists every route (routes.cpp).
http::Router make_router(Services& services);

// Adds the pools' and Redis' gauges to the metrics output.
void register_metric_sources(Services& services);

}  // namespace sh::api
