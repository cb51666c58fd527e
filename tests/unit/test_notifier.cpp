// Delivering the outbox (app/notices.cpp) over an in-memory outbox and sender: one consent per
// message, 43101 ends retries, transient failures back off, every outcome recorded.
#include <doctest/doctest.h>

#include <map>

#include "app/notices.hpp"
#include "tests/support/sync.hpp"

using namespace sh;
using namespace sh::booking;
using namespace std::chrono_literals;

namespace {

struct MemoryOutbox final : app::Outbox {
    struct Row {
        app::OutboxItem item;
        std::string status = "pending";
        TimePoint due;
        std::optional<TimePoint> locked_until;
        long long errcode = 0;
    };
    std::vector<Row> rows;
    std::map<std::pair<UserId, std::string>, int> consents;

    awaitable<std::vector<app::OutboxItem>> take_due(TimePoint now, int limit,
                                                     std::chrono::seconds lease) override {
        std::vector<app::OutboxItem> out;
        for (auto& r : rows) {
            if (static_cast<int>(out.size()) == limit) break;
            if (r.status != "pending" || r.due > now || (r.locked_until && *r.locked_until > now))
                continue;
            r.locked_until = now + lease;
            ++r.item.attempts;
            out.push_back(r.item);
        }
        co_return out;
    }
    awaitable<bool> spend_consent(UserId u, const std::string& t) override {
        auto& c = consents[{u, t}];
        if (c == 0) co_return false;
        --c;
        co_return true;
    }
    awaitable<void> refund_consent(UserId u, const std::string& t) override {
        ++consents[{u, t}];
        co_return;
    }
    awaitable<void> finish(const app::OutboxItem& item, const std::string& t, app::Delivery d,
                           long long errcode, TimePoint, TimePoint retry_at) override {
        auto& r = rows.at(item.id - 1);
        r.locked_until.reset();
        r.errcode = errcode;
        switch (d) {
            case app::Delivery::sent: r.status = "sent"; break;
            case app::Delivery::no_consent: r.status = "no_consent"; break;
            case app::Delivery::undeliverable:
                r.status = "undeliverable";
                consents[{item.user_id, t}] = 0;
                break;
            case app::Delivery::failed: r.status = "failed"; break;
            case app::Delivery::retry: r.due = retry_at; break;
        }
        co_return;
    }
    awaitable<std::map<std::string, int>> banked_consents(UserId u) override {
        std::map<std::string, int> out;
        for (const auto& [key, n] : consents)
            if (key.first == u) out[key.second] = n;
        co_return out;
    }
    awaitable<void> add_consents(UserId u, const std::vector<std::string>& ts, int cap) override {
        for (const auto& t : ts) consents[{u, t}] = std::min(cap, consents[{u, t}] + 1);
        co_return;
    }
    void add(UserId user, NoticeKind kind, TimePoint now) {
        app::OutboxItem it;
        it.id = rows.size() + 1;
        it.user_id = user;
        it.openid = "openid-" + std::to_string(user);
        it.kind = kind;
        it.subject_id = 100 + it.id;
        it.venue = "新城大厦多功能厅";
        it.start = now + 24h;
        it.end = now + 25h;
        rows.push_back(Row{it, "pending", now, std::nullopt, 0});
    }
};

struct ScriptedSender final : app::MessageSender {
    std::vector<app::Sent> script;  // answers in order; then accepted
    std::vector<nlohmann::json> sent;
    awaitable<app::Sent> send(const std::string& openid, const std::string& t,
                              const std::string& page, const app::Message& m) override {
        sent.push_back({{"touser", openid},
                        {"template_id", t},
                        {"page", page},
                        {"kind", booking::notice_name(m.kind)}});
        if (script.empty()) co_return app::Sent{app::SendOutcome::accepted, 0};
        auto s = script.front();
        script.erase(script.begin());
        co_return s;
    }
};

struct Post {
    ManualClock clock{TimePoint(std::chrono::seconds(1'900'000'000))};
    MemoryOutbox outbox;
    ScriptedSender sender;
    app::Notifier notifier{outbox, sender, clock, settings()};
    static app::NoticeSettings settings() {
        app::NoticeSettings s;
        s.templates = {{NoticeKind::approved, "T-RESULT"}, {NoticeKind::reminder, "T-REMIND"}};
        s.max_attempts = 3;
        s.first_retry = 30s;
        return s;
    }
    int deliver() { return test::sync_await(notifier.deliver_due()); }
};

}  // namespace

TEST_CASE("a notice goes out once, spending one consent; without consent nothing is sent") {
    Post p;
    p.outbox.consents[{1, "T-RESULT"}] = 1;
    p.outbox.add(1, NoticeKind::approved, p.clock.now());
    p.outbox.add(1, NoticeKind::approved,
                 p.clock.now());                         // a second notice: no consent left for it
    p.outbox.add(2, NoticeKind::banned, p.clock.now());  // a kind with no template
    CHECK(p.deliver() == 3);
    CHECK(p.outbox.rows[0].status == "sent");
    CHECK(p.outbox.rows[1].status == "no_consent");
    CHECK(p.outbox.rows[2].status == "no_consent");
    REQUIRE(p.sender.sent.size() == 1);
    CHECK(p.sender.sent[0]["template_id"] == "T-RESULT");
    CHECK(p.sender.sent[0]["page"] == "pages/booking/detail?id=101");
    CHECK(p.sender.sent[0]["kind"] == "approved");
    CHECK(p.deliver() == 0);  // nothing is sent twice
}

TEST_CASE("43101 (no subscription left) ends a notice at once and is never retried") {
    Post p;
    p.outbox.consents[{1, "T-RESULT"}] = 5;
    p.sender.script = {app::Sent{app::SendOutcome::no_consent_left, 43101}};
    p.outbox.add(1, NoticeKind::approved, p.clock.now());
    p.deliver();
    CHECK(p.outbox.rows[0].status == "undeliverable");
    CHECK(p.outbox.rows[0].errcode == 43101);
    CHECK(p.outbox.consents[{1, "T-RESULT"}] == 0);  // WeChat knows better than our count
    p.clock.advance(3600s);
    CHECK(p.deliver() == 0);
    CHECK(p.sender.sent.size() == 1);
}

TEST_CASE(
    "transient failures are retried after 30 s, then 60 s, and given up after the last attempt; "
    "consents come back") {
    Post p;
    p.outbox.consents[{1, "T-REMIND"}] = 1;
    app::Sent busy{app::SendOutcome::transient, -1};
    p.sender.script = {busy, busy, busy};
    p.outbox.add(1, NoticeKind::reminder, p.clock.now());
    CHECK(p.deliver() == 1);
    CHECK(p.outbox.rows[0].status == "pending");
    CHECK(p.outbox.consents[{1, "T-REMIND"}] == 1);  // refunded: WeChat did not take it
    p.clock.advance(29s);
    CHECK(p.deliver() == 0);  // not yet
    p.clock.advance(1s);
    CHECK(p.deliver() == 1);  // the second attempt
    p.clock.advance(59s);
    CHECK(p.deliver() == 0);
    p.clock.advance(1s);
    CHECK(p.deliver() == 1);  // the third and last
    CHECK(p.outbox.rows[0].status == "failed");
    CHECK(p.sender.sent.size() == 3);
}

TEST_CASE("a notice taken by one sender is not taken by another until its lease ends") {
    Post p;
    p.outbox.consents[{1, "T-RESULT"}] = 2;
    p.outbox.add(1, NoticeKind::approved, p.clock.now());
    auto taken =
        test::sync_await(p.outbox.take_due(p.clock.now(), 10, 60s));  // a sender that then died
    REQUIRE(taken.size() == 1);
    CHECK(p.deliver() == 0);
    p.clock.advance(61s);
    CHECK(p.deliver() == 1);  // delivered after the lease: at least once
    CHECK(p.outbox.rows[0].status == "sent");
}

TEST_CASE("consents are recorded only for templates we send") {
    Post p;
    Principal me{1, Role::member, {}, {}};
    CHECK(test::sync_await(p.notifier.add_consents(me, {"T-RESULT", "T-REMIND"})).ok());
    CHECK(p.outbox.consents[{1, "T-RESULT"}] == 1);
    auto bad = test::sync_await(p.notifier.add_consents(me, {"T-UNKNOWN"}));
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == Errc::validation);
}

TEST_CASE("the phone learns how many messages of each template may still reach the member") {
    Post p;
    Principal me{1, Role::member, {}, {}};
    REQUIRE(
        test::sync_await(p.notifier.add_consents(me, {"T-RESULT", "T-RESULT", "T-REMIND"})).ok());
    auto banked = test::sync_await(p.notifier.banked(me));
    CHECK(banked["T-RESULT"] == 2);
    CHECK(banked["T-REMIND"] == 1);
    CHECK(banked.size() == 2);  // every template we send, 0 when none
}
