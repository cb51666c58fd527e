#pragma once
// app::Outbox in MySQL: due rows are taken with FOR UPDATE SKIP LOCKED and a lease, so two
// senders (two instances) never take the same row.
#include "app/ports.hpp"
#include "server/mysql/database.hpp"

namespace sh::mysql {

class Outbox final : public app::Outbox {
public:
    explicit Outbox(Database& db) : db_(db) {}
    awaitable<std::vector<app::OutboxItem>> take_due(booking::TimePoint now, int limit, std::chrono::seconds lease) override;
    awaitable<bool> spend_consent(booking::UserId user, const std::string& template_id) override;
    awaitable<void> refund_consent(booking::UserId user, const std::string& template_id) override;
    awaitable<void> finish(const app::OutboxItem& item, const std::string& template_id, app::Delivery d,
                           long long errcode, booking::TimePoint now, booking::TimePoint retry_at) override;
    awaitable<void> add_consents(booking::UserId user, const std::vector<std::string>& template_ids, int cap) override;

private:
    Database& db_;
};

}  // namespace sh::mysql
