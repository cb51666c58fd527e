// The street office's statistics, top lists and ledger: parse, call the use case
// (app/stats.cpp), render JSON or CSV.
#include "app/stats.hpp"
#include "server/api/bodies.hpp"
#include "server/api/handlers.hpp"
#include "server/api/input.hpp"
#include "server/api/stats_view.hpp"

namespace sh::api {

using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

Response csv(std::string body, const std::string& filename) {
    auto r = Response::text(200, std::move(body), "text/csv; charset=utf-8");
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    return r;
}

}  // namespace

http::Handler stats_usage(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto period = parse_period(req);
        auto from = period.from, to = period.to;
        auto g = parse_group_by(req);
        bool as_csv = wants_csv(req);
        auto r = co_await svc.stats.usage(me, from, to, g);
        if (!r) co_return Response::error(r.error());
        const auto& rep = r.value();
        if (as_csv)
            co_return csv(usage_csv(rep.rows), "usage-" + std::string(booking::group_by_name(g)) +
                                                   "-" + booking::format_date(from) + "-" +
                                                   booking::format_date(to) + ".csv");
        co_return Response::json(200, usage_json(rep.group_by, rep.period, rep.rows));
    };
}

http::Handler stats_top(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto period = parse_period(req);
        auto from = period.from, to = period.to;
        int limit = top_limit(req);
        auto r = co_await svc.stats.top(me, from, to, limit);
        if (!r) co_return Response::error(r.error());
        const auto& t = r.value();
        co_return Response::json(200, json{{"branches", usage_items_json(t.branches)},
                                           {"units", usage_items_json(t.units)},
                                           {"buildings", usage_items_json(t.buildings)},
                                           {"quiet_halls", usage_items_json(t.quiet_venues)},
                                           {"peak_hours", usage_items_json(t.peak_hours)}});
    };
}

http::Handler stats_ledger(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto period = parse_period(req);
        auto from = period.from, to = period.to;
        auto r = co_await svc.stats.ledger(me, from, to);
        if (!r) co_return Response::error(r.error());
        nlohmann::json seen = {{"from", booking::format_date(from)},
                               {"to", booking::format_date(to)},
                               {"rows", r.value().size()}};  // (GCC 12: not inside the co_await)
        co_await svc.trace.saw(me, "read_ledger", "ledger", 0, std::move(seen));
        co_return csv(ledger_csv(r.value()), "ledger-" + booking::format_date(from) + "-" +
                                                 booking::format_date(to) + ".csv");
    };
}

http::Handler stats_sharing(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto period = parse_period(req);
        bool as_csv = wants_csv(req);
        auto r = co_await svc.stats.sharing(me, period.from, period.to);
        if (!r) co_return Response::error(r.error());
        if (as_csv)
            co_return csv(sharing_csv(r.value()), "sharing-" + booking::format_date(period.from) +
                                                      "-" + booking::format_date(period.to) +
                                                      ".csv");
        co_return Response::json(200, sharing_json({period.from, period.to}, r.value()));
    };
}

}  // namespace sh::api
