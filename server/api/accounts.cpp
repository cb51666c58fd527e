// Sign-in, the signed-in user's profile, and roles: parse, call the use case
// (app/accounts.cpp), render.
#include "app/accounts.hpp"
#include "server/api/handlers.hpp"
#include "server/api/input.hpp"

namespace sh::api {

using booking::AppException;
using booking::Errc;
using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

booking::RoleRequest parse_role_request(const json& body) {
    booking::RoleRequest req;
    auto role = booking::parse_role(required_string(body, "role", 32));
    if (!role) throw field_error("role", "must be member, manager, street_admin or district_admin");
    req.role = *role;
    if (auto it = body.find("building_ids"); it != body.end() && !it->is_null()) {
        if (!it->is_array()) throw field_error("building_ids", "must be an array of ids");
        for (const auto& b : *it) {
            if (!b.is_number_unsigned() || b.get<std::uint64_t>() == 0)
                throw field_error("building_ids", "must be an array of ids");
            req.building_ids.insert(b.get<std::uint64_t>());
        }
    }
    if (auto it = body.find("street_id"); it != body.end() && !it->is_null()) {
        if (!it->is_number_unsigned() || it->get<std::uint64_t>() == 0)
            throw field_error("street_id", "must be an id");
        req.street_id = it->get<std::uint64_t>();
    }
    return req;
}

Response render(const booking::Result<booking::User>& r) {
    return r ? Response::json(200, booking::user_json(r.value())) : Response::error(r.error());
}
}  // namespace

http::Handler login(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto body = object_body(req);
        std::string code = required_string(body, "code", 128);
        auto r = co_await svc.accounts.sign_in(code, req.client_ip);
        if (!r) co_return Response::error(r.error());
        const auto& in = r.value();
        co_return Response::json(200, json{{"token", in.token},
                                           {"expires_in", in.expires_in.count()},
                                           {"user", booking::user_json(in.user)}});
    };
}

http::Handler logout(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto token = Auth::bearer(req);
        if (!token) throw AppException(Errc::unauthorized);
        auto r = co_await svc.accounts.sign_out(*token);
        if (!r) co_return Response::error(r.error());
        co_return Response::json(200, json{{"ok", true}});
    };
}

http::Handler get_me(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        co_return render(co_await svc.accounts.me(me));
    };
}

http::Handler patch_me(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto body = object_body(req);
        auto name = optional_string(body, "name");
        auto org = optional_string(body, "org");
        co_return render(co_await svc.accounts.update_profile(me, name, org));
    };
}

http::Handler post_phone(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto body = object_body(req);
        std::string code = required_string(body, "code", 128);
        co_return render(co_await svc.accounts.set_phone(me, code));
    };
}

http::Handler put_role(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto target = path_id(p["id"]);
        auto role = parse_role_request(object_body(req));
        co_return render(co_await svc.accounts.change_role(me, target, role));
    };
}

}  // namespace sh::api
