// The street office's statistics, top lists and ledger: parse, call the use case
// (app/stats.cpp), render JSON or CSV.
#include "app/stats.hpp"
#include "server/api/handlers.hpp"
#include "server/api/input.hpp"

namespace sh::api {

using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

bool wants_csv(const Request& req) {
    auto f = req.query_param("format");
    if (!f || *f == "json") return false;
    if (*f == "csv") return true;
    throw field_error("format", "must be json or csv");
}

Response csv(std::string body, const std::string& filename) {
    auto r = Response::text(200, std::move(body), "text/csv; charset=utf-8");
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    return r;
}

}  // namespace

http::Handler stats_usage(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto from = required_query_date(req, "from"), to = required_query_date(req, "to");
        auto g = booking::parse_group_by(req.query_param("group_by").value_or("venue"));
        if (!g) throw field_error("group_by", "must be street, building, venue, org, day, week, month, hour or weekday_hour");
        bool as_csv = wants_csv(req);
        auto r = co_await svc.stats.usage(me, from, to, *g);
        if (!r) co_return Response::error(r.error());
        const auto& rep = r.value();
        if (as_csv)
            co_return csv(booking::usage_csv(rep.rows), "usage-" + std::string(booking::group_by_name(*g)) + "-" +
                                                             booking::format_date(from) + "-" + booking::format_date(to) + ".csv");
        co_return Response::json(200, booking::usage_json(rep.group_by, rep.period, rep.rows));
    };
}

http::Handler stats_top(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto from = required_query_date(req, "from"), to = required_query_date(req, "to");
        int limit = 10;
        if (auto l = req.query_param("limit")) limit = query_int(*l, "limit", 1, 100);
        auto r = co_await svc.stats.top(me, from, to, limit);
        if (!r) co_return Response::error(r.error());
        const auto& t = r.value();
        co_return Response::json(200, json{{"branches", booking::usage_items_json(t.branches)},
                                           {"buildings", booking::usage_items_json(t.buildings)},
                                           {"quiet_halls", booking::usage_items_json(t.quiet_halls)},
                                           {"peak_hours", booking::usage_items_json(t.peak_hours)}});
    };
}

http::Handler stats_ledger(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto from = required_query_date(req, "from"), to = required_query_date(req, "to");
        auto r = co_await svc.stats.ledger(me, from, to);
        if (!r) co_return Response::error(r.error());
        co_return csv(booking::ledger_csv(r.value()),
                      "ledger-" + booking::format_date(from) + "-" + booking::format_date(to) + ".csv");
    };
}

}  // namespace sh::api
