// The retention job's use case: every rule whose period is set, batch after batch until a batch
// comes back short, each at its own cutoff; a rule set to 0 never runs.
#include <doctest/doctest.h>

#include <map>
#include <vector>

#include "app/retention.hpp"
#include "tests/support/sync.hpp"

using namespace sh;
using namespace std::chrono_literals;
using app::RuleId;

namespace {

// Rows waiting per rule; each call removes up to a batch of them and records its cutoff.
struct FakeRetention final : app::RetentionStore {
    std::map<RuleId, int> waiting;
    std::vector<std::pair<RuleId, booking::TimePoint>> calls;
    awaitable<int> remove(RuleId rule, booking::TimePoint cutoff, int batch) override {
        calls.push_back({rule, cutoff});
        int n = std::min(waiting[rule], batch);
        waiting[rule] -= n;
        co_return n;
    }
};

const booking::TimePoint now = booking::TimePoint(std::chrono::hours(24 * 20000));

}  // namespace

TEST_CASE("a retention run removes in batches until a batch comes back short, rule by rule") {
    FakeRetention store;
    store.waiting = {{RuleId::scans, 1200}, {RuleId::audit, 3}};
    app::RetentionSettings settings;
    settings.batch = 500;
    settings.pause = 0ms;
    app::Retention retention(store, settings);
    CHECK(test::sync_await(retention.run(now)) == 1203);
    CHECK(store.waiting[RuleId::scans] == 0);
    int scan_calls = 0;
    for (const auto& [rule, cutoff] : store.calls)
        if (rule == RuleId::scans) {
            ++scan_calls;
            CHECK(cutoff == now - std::chrono::days(180));
        }
    CHECK(scan_calls == 3);  // 500, 500, 200
    CHECK(store.calls.size() == app::retention_rules().size() + 2);
    // A second run finds nothing: one short batch per rule.
    store.calls.clear();
    CHECK(test::sync_await(retention.run(now)) == 0);
    CHECK(store.calls.size() == app::retention_rules().size());
}

TEST_CASE("each rule's cutoff is its period before now; a period of 0 keeps the rows") {
    FakeRetention store;
    app::RetentionSettings settings;
    settings.scans = std::chrono::days(0);
    app::Retention retention(store, settings);
    CHECK(retention.cutoff(RuleId::phones, now) == now - std::chrono::days(365));
    CHECK(retention.cutoff(RuleId::audit, now) == now - std::chrono::days(365));
    CHECK(retention.cutoff(RuleId::sessions, now) == now - std::chrono::days(30));
    CHECK(retention.cutoff(RuleId::closed_bans, now) == now);
    CHECK(retention.cutoff(RuleId::answers, now) == now - 24h);
    CHECK_FALSE(retention.cutoff(RuleId::scans, now));
    test::sync_await(retention.run(now));
    for (const auto& [rule, cutoff] : store.calls) CHECK(rule != RuleId::scans);
}
