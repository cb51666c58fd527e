#include "server/wechat_gateway/message_layout.hpp"

#include "booking/calendar.hpp"
#include "common/utf8.hpp"

namespace sh::wechat_gateway {

using booking::NoticeKind;

namespace {

std::string_view phrase_of(NoticeKind k) {
    switch (k) {
        case NoticeKind::approved: return "已通过";
        case NoticeKind::rejected: return "未通过";
        case NoticeKind::cancelled: return "已取消";
        case NoticeKind::closure_cancelled: return "场地关闭";
        case NoticeKind::expired: return "已过期";
        case NoticeKind::reminder: return "即将开始";
        case NoticeKind::no_show: return "未签到";
        case NoticeKind::banned: return "暂停预约";
        case NoticeKind::request_waiting:
        case NoticeKind::request_overdue: return "待审批";
        case NoticeKind::appeal_filed: return "待处理申诉";
        case NoticeKind::appeal_waived: return "申诉通过";
        case NoticeKind::appeal_kept: return "申诉未通过";
        case NoticeKind::coorganiser_joined: return "协办人加入";
        case NoticeKind::extension_approved: return "加长已通过";
        case NoticeKind::extension_rejected: return "加长未通过";
        case NoticeKind::extension_expired: return "加长已过期";
    }
    return "";
}

std::string default_note(NoticeKind k) {
    switch (k) {
        case NoticeKind::approved: return "请按时到场扫码签到";
        case NoticeKind::rejected: return "管理员未通过申请";
        case NoticeKind::cancelled: return "管理员取消了预约";
        case NoticeKind::closure_cancelled: return "场地临时关闭";
        case NoticeKind::expired: return "无人审批，预约已过期";
        case NoticeKind::reminder: return "请在开始前后扫场地码签到";
        case NoticeKind::no_show: return "未按时签到，记违约一次";
        case NoticeKind::banned: return "违约过多，暂停预约";
        case NoticeKind::request_waiting: return "有预约申请等您审批";
        case NoticeKind::request_overdue: return "预约申请等待已久，请督促审批";
        case NoticeKind::appeal_filed: return "有成员对违约记录提出申诉";
        case NoticeKind::appeal_waived: return "违约记录已免除";
        case NoticeKind::appeal_kept: return "违约记录保留";
        case NoticeKind::coorganiser_joined: return "有协办人加入您的预约";
        case NoticeKind::extension_approved: return "加长的时间已归您使用";
        case NoticeKind::extension_rejected: return "加长未通过，原时间不变";
        case NoticeKind::extension_expired: return "加长无人审批，原时间不变";
    }
    return "";
}

}  // namespace

std::string fit_chars(const std::string& s, std::size_t max_chars) {
    if (utf8::prefix(s, max_chars).size() == s.size()) return s;
    if (max_chars == 0) return "";
    return std::string(utf8::prefix(s, max_chars - 1)) + "…";
}

nlohmann::json message_data(const app::Message& m) {
    using namespace booking;
    const auto kind = m.kind;
    const auto& note = m.note;
    auto from = to_local(m.start), to = to_local(m.end);
    std::string when = format_date(from.date) + " " + format_hhmm(from.minute) + "~" +
                       format_hhmm(to.date == from.date ? to.minute : 1440);
    std::string text = note.empty()                 ? default_note(kind)
                       : kind == NoticeKind::banned ? "暂停预约至" + note
                                                    : note;
    auto value = [](std::string v) { return nlohmann::json{{"value", std::move(v)}}; };
    return {{"thing1", value(fit_chars(m.venue, thing_max))},
            {"time2", value(when)},
            {"phrase3", value(fit_chars(std::string(phrase_of(kind)), phrase_max))},
            {"thing4", value(fit_chars(text, thing_max))}};
}

}  // namespace sh::wechat_gateway
