#pragma once
// Delivering the outbox: each notice once, through a subscribe message, spending one of the
// member's consents to its template. Transient failures are retried with doubling delays; a
// member without consent, or WeChat's 43101, ends it; every outcome is recorded.
//
// Delivery is at least once: a notice is recorded sent as soon as WeChat accepts it; only a
// crash between WeChat's answer and that write (one statement) can send it again, after the
// lease on it ends.
#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "app/ports.hpp"
#include "booking/clock.hpp"

namespace sh::app {

struct NoticeSettings {
    std::map<booking::NoticeKind, std::string> templates;  // the template of each kind
    std::string page = "pages/booking/detail";             // opened with ?id=<booking>
    std::string notices_page = "pages/notices/index";      // a notice about anything else
    int max_attempts = 6;
    std::chrono::seconds first_retry{30};  // then 60, 120, ...
    std::chrono::seconds lease{60};
    int batch = 20;
    int max_consents = 50;  // consents kept per template
};

struct DeliveryCounts {
    std::atomic<std::uint64_t> sent{0}, no_consent{0}, undeliverable{0}, failed{0}, retried{0};
};

class Notifier {
  public:
    Notifier(Outbox& outbox, MessageSender& sender, const booking::Clock& clock,
             NoticeSettings settings)
        : outbox_(outbox), sender_(sender), clock_(clock), settings_(std::move(settings)) {}

    // Delivers what is due now; returns how many items it took.
    awaitable<int> deliver_due();
    // POST /me/subscriptions: the consents the phone reported. validation for a template we do
    // not send.
    awaitable<Result<bool>> add_consents(const booking::Principal& me,
                                         const std::vector<std::string>& template_ids);
    // How many messages of each template we send may still reach the member (0 for none):
    // what the phone shows beside the button that asks for more.
    awaitable<std::map<std::string, int>> banked(const booking::Principal& me);

    const DeliveryCounts& counts() const { return counts_; }

  private:
    awaitable<void> deliver(const OutboxItem& item, TimePoint now);

    Outbox& outbox_;
    MessageSender& sender_;
    const booking::Clock& clock_;
    NoticeSettings settings_;
    DeliveryCounts counts_;
};

// The in-app list of a member's notices: every notice, whether or not WeChat could deliver it.
struct NoticeQuery {
    bool unread_only = false;
    int page = 1;
    int page_size = 20;
};
class NoticeList {
  public:
    explicit NoticeList(NoticeBoard& board, const booking::Clock& clock)
        : board_(board), clock_(clock) {}
    static constexpr int max_page_size = 50;
    // validation for a page size outside 1..max_page_size.
    awaitable<Result<NoticePage>> mine(const booking::Principal& me, const NoticeQuery& q);
    // Marks notices read (`ids`: 1..100 of them, or `all`): the number still unread.
    awaitable<Result<int>> mark_read(const booking::Principal& me,
                                     const std::vector<std::uint64_t>& ids, bool all);

  private:
    NoticeBoard& board_;
    const booking::Clock& clock_;
};

}  // namespace sh::app
