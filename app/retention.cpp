#include "app/retention.hpp"

namespace sh::app {

const std::vector<RetentionRule>& retention_rules() {
    static const std::vector<RetentionRule> rules{
        {RuleId::phones,
         "phones",
         "users.phone",
         "a member's phone number, a year (privacy.keep_phone_unseen_days) after they last "
         "signed in",
         // set and removed by the member, read with their record (shown to them alone, in their
         // copy), erased on closing
         {"server/mysql/user_store.cpp"}},
        {RuleId::scans,
         "scans",
         "attendance",
         "a scan at a hall's code, 180 days (privacy.keep_scans_days) after it was made: its "
         "booking's `present` has counted it since the scan",
         // one row per person while a booking's check-in is open; the member's copy; the demo's
         // history
         {"server/mysql/attendance_records.cpp", "server/mysql/personal_store.cpp",
          "server/mysql/demo_seed.cpp"}},
        {RuleId::audit,
         "audit",
         "audit_log",
         "an audit entry (a change, or a read of someone's data), a year "
         "(privacy.keep_audit_days, never under 180 days) after it was written",
         // changes written where they are made; reads written and read back (GET /audit/reads);
         // the member's copy lists changes to their record; closing erases their snapshots
         {"server/mysql/user_store.cpp", "server/mysql/venue_store.cpp",
          "server/mysql/read_trace.cpp", "server/mysql/personal_store.cpp"}},
        {RuleId::sessions,
         "sessions",
         "sessions",
         "a session's row, 30 days (privacy.keep_sessions_days) after it expired",
         // made at sign-in, looked up by token, revoked at sign-out and closing
         {"server/mysql/user_store.cpp"}},
        {RuleId::closed_bans,
         "closed_bans",
         "closed_bans",
         "a closed account's ban, when it ends",
         // kept at closing, carried to the same WeChat user's new account at sign-in
         {"server/mysql/user_store.cpp"}},
        {RuleId::answers,
         "answers",
         "idempotency_keys",
         "a stored answer to a request with an Idempotency-Key, a day after it was made",
         // written and replayed by the booking path; erased on closing
         {"server/mysql/booking_store.cpp", "server/mysql/user_store.cpp"}},
        {RuleId::console_sign_ins,
         "console_sign_ins",
         "web_logins",
         "a console sign-in by scanning, a day after it expired",
         {"server/mysql/user_store.cpp"}},
    };
    return rules;
}

std::optional<TimePoint> Retention::cutoff(RuleId rule, TimePoint now) const {
    auto before = [&](auto period) -> std::optional<TimePoint> {
        if (period.count() <= 0) return std::nullopt;
        return now - period;
    };
    switch (rule) {
        case RuleId::phones: return before(settings_.phone_unseen);
        case RuleId::scans: return before(settings_.scans);
        case RuleId::audit: return before(settings_.audit);
        case RuleId::sessions: return before(settings_.sessions);
        case RuleId::closed_bans: return now;
        case RuleId::answers:
        case RuleId::console_sign_ins: return before(settings_.answers);
    }
    return std::nullopt;
}

awaitable<long long> Retention::run(TimePoint now) {
    long long removed = 0;
    for (const auto& rule : retention_rules()) {
        auto until = cutoff(rule.id, now);
        if (!until) continue;
        for (;;) {
            int n = co_await store_.remove(rule.id, *until, settings_.batch);
            removed += n;
            if (n < settings_.batch) break;
            // Room for everything else between two batches.
            asio::steady_timer pause(co_await asio::this_coro::executor, settings_.pause);
            co_await pause.async_wait(asio::use_awaitable);
        }
    }
    co_return removed;
}

}  // namespace sh::app
