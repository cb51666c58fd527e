#include "app/notices.hpp"

namespace sh::app {

using booking::Errc;

awaitable<int> Notifier::deliver_due() {
    auto now = clock_.now();
    auto items = co_await outbox_.take_due(now, settings_.batch, settings_.lease);
    for (const auto& item : items) co_await deliver(item, now);
    co_return static_cast<int>(items.size());
}

awaitable<void> Notifier::deliver(const OutboxItem& item, TimePoint now) {
    auto t = settings_.templates.find(item.kind);
    const std::string template_id = t == settings_.templates.end() ? "" : t->second;
    if (template_id.empty() || !co_await outbox_.spend_consent(item.user_id, template_id)) {
        // No template for this kind, or the member gave no consent: nothing may be sent.
        counts_.no_consent.fetch_add(1, std::memory_order_relaxed);
        co_await outbox_.finish(item, template_id, Delivery::no_consent, 0, now, now);
        co_return;
    }
    const Message message{item.kind, item.venue, item.start, item.end, item.note};
    // A booking's notice opens the booking; any other opens the member's notices.
    std::string page = item.subject == booking::SubjectKind::booking
                           ? settings_.page + "?id=" + std::to_string(item.subject_id)
                           : settings_.notices_page;
    Sent sent = co_await sender_.send(item.openid, template_id, page, message);
    switch (sent.outcome) {
        case SendOutcome::accepted:
            counts_.sent.fetch_add(1, std::memory_order_relaxed);
            co_await outbox_.finish(item, template_id, Delivery::sent, 0, now, now);
            co_return;
        case SendOutcome::no_consent_left:  // 43101: WeChat knows better than our count
            counts_.undeliverable.fetch_add(1, std::memory_order_relaxed);
            co_await outbox_.finish(item, template_id, Delivery::undeliverable, sent.errcode, now,
                                    now);
            co_return;
        case SendOutcome::permanent:
            co_await outbox_.refund_consent(item.user_id, template_id);
            counts_.failed.fetch_add(1, std::memory_order_relaxed);
            co_await outbox_.finish(item, template_id, Delivery::failed, sent.errcode, now, now);
            co_return;
        case SendOutcome::transient: break;
    }
    co_await outbox_.refund_consent(item.user_id, template_id);  // WeChat did not take it
    if (item.attempts >= settings_.max_attempts) {
        counts_.failed.fetch_add(1, std::memory_order_relaxed);
        co_await outbox_.finish(item, template_id, Delivery::failed, sent.errcode, now, now);
        co_return;
    }
    counts_.retried.fetch_add(1, std::memory_order_relaxed);
    auto delay = settings_.first_retry * (1 << std::min(item.attempts - 1, 10));
    co_await outbox_.finish(item, template_id, Delivery::retry, sent.errcode, now, now + delay);
}

awaitable<Result<bool>> Notifier::add_consents(const booking::Principal& me,
                                               const std::vector<std::string>& template_ids) {
    for (const auto& id : template_ids) {
        bool known = false;
        for (const auto& [kind, t] : settings_.templates) known = known || t == id;
        if (!known) co_return booking::invalid_field("template_ids", "unknown template " + id);
    }
    co_await outbox_.add_consents(me.user_id, template_ids, settings_.max_consents);
    co_return true;
}

awaitable<std::map<std::string, int>> Notifier::banked(const booking::Principal& me) {
    auto have = co_await outbox_.banked_consents(me.user_id);
    std::map<std::string, int> out;
    for (const auto& [kind, t] : settings_.templates) out[t] = have.count(t) ? have.at(t) : 0;
    co_return out;
}

awaitable<Result<NoticePage>> NoticeList::mine(const booking::Principal& me, const NoticeQuery& q) {
    if (q.page_size < 1 || q.page_size > max_page_size)
        co_return booking::invalid_field("page_size",
                                         "must be between 1 and " + std::to_string(max_page_size));
    if (q.page < 1) co_return booking::invalid_field("page", "must be 1 or more");
    co_return co_await board_.list(me.user_id, q.unread_only, (q.page - 1) * q.page_size,
                                   q.page_size);
}

awaitable<Result<int>> NoticeList::mark_read(const booking::Principal& me,
                                             const std::vector<std::uint64_t>& ids, bool all) {
    if (!all && (ids.empty() || ids.size() > 100))
        co_return booking::invalid_field("ids", "must name 1 to 100 notices, or all");
    co_return co_await board_.mark_read(me.user_id, ids, all, clock_.now());
}

}  // namespace sh::app
