// Units, branches, memberships and invitations: parse, call the use case (app/alliance.cpp),
// render. Names and ids only: nobody's phone, and a branch's members to those who manage it.
#include "app/alliance.hpp"
#include "booking/calendar.hpp"
#include "server/api/bodies.hpp"
#include "server/api/handlers.hpp"
#include "server/api/input.hpp"
#include "server/api/user_view.hpp"

namespace sh::api {

using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

json unit_json(const booking::Unit& u) {
    return {{"id", u.id},
            {"name", u.name},
            {"kind", booking::unit_kind_name(u.kind)},
            {"street_id", u.street_id}};
}

// A branch with its units' names (as a member picks their own unit of a joint branch).
json branch_json(const booking::Branch& b, const std::vector<booking::Unit>& units) {
    auto list = json::array();
    for (auto id : b.unit_ids) {
        json u = {{"id", id}, {"name", ""}};
        for (const auto& unit : units)
            if (unit.id == id) u["name"] = unit.name;
        list.push_back(u);
    }
    return {{"id", b.id},
            {"name", b.name},
            {"street_id", b.street_id},
            {"joint", b.joint()},
            {"units", list}};
}

json invitation_json(const booking::Invitation& inv) {
    json j = {{"id", inv.id},
              {"role", booking::role_name(inv.role.role)},
              {"building_ids", inv.role.building_ids},
              {"street_id", inv.role.street_id ? json(*inv.role.street_id) : json(nullptr)},
              {"branch_ids", inv.role.branch_ids.value_or(std::set<booking::BranchId>{})},
              {"created_at", booking::to_iso(inv.created_at)},
              {"expires_at", booking::to_iso(inv.expires_at)}};
    j["taken_by"] =
        inv.taken_by ? json{{"id", *inv.taken_by}, {"name", inv.taker_name}} : json(nullptr);
    j["taken_at"] = inv.taken_at ? json(booking::to_iso(*inv.taken_at)) : json(nullptr);
    return j;
}

}  // namespace

http::Handler list_units(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        co_await svc.auth.authenticate(req);
        auto units = co_await svc.alliance.units(alliance_query(req));
        auto items = json::array();
        for (const auto& u : units) items.push_back(unit_json(u));
        co_return Response::json(200, json{{"items", items}});
    };
}

http::Handler create_unit(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto r = co_await svc.alliance.create_unit(me, parse_unit(object_body(req)));
        co_return r ? Response::json(201, unit_json(r.value())) : Response::error(r.error());
    };
}

http::Handler list_branches(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        co_await svc.auth.authenticate(req);
        auto branches = co_await svc.alliance.branches(alliance_query(req));
        auto units = co_await svc.alliance.units_of(branches);
        auto items = json::array();
        for (const auto& b : branches) items.push_back(branch_json(b, units));
        co_return Response::json(200, json{{"items", items}});
    };
}

http::Handler get_branch(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        co_await svc.auth.authenticate(req);
        auto b = co_await svc.alliance.branch(path_id(p["id"]));
        if (!b) co_return Response::error(b.error());
        std::vector<booking::Branch> one(1, b.value());  // (g++ 12: common/asio.hpp)
        auto units = co_await svc.alliance.units_of(one);
        co_return Response::json(200, branch_json(b.value(), units));
    };
}

http::Handler create_branch(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto b = co_await svc.alliance.create_branch(me, parse_branch(object_body(req)));
        if (!b) co_return Response::error(b.error());
        std::vector<booking::Branch> one(1, b.value());  // (g++ 12: common/asio.hpp)
        auto units = co_await svc.alliance.units_of(one);
        co_return Response::json(201, branch_json(b.value(), units));
    };
}

http::Handler set_building_unit(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto body = object_body(req);
        auto unit = nullable_id(body, "unit_id");
        if (!unit) throw field_error("unit_id", "is required (an id, or null for none)");
        auto r = co_await svc.alliance.set_building_unit(me, path_id(p["id"]), *unit);
        if (!r) co_return Response::error(r.error());
        co_return Response::json(200, json{{"id", r.value().id},
                                           {"street_id", r.value().street_id},
                                           {"unit_id", *unit ? json(**unit) : json(nullptr)}});
    };
}

http::Handler branch_members(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        const auto branch = path_id(p["id"]);
        auto r = co_await svc.alliance.members(me, branch, membership_state(req));
        if (!r) co_return Response::error(r.error());
        json seen = {{"rows", r.value().size()}};  // (GCC 12: no braces in a co_await's call)
        co_await svc.trace.saw(me, "read_members", "branch", branch, std::move(seen));
        auto items = json::array();
        for (const auto& m : r.value())
            items.push_back({{"user_id", m.user_id},
                             {"name", m.name},
                             {"unit_id", m.unit_id},
                             {"state", booking::membership_state_name(m.state)},
                             {"requested_at", booking::to_iso(m.requested_at)}});
        co_return Response::json(200, json{{"items", items}});
    };
}

http::Handler decide_member(Services& svc, bool confirm) {
    return [&svc, confirm](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto branch = path_id(p["id"]);
        auto member = path_id(p["user_id"]);
        auto r = co_await svc.alliance.decide(me, branch, member, confirm);
        if (!r) co_return Response::error(r.error());
        co_return Response::json(200,
                                 json{{"user_id", member}, {"branch", membership_view(r.value())}});
    };
}

http::Handler org_review(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto r = co_await svc.alliance.review_list(me, query_id(req, "street_id"));
        if (!r) co_return Response::error(r.error());
        auto items = json::array();
        for (const auto& e : r.value())
            items.push_back({{"street_id", e.street_id},
                             {"org", e.org},
                             {"reason", e.reason},
                             {"users", e.users},
                             {"bookings", e.bookings}});
        co_return Response::json(200, json{{"items", items}});
    };
}

http::Handler create_invitation(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto body = object_body(req);
        auto role = parse_role_request(body);
        auto r = co_await svc.alliance.invite(me, role, invitation_days(body));
        if (!r) co_return Response::error(r.error());
        auto j = invitation_json(r.value().invitation);
        j["code"] = r.value().code;
        j["page"] = r.value().page;
        co_return Response::json(201, j);
    };
}

http::Handler list_invitations(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto items = json::array();
        for (const auto& inv : co_await svc.alliance.invitations_of(me))
            items.push_back(invitation_json(inv));
        co_return Response::json(200, json{{"items", items}});
    };
}

http::Handler accept_invitation(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto code = required_string(object_body(req), "code", 64);
        auto r = co_await svc.alliance.accept(me, code);
        if (!r) co_return Response::error(r.error());
        co_return Response::json(200, user_view(r.value(), r.value().principal));
    };
}

http::Handler invitation_qrcode(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        co_await svc.auth.authenticate(req);
        auto code = required_string(object_body(req), "code", 64);
        auto png = co_await svc.alliance.invitation_qrcode(code);
        if (!png) co_return Response::error(png.error());
        co_return Response::text(200, std::move(png.value()), "image/png");
    };
}

}  // namespace sh::api
