#pragma once
// Notices: what a member is told, about what, and the key that makes an event told once.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "booking/identity.hpp"

namespace sh::booking {

// Events a member is told about: a notice, written in the event's transaction, listed in the
// member's notices and delivered by WeChat where the member gave consent.
enum class NoticeKind {
    approved,
    rejected,
    cancelled,
    closure_cancelled,
    expired,
    reminder,
    no_show,
    banned,
    request_waiting,     // to a request's approvers: someone waits for their decision
    request_overdue,     // to the street's admins: a request waited long, or its start is near
    appeal_filed,        // to the street's admins: a member appealed a violation
    appeal_waived,       // to the member: their appeal was upheld, the violation waived
    appeal_kept,         // to the member: the violation stays (note: the admin's reason)
    coorganiser_joined,  // to a booking's owner: a member took their invitation (note: the name)
    extension_approved,  // to the owner: the more time they asked for is theirs
    extension_rejected,  // ... was refused (note: the reason); the booking keeps its time
    extension_expired    // ... was not decided before it began; the booking keeps its time
};
std::string_view notice_name(NoticeKind k);
std::optional<NoticeKind> parse_notice(std::string_view s);
// What a notice is about: a booking today; later a series, an activity, a waitlist entry, the
// member.
enum class SubjectKind { booking, member };
std::string_view subject_name(SubjectKind k);
std::optional<SubjectKind> parse_subject(std::string_view s);
struct Notice {
    UserId user_id = 0;  // the recipient
    NoticeKind kind = NoticeKind::reminder;
    SubjectKind subject = SubjectKind::booking;
    std::uint64_t subject_id = 0;
    std::string note;  // a reason, or the end of a ban
    // One notice per recipient and key: an event told twice (two instances, a retried job) is
    // one notice; a second offer of the same thing takes a key of its own.
    std::string key;

    // The notice of something that happens once to a booking: keyed "<kind>:booking:<id>".
    static Notice about_booking(UserId user, NoticeKind kind, BookingId id, std::string note = {});
    // Of an extension of a booking (a booking may ask more than one over its life): keyed
    // "<kind>:booking:<id>:extension:<when it was asked, seconds>".
    static Notice about_extension(UserId user, NoticeKind kind, BookingId id, TimePoint asked_at,
                                  std::string note = {});
};

}  // namespace sh::booking
