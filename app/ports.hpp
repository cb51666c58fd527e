#pragma once
// The ports of the application layer: what a use case asks of storage, named after what the
// domain does. MySQL's are implemented in server/mysql (the source of truth), Redis's in
// server/redis (the fast path and caches); unit tests implement them in memory.
// Every port is awaited the same way: co_await port.verb(...).
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "booking/accounts.hpp"
#include "booking/book.hpp"
#include "booking/consent.hpp"
#include "booking/decisions.hpp"
#include "booking/stats.hpp"
#include "booking/venue_admin.hpp"
#include "common/asio.hpp"

namespace sh::app {

using booking::Result;
using booking::TimePoint;

// Bookings in MySQL. The work is pure domain code against the store, run on a pool thread.
class BookingDb {
  public:
    virtual ~BookingDb() = default;
    // One READ COMMITTED transaction: commits when `work` returns true, rolls back when false.
    // Deadlocks and lock-wait timeouts run `work` again (it must have no other effects).
    virtual awaitable<void> transact(std::function<bool(booking::BookingStore&)> work) = 0;
    // Plain reads outside a transaction.
    virtual awaitable<void> read(std::function<void(booking::BookingStore&)> work) = 0;
    // One booking request decided by booking::book_all in a transaction — possibly together with
    // other requests waiting at the same moment: one commit for all, each answered as if alone.
    virtual awaitable<booking::Result<booking::BookOutcome>> book(const booking::BookCall& call,
                                                                  booking::Quotas quotas) = 0;
};

// Streets, buildings, halls and closures in MySQL; the same shape as BookingDb.
class VenueDb {
  public:
    virtual ~VenueDb() = default;
    virtual awaitable<void> transact(std::function<bool(booking::VenueStore&)> work) = 0;
    virtual awaitable<void> read(std::function<void(booking::VenueStore&)> work) = 0;
};

// Users and sessions in MySQL; the same shape as BookingDb.
class UserDb {
  public:
    virtual ~UserDb() = default;
    virtual awaitable<void> transact(std::function<bool(booking::AccountStore&)> work) = 0;
    virtual awaitable<void> read(std::function<void(booking::AccountStore&)> work) = 0;
};

// Reads of other people's personal data by managers and admins, kept in the audit log beside the
// changes (who, what, when), and the reading of that trace (app/trace.hpp).
struct ReadRecord {
    TimePoint at;
    booking::UserId reader = 0;
    std::string reader_name;
    booking::Role reader_role = booking::Role::member;
    std::string action, object_type;
    std::uint64_t object_id = 0;
    nlohmann::json details;
};
struct ReadQuery {
    TimePoint from, to;
    std::optional<booking::StreetId> street;  // readers whose scope lies in this street; none: all
    int page = 1, page_size = 50;
};
class ReadTrace {
  public:
    virtual ~ReadTrace() = default;
    virtual awaitable<void> record(const booking::AuditEntry& e, TimePoint at) = 0;
    // Newest first.
    virtual awaitable<std::vector<ReadRecord>> reads(const ReadQuery& q) = 0;
};

// Consents to the privacy guide in MySQL; the same shape as BookingDb.
class ConsentDb {
  public:
    virtual ~ConsentDb() = default;
    virtual awaitable<void> transact(std::function<bool(booking::ConsentStore&)> work) = 0;
    virtual awaitable<void> read(std::function<void(booking::ConsentStore&)> work) = 0;
};

// One transaction of `db` (BookingDb, VenueDb, UserDb, ConsentDb) that commits only when the use
// case succeeds: the use case's result.
template <class T, class Db, class UseCase>
awaitable<Result<T>> transact_result(Db& db, UseCase use_case) {
    Result<T> r = booking::make_error(booking::Errc::internal);
    co_await db.transact([&](auto& store) {
        r = use_case(store);
        return r.ok();
    });
    co_return r;
}

// The session cache shared by every instance (Redis): token hash -> session, each entry written
// with a TTL no longer than the cache bound. Failures read as misses (MySQL decides).
struct CachedSession {
    booking::SessionRecord session;
    std::chrono::milliseconds left;  // until the entry expires: a copy must not outlive it
};
class SessionCache {
  public:
    virtual ~SessionCache() = default;
    virtual awaitable<std::optional<CachedSession>> find(const std::string& token_hash,
                                                         TimePoint now) = 0;
    virtual awaitable<void> store(const std::string& token_hash, const booking::SessionRecord& s,
                                  std::chrono::milliseconds ttl) = 0;
    virtual awaitable<void> drop(const std::string& token_hash) = 0;
};

// Fixed-window rate counters shared by every instance; `key` names what is counted.
class RateCounters {
  public:
    virtual ~RateCounters() = default;
    // Counts one hit: the seconds to wait when over `limit` per `window`, else nullopt (limit 0:
    // switched off).
    virtual awaitable<std::optional<int>> hit(const std::string& key, int limit,
                                              std::chrono::seconds window) = 0;
    // The same for limits hit on every request: counted locally and shared in batches.
    virtual awaitable<std::optional<int>> hit_often(const std::string& key, int limit,
                                                    std::chrono::seconds window) = 0;
    // Without counting or any remote call: the seconds to wait when `key` was refused here and
    // its window has not ended.
    virtual std::optional<int> refused_here(const std::string& key, int limit) = 0;
};

// What WeChat vouches for at sign-in.
struct WechatIdentity {
    std::string openid;
    std::optional<std::string> unionid;
};
// WeChat's server APIs the use cases need, with WeChat's errors already in the domain's terms.
class Wechat {
  public:
    virtual ~Wechat() = default;
    // code2Session: invalid_code, rate_limited, login_blocked, wechat_unavailable.
    virtual awaitable<Result<WechatIdentity>> identify(const std::string& code) = 0;
    // getuserphonenumber: invalid_phone_code, wechat_unavailable.
    virtual awaitable<Result<std::string>> phone_number(const std::string& code) = 0;
};

// WeChat's content check (msg_sec_check v2) of free text a user wrote.
enum class Verdict { pass, review, risky, unavailable };
class ContentCheck {
  public:
    virtual ~ContentCheck() = default;
    virtual awaitable<Verdict> check(const std::string& openid, const std::string& text) = 0;
};

// WeChat's mini-program code of a hall's check-in page (getwxacodeunlimit): PNG bytes.
class VenueCodes {
  public:
    virtual ~VenueCodes() = default;
    // wechat_unavailable when WeChat cannot make one now.
    virtual awaitable<Result<std::string>> png(const std::string& scene,
                                               const std::string& page) = 0;
};

// What a notice's subscribe message tells: the gateway lays it out in WeChat's fields.
struct Message {
    booking::NoticeKind kind = booking::NoticeKind::reminder;
    std::string venue;  // a booking's notice: its hall and times
    TimePoint start, end;
    std::string note;
};

// Subscribe messages (WeChat's answer in the terms the outbox acts on).
enum class SendOutcome { accepted, no_consent_left, permanent, transient };
struct Sent {
    SendOutcome outcome = SendOutcome::transient;
    long long errcode = 0;
};
class MessageSender {
  public:
    virtual ~MessageSender() = default;
    virtual awaitable<Sent> send(const std::string& openid, const std::string& template_id,
                                 const std::string& page, const Message& message) = 0;
};

// A notice due for delivery, with what its message shows.
struct OutboxItem {
    std::uint64_t id = 0;
    booking::UserId user_id = 0;
    std::string openid;
    booking::NoticeKind kind = booking::NoticeKind::reminder;
    booking::SubjectKind subject = booking::SubjectKind::booking;
    std::uint64_t subject_id = 0;
    std::string note;
    std::string venue;  // a booking's notice: its hall and times
    TimePoint start, end;
    int attempts = 0;  // including this one
};
enum class Delivery { sent, no_consent, undeliverable, failed, retry };

// The outbox in MySQL (rows written in the transactions of their events) and the consents the
// phone reported.
class Outbox {
  public:
    virtual ~Outbox() = default;
    // Up to `limit` due items, each taken for `lease`: another sender skips them meanwhile.
    virtual awaitable<std::vector<OutboxItem>> take_due(TimePoint now, int limit,
                                                        std::chrono::seconds lease) = 0;
    // Spends one consent of the user to the template; false when none is left.
    virtual awaitable<bool> spend_consent(booking::UserId user, const std::string& template_id) = 0;
    virtual awaitable<void> refund_consent(booking::UserId user,
                                           const std::string& template_id) = 0;
    // Records the outcome; `retry_at` for Delivery::retry. undeliverable also zeroes the consents.
    virtual awaitable<void> finish(const OutboxItem& item, const std::string& template_id,
                                   Delivery d, long long errcode, TimePoint now,
                                   TimePoint retry_at) = 0;
    virtual awaitable<void> add_consents(booking::UserId user,
                                         const std::vector<std::string>& template_ids, int cap) = 0;
    // The consents the user has banked, per template (templates never consented to absent).
    virtual awaitable<std::map<std::string, int>> banked_consents(booking::UserId user) = 0;
};

// A member's notices as the member's list shows them, newest first.
struct NoticeEntry {
    std::uint64_t id = 0;
    booking::NoticeKind kind = booking::NoticeKind::reminder;
    booking::SubjectKind subject = booking::SubjectKind::booking;
    std::uint64_t subject_id = 0;
    std::string note;
    TimePoint created_at;
    bool read = false;
    Delivery delivery = Delivery::retry;  // retry: not sent yet (waiting or retrying)
    // A booking's notice: its hall and times.
    std::string venue;
    std::optional<TimePoint> start, end;
};
struct NoticePage {
    std::vector<NoticeEntry> items;
    int total = 0;   // matching the filter
    int unread = 0;  // of all the member's notices
};
// A member's own copy (app/personal_data.hpp): what the database holds about one person.
struct ScanRecord {
    booking::BookingId booking_id = 0;
    std::string venue;
    TimePoint at;
};

struct AuditRecord {
    std::string action;  // set_role, confirm_membership, ...
    TimePoint at;
    bool by_self = false;  // false: a manager or an admin acted (who is theirs, not the member's)
};

// What the database holds about one person.
struct PersonalRecords {
    booking::User user;
    std::optional<std::string> unionid;
    std::vector<booking::Booking> bookings;  // every one, oldest first
    std::map<booking::VenueId, std::string> venue_names;
    std::vector<ScanRecord> scans;                   // their scans, oldest first
    std::vector<booking::ViolationView> violations;  // every one, newest first
    std::vector<AuditRecord> audit;                  // entries about them, oldest first
    std::vector<booking::Consent> consents;          // every one given, newest first
};

class PersonalStore {
  public:
    virtual ~PersonalStore() = default;
    virtual awaitable<std::optional<PersonalRecords>> records_of(booking::UserId user) = 0;
};

class NoticeBoard {
  public:
    virtual ~NoticeBoard() = default;
    virtual awaitable<NoticePage> list(booking::UserId user, bool unread_only, int offset,
                                       int limit) = 0;
    // Marks the member's notices among `ids` (all of them when `all`) read; others' ids are
    // ignored. Returns how many of the member's notices are unread after.
    virtual awaitable<int> mark_read(booking::UserId user, const std::vector<std::uint64_t>& ids,
                                     bool all, TimePoint now) = 0;
};

// The statistics' reads in MySQL.
class StatsDb {
  public:
    virtual ~StatsDb() = default;
    virtual awaitable<void> read(std::function<void(booking::StatsStore&)> work) = 0;
};

enum class Claim { claimed, taken, unavailable };

// Redis claims of 15-minute quanta under a token (advisory: MySQL decides). A claim lives until
// `now + ttl` on the service's clock.
class SlotClaims {
  public:
    virtual ~SlotClaims() = default;
    // All or nothing; a quantum already claimed under the same token is claimed again (its
    // expiry is only ever extended).
    virtual awaitable<Claim> claim(booking::VenueId venue, const std::vector<TimePoint>& quanta,
                                   const std::string& token, TimePoint now,
                                   std::chrono::milliseconds ttl) = 0;
    // Deletes the quanta still claimed under `token` (compare and delete).
    virtual awaitable<void> release(booking::VenueId venue, const std::vector<TimePoint>& quanta,
                                    const std::string& token) = 0;
    // Deletes the claims whoever holds them (after MySQL freed the quanta).
    virtual awaitable<void> clear(booking::VenueId venue, const std::vector<TimePoint>& quanta) = 0;
};

struct Hold {
    std::string id;  // "<venue>-<random>": the hall is in the id, so its keys can be found
    booking::UserId user_id = 0;
    booking::VenueId venue_id = 0;
    booking::Date date;
    int start = 0, end = 0;
    TimePoint expires_at;
};

// The claim token of a hold: a booking that confirms its own hold passes the hold's claim.
inline std::string hold_token(const std::string& hold_id) {
    return "h:" + hold_id;
}

struct HoldLimits {
    int max_per_user = 3;            // live holds of one user
    int max_per_range_per_hour = 3;  // holds of one range by one user
    std::chrono::milliseconds ttl{300'000};
};

enum class HoldPlaced { created, existing, taken, too_many, too_often, unavailable };
struct HoldOutcome {
    HoldPlaced placed = HoldPlaced::unavailable;
    Hold hold;              // created: the new hold; existing: the user's live hold of that range
    int retry_after_s = 0;  // too_often
};

// Holds in Redis: the per-user cap, the same-range answer and the re-hold limit are one atomic
// step; the quanta are claimed under the hold's token.
class HoldStore {
  public:
    virtual ~HoldStore() = default;
    // `h.id` and `h.expires_at` are filled in by the store.
    virtual awaitable<HoldOutcome> place(Hold h, const HoldLimits& limits, TimePoint now) = 0;
    // nullopt: no such live hold (expired, released, Redis lost it or is down).
    virtual awaitable<std::optional<Hold>> find(const std::string& hold_id, TimePoint now) = 0;
    // Ends a hold; release_quanta=false keeps its claim (the quanta now guard a booking).
    virtual awaitable<void> end(const Hold& h, bool release_quanta) = 0;
    // The ids of the user's live holds (none when Redis is down: they lapse by themselves).
    virtual awaitable<std::vector<std::string>> held_by(booking::UserId user, TimePoint now) = 0;
};

// The availability cache: told after every commit that changes a hall's bookings, closures or
// rules.
class VenueChanges {
  public:
    virtual ~VenueChanges() = default;
    virtual awaitable<void> changed(booking::VenueId venue) = 0;
};

// A hall's day as the cache keeps it: what depends on committed state only.
struct CachedDay {
    int slot_minutes = 0;
    int horizon_days = 0, release_minute = 0;  // when the day opens (booking::check_day_open)
    int min_notice_minutes = 0;                // slots starting sooner are shown as past
    std::vector<booking::DaySlot> slots;
};
struct DayCacheEntry {
    std::string version;           // the hall's version now (created when missing)
    std::optional<CachedDay> day;  // cached under that version, if any
    std::set<int> held;            // start minutes of quanta under a live hold
};

// The per-hall-per-day availability cache in Redis, versioned per hall: an entry is used only
// under the version it was built under, so a bump after a commit retires every cached day of
// the hall at once.
class DayCache {
  public:
    virtual ~DayCache() = default;
    // nullopt when Redis is unreachable.
    virtual awaitable<std::optional<DayCacheEntry>> read(booking::VenueId venue, booking::Date d,
                                                         TimePoint now) = 0;
    // Stores `day` only if the hall's version is still `version` (no commit since it was read).
    virtual awaitable<void> store(booking::VenueId venue, booking::Date d,
                                  const std::string& version, const CachedDay& day) = 0;
    // Moves the hall's version on; false when Redis is unreachable.
    virtual awaitable<bool> bump(booking::VenueId venue) = 0;
};

// Where jobs record their leases and the due time each last ran for (MySQL).
class JobLedger {
  public:
    virtual ~JobLedger() = default;
    // Makes sure every job has its record.
    virtual awaitable<void> declare(const std::vector<std::string>& jobs) = 0;
    // Takes the job's lease for `ttl` if nobody holds it and (unless `again`) the job has not yet
    // run for `due_ms`. nullopt: not taken. Taken: the due time it last ran for (nullopt: never).
    struct Taken {
        std::optional<long long> last_due_ms;
    };
    virtual awaitable<std::optional<Taken>> take(const std::string& job, const std::string& owner,
                                                 long long due_ms, bool again,
                                                 std::chrono::milliseconds ttl) = 0;
    // Extends a lease this owner holds; false when it no longer holds it.
    virtual awaitable<bool> renew(const std::string& job, const std::string& owner,
                                  std::chrono::milliseconds ttl) = 0;
    // Gives the lease back; `done_due_ms`: the run succeeded for that due time.
    virtual awaitable<void> release(const std::string& job, const std::string& owner,
                                    std::optional<long long> done_due_ms) = 0;
};

// The transitions time drives, as the lifecycle's use cases pick them.
enum class Due {
    undecided_started,    // pending, its start passed
    unattended,           // confirmed, not checked in by the end of its hall's check-in window
    attended_ended,       // checked in, its end passed
    reminder,             // confirmed, not reminded, starting in (now, until]
    untold_request,       // pending, not started, its approvers not yet told (or an extension
                          // waiting, its extra time not begun)
    overdue_request,      // pending (or an extension waiting), the street not told, approvers
                          // told by `now` less its hall's escalate_after_hours, or starting (the
                          // extra time beginning) by `until`
    undecided_extension,  // an extension waiting, its extra time begun
};
// Bookings in MySQL that a transition may be due for, oldest first.
class DueBookings {
  public:
    virtual ~DueBookings() = default;
    virtual awaitable<std::vector<booking::BookingId>> find(Due what, TimePoint now,
                                                            TimePoint until, int limit) = 0;
};

}  // namespace sh::app
