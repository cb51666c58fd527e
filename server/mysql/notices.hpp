#pragma once
// The notices table in MySQL, two ways: app::Outbox delivers them (due rows are taken with FOR
// UPDATE SKIP LOCKED and a lease, so two senders never take the same row); app::NoticeBoard
// lists them to their recipient.
#include "app/ports.hpp"
#include "server/mysql/database.hpp"

namespace sh::mysql {

class Outbox final : public app::Outbox {
  public:
    explicit Outbox(Database& db) : db_(db) {}
    awaitable<std::vector<app::OutboxItem>> take_due(booking::TimePoint now, int limit,
                                                     std::chrono::seconds lease) override;
    awaitable<bool> spend_consent(booking::UserId user, const std::string& template_id) override;
    awaitable<void> refund_consent(booking::UserId user, const std::string& template_id) override;
    awaitable<void> finish(const app::OutboxItem& item, const std::string& template_id,
                           app::Delivery d, long long errcode, booking::TimePoint now,
                           booking::TimePoint retry_at) override;
    awaitable<std::map<std::string, int>> banked_consents(booking::UserId user) override;
    awaitable<void> add_consents(booking::UserId user, const std::vector<std::string>& template_ids,
                                 int cap) override;

  private:
    Database& db_;
};

class NoticeBoard final : public app::NoticeBoard {
  public:
    explicit NoticeBoard(Database& db) : db_(db) {}
    awaitable<app::NoticePage> list(booking::UserId user, bool unread_only, int offset,
                                    int limit) override;
    awaitable<int> mark_read(booking::UserId user, const std::vector<std::uint64_t>& ids, bool all,
                             booking::TimePoint now) override;

  private:
    Database& db_;
};

}  // namespace sh::mysql
