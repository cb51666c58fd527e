#include "server/http/errors.hpp"

#include <utility>

namespace sh::http {

namespace {

// Every code the server can answer: its status, and the plain Chinese sentence a member or the
// street office reads (with what to do next, where that helps). `message` in an error body stays
// English, for developers.
struct Row {
    std::string_view code;
    int status;
    std::string_view zh;
};

constexpr Row table[] = {
    {"bad_request", 400, "请求格式不对，请更新小程序后再试。"},
    {"bad_json", 400, "提交的内容格式不对，请更新小程序后再试。"},
    {"validation", 422, "填写的内容有误，请检查标出的那一项。"},
    {"unauthorized", 401, "请先登录。"},
    {"invalid_code", 401, "登录已失效，请重新进入小程序。"},
    {"forbidden", 403, "您没有这项操作的权限。"},
    {"self_approval", 403, "自己的申请需要由其他管理员审批。"},
    {"not_found", 404, "没有找到，可能已被删除。"},
    {"method_not_allowed", 405, "不支持这项操作。"},
    {"conflict", 409, "情况已经变化，请刷新后再试。"},
    {"conflicts_with_bookings", 409, "这段时间已有预约，请先处理这些预约。"},
    {"slot_taken", 409, "这个时段刚被别人订了，请换一个时段。"},
    {"idempotency_mismatch", 422, "这次提交与上一次不一致，请重新填写后提交。"},
    {"too_many_holds", 429, "您暂时占用的时段太多了，请先完成或释放。"},
    {"outside_opening_hours", 422, "场地在这段时间不开放，请选开放时间内的时段。"},
    {"closed", 422, "场地这段时间暂停开放，请换一个时间。"},
    {"not_yet_open", 422, "这一天还没开放预约，请到开放时间再来。"},
    {"beyond_horizon", 422, "只能预约近期的日子，请选近一点的日期。"},
    {"in_past", 422, "这个时间已经过去了，请选以后的时段。"},
    {"misaligned", 422, "开始和结束时间要对齐场地的时段，请重新选择。"},
    {"bad_duration", 422, "预约时长太短或太长，请调整时长。"},
    {"over_capacity", 422, "人数超过了场地容量，请减少人数或换个大场地。"},
    {"quota_exceeded", 403, "您的预约已到上限，请先完成或取消已有预约。"},
    {"banned", 403, "因多次违约，暂停预约，到期后自动恢复。"},
    {"not_open_to_you", 403,
     "这个场地只对本街道或指定单位的党员开放，请选别的场地，或联系场地管理员。"},
    {"notice_too_short", 422, "这个场地要提前预约，离开始太近了，请选晚一些的时间。"},
    {"too_late_to_cancel", 422, "已过取消时间，如需取消请联系场地管理员。"},
    {"too_late_to_appeal", 422, "违约记录满7天后不能再申诉。"},
    {"invalid_state", 409, "这条预约现在不能这样改动，请刷新后查看。"},
    {"coorganisers_full", 409, "这条预约已经有两位协办人了，请预约人先移除一位。"},
    {"change_needs_approval", 409,
     "这个场地需要审批：已确认的预约可以申请加长，但不能改到别的时间，请另约一段时间。"},
    {"wrong_venue", 422, "这是另一个场地的签到码，请扫本场地的码。"},
    {"checkin_window_closed", 422, "现在不在签到时间内，请在开始前后签到。"},
    {"no_running_booking", 409, "这个场地现在没有进行中的活动。"},
    {"content_rejected", 422, "用途的描述未通过审核，请换一种说法。"},
    {"payload_too_large", 413, "提交的内容太大了。"},
    {"headers_too_large", 431, "请求太大了，请重新进入小程序。"},
    {"rate_limited", 429, "操作太频繁了，请稍等一会儿再试。"},
    {"login_blocked", 403, "微信暂不允许这个账号登录。"},
    {"invalid_phone_code", 422, "手机号获取失败，请重新授权。"},
    {"invitation_used", 409, "这个邀请码已经有人用过了，请向邀请人要一个新的。"},
    {"invitation_expired", 410, "这个邀请码已过期，请向邀请人要一个新的。"},
    {"consent_required", 403, "请先阅读并同意《共享空厅用户隐私保护指引》，再继续操作。"},
    {"policy_changed", 409, "隐私保护指引已更新，请阅读新的版本后再同意。"},
    {"role_held", 409, "您还担任管理职务，请先把职务交给别人，再注销账号。"},
    {"internal", 500, "系统出了点问题，请稍后再试。"},
    {"busy", 503, "现在人比较多，请稍后再试。"},
    {"db_unavailable", 503, "系统暂时不可用，请稍后再试。"},
    {"redis_unavailable", 503, "这项功能暂时不可用，请稍后再试。"},
    {"wechat_unavailable", 503, "微信服务暂时不可用，请稍后再试。"},
    {"shutting_down", 503, "系统正在维护，请稍后再试。"},
    {"too_many_connections", 503, "现在人比较多，请稍后再试。"},
};

}  // namespace

int status_of(std::string_view code) {
    for (const auto& r : table)
        if (r.code == code) return r.status;
    return 500;
}

std::string_view chinese_of(std::string_view code) {
    for (const auto& r : table)
        if (r.code == code) return r.zh;
    return chinese_of("internal");
}

std::vector<std::string_view> known_codes() {
    std::vector<std::string_view> out;
    for (const auto& r : table) out.push_back(r.code);
    return out;
}

Failure transport_failure(std::string_view code) {
    static const std::pair<std::string_view, std::string_view> messages[] = {
        {"bad_request", "The request is malformed."},
        {"bad_json", "The body is not valid JSON."},
        {"not_found", "Not found."},
        {"method_not_allowed", "This method is not allowed here."},
        {"payload_too_large", "The body is too large."},
        {"headers_too_large", "The request headers are too large."},
        {"too_many_connections", "Too many connections; retry shortly."},
    };
    for (const auto& [c, m] : messages)
        if (c == code) return Failure{std::string(c), std::string(m)};
    return Failure{"internal", "Something went wrong on our side."};
}

}  // namespace sh::http
