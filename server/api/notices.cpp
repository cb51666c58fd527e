// A member's notices: the in-app list (GET /me/notices) and marking them read. The view is here:
// each kind's Chinese title, the booking a notice is about, and whether WeChat delivered it.
#include "booking/calendar.hpp"
#include "server/api/bodies.hpp"
#include "server/api/handlers.hpp"
#include "server/api/input.hpp"
#include "server/api/notice_view.hpp"

namespace sh::api {

using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

const char* title_of(booking::NoticeKind k) {
    using K = booking::NoticeKind;
    switch (k) {
        case K::approved: return "预约已通过";
        case K::rejected: return "预约未通过";
        case K::cancelled: return "预约已取消";
        case K::closure_cancelled: return "场地临时关闭，预约已取消";
        case K::expired: return "预约无人审批，已失效";
        case K::reminder: return "活动即将开始";
        case K::no_show: return "未签到，已记违约";
        case K::banned: return "违约次数过多，暂停预约";
        case K::request_waiting: return "有预约申请等您审批";
        case K::request_overdue: return "有预约申请等待已久，还没人审批";
        case K::appeal_filed: return "有违约申诉等您处理";
        case K::appeal_waived: return "申诉通过，违约记录已免除";
        case K::appeal_kept: return "申诉未通过，违约记录保留";
        case K::coorganiser_joined: return "有人成为您预约的协办人";
        case K::extension_approved: return "加长申请已通过";
        case K::extension_rejected: return "加长申请未通过，预约时间不变";
        case K::extension_expired: return "加长申请无人审批，预约时间不变";
    }
    return "通知";
}

// How WeChat's delivery went, as the list shows it: sent, waiting (not yet, or retrying), or
// not_sent (no consent, refused, failed) — the notice is in the list either way.
const char* wechat_of(app::Delivery d) {
    switch (d) {
        case app::Delivery::sent: return "sent";
        case app::Delivery::retry: return "waiting";
        default: return "not_sent";
    }
}

}  // namespace

json notice_json(const app::NoticeEntry& n) {
    json j = {{"id", n.id},
              {"kind", booking::notice_name(n.kind)},
              {"title", title_of(n.kind)},
              {"subject", {{"kind", booking::subject_name(n.subject)}, {"id", n.subject_id}}},
              {"note", n.note},
              {"created_at", booking::to_iso(n.created_at)},
              {"read", n.read},
              {"wechat", wechat_of(n.delivery)}};
    if (n.start && n.end) {
        auto start = booking::to_local(*n.start), end = booking::to_local(*n.end);
        j["booking"] = {{"venue_name", n.venue},
                        {"date", booking::format_date(start.date)},
                        {"start", booking::format_hhmm(start.minute)},
                        {"end", booking::format_hhmm(end.minute)}};
    }
    return j;
}

http::Handler list_notices(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        app::NoticeQuery q;
        if (auto u = req.query_param("unread")) q.unread_only = *u == "1" || *u == "true";
        if (auto p = req.query_param("page")) q.page = query_int(*p, "page", 1, 100'000);
        if (auto s = req.query_param("page_size"))
            q.page_size = query_int(*s, "page_size", 1, app::NoticeList::max_page_size);
        auto r = co_await svc.notices.mine(me, q);
        if (!r) co_return Response::error(r.error());
        json items = json::array();
        for (const auto& n : r.value().items) items.push_back(notice_json(n));
        co_return Response::json(200, json{{"items", items},
                                           {"page", q.page},
                                           {"page_size", q.page_size},
                                           {"total", r.value().total},
                                           {"unread", r.value().unread}});
    };
}

http::Handler read_notices(Services& svc) {
    // {"ids": [1, 2]} or {"all": true}
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto body = object_body(req);
        bool all = optional_bool(body, "all").value_or(false);
        std::vector<std::uint64_t> ids;
        if (body.contains("ids")) {
            if (!body["ids"].is_array()) throw field_error("ids", "must be a list of notice ids");
            for (const auto& v : body["ids"]) {
                if (!v.is_number_unsigned() || v.get<std::uint64_t>() == 0)
                    throw field_error("ids", "must be a list of notice ids");
                ids.push_back(v.get<std::uint64_t>());
            }
        }
        auto r = co_await svc.notices.mark_read(me, ids, all);
        if (!r) co_return Response::error(r.error());
        co_return Response::json(200, json{{"unread", r.value()}});
    };
}

}  // namespace sh::api
