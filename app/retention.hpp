#pragma once
// Keeping nothing longer than its purpose needs (个人信息保护法 第十九条), and network logs at
// least six months (网络安全法 第二十一条): the retention rules, applied by the scheduler's
// `retention` job in small batches.
//
// Each rule names the table it removes from, what goes after how long, and every part of the
// code that uses that table (`used_by`): the data map's test (integration_data_map) fails when
// SQL elsewhere names the table, so a later feature that reads scans (crediting attendance to
// members, say) cannot start reading rows a rule written now deletes without that rule being
// looked at again. Nothing the statistics or the ledger read is removed: they count bookings,
// whose `present` is the scans' count kept in the scan's own transaction.
//
// A run takes each rule in turn, a batch (one short statement, its own transaction) at a time,
// with a pause between batches, so that it never holds the database from other timed work or
// from bookings; the scheduler runs each job on its own, so a long run delays nothing else.
//
// Its port is app/retention_store.hpp, a header of its own rather than a part of app/ports.hpp,
// which most of the code includes.
#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "app/retention_store.hpp"

namespace sh::app {

// How long each kind of row is kept; zero: kept (the rule does not run).
struct RetentionSettings {
    std::chrono::days phone_unseen{365};  // a member's phone, after a year without signing in
    std::chrono::days scans{180};         // raw scans, after their count is the booking's
    std::chrono::days audit{365};         // never below 180 days (the configuration refuses)
    std::chrono::days sessions{30};       // expired sessions' rows
    std::chrono::hours answers{24};       // stored idempotent answers; console sign-ins
    int batch = 500;
    std::chrono::milliseconds pause{20};
};

struct RetentionRule {
    RuleId id;
    std::string_view name;     // as the job's log and the data map say it
    std::string_view table;    // where rows (or, for phones, a column) go
    std::string_view removes;  // what, after how long, in words
    // Every source file whose SQL names the table, besides its schema (migrations) and this
    // rule's own store: what reads or writes the rows, and why the rule may remove them.
    std::vector<std::string_view> used_by;
};

const std::vector<RetentionRule>& retention_rules();

class Retention {
  public:
    Retention(RetentionStore& store, RetentionSettings settings)
        : store_(store), settings_(settings) {}

    // Every rule whose period is set, in the order listed, until nothing it lets go is left;
    // returns how many rows (or numbers) went.
    awaitable<long long> run(TimePoint now);

    // When `rule` lets a row go at `now` (nullopt: the rule is off).
    std::optional<TimePoint> cutoff(RuleId rule, TimePoint now) const;

  private:
    RetentionStore& store_;
    RetentionSettings settings_;
};

}  // namespace sh::app
