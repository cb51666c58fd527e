#include "booking/notice.hpp"

#include "common/names.hpp"

namespace sh::booking {

namespace {
constexpr NameTable notice_kinds{
    std::pair{NoticeKind::approved, std::string_view("approved")},
    std::pair{NoticeKind::rejected, std::string_view("rejected")},
    std::pair{NoticeKind::cancelled, std::string_view("cancelled")},
    std::pair{NoticeKind::closure_cancelled, std::string_view("closure_cancelled")},
    std::pair{NoticeKind::expired, std::string_view("expired")},
    std::pair{NoticeKind::reminder, std::string_view("reminder")},
    std::pair{NoticeKind::no_show, std::string_view("no_show")},
    std::pair{NoticeKind::banned, std::string_view("banned")},
    std::pair{NoticeKind::request_waiting, std::string_view("request_waiting")},
    std::pair{NoticeKind::request_overdue, std::string_view("request_overdue")},
    std::pair{NoticeKind::appeal_filed, std::string_view("appeal_filed")},
    std::pair{NoticeKind::appeal_waived, std::string_view("appeal_waived")},
    std::pair{NoticeKind::appeal_kept, std::string_view("appeal_kept")},
    std::pair{NoticeKind::coorganiser_joined, std::string_view("coorganiser_joined")},
    std::pair{NoticeKind::extension_approved, std::string_view("extension_approved")},
    std::pair{NoticeKind::extension_rejected, std::string_view("extension_rejected")},
    std::pair{NoticeKind::extension_expired, std::string_view("extension_expired")}};
constexpr NameTable subject_kinds{std::pair{SubjectKind::booking, std::string_view("booking")},
                                  std::pair{SubjectKind::member, std::string_view("member")}};
}  // namespace

std::string_view notice_name(NoticeKind k) {
    return notice_kinds.name(k);
}
std::optional<NoticeKind> parse_notice(std::string_view s) {
    return notice_kinds.parse(s);
}
std::string_view subject_name(SubjectKind k) {
    return subject_kinds.name(k);
}
std::optional<SubjectKind> parse_subject(std::string_view s) {
    return subject_kinds.parse(s);
}

Notice Notice::about_booking(UserId user, NoticeKind kind, BookingId id, std::string note) {
    return Notice{user,
                  kind,
                  SubjectKind::booking,
                  id,
                  std::move(note),
                  std::string(notice_name(kind)) + ":booking:" + std::to_string(id)};
}

Notice Notice::about_extension(UserId user, NoticeKind kind, BookingId id, TimePoint asked_at,
                               std::string note) {
    auto n = about_booking(user, kind, id, std::move(note));
    n.key +=
        ":extension:" +
        std::to_string(
            std::chrono::duration_cast<std::chrono::seconds>(asked_at.time_since_epoch()).count());
    return n;
}

}  // namespace sh::booking
