// Sign-in, the signed-in user's profile, and roles.
#include "server/api/handlers.hpp"
#include "server/api/input.hpp"
#include "server/mysql/user_store.hpp"
#include "server/workers/log.hpp"

namespace sh::api {

using booking::AppException;
using booking::Errc;
using http::Method;
using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

template <class UseCase>
auto in_transaction(Services& svc, UseCase use_case) {
    return api::in_transaction<mysql::MysqlUserStore>(svc, std::move(use_case));
}

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

}  // namespace

http::Handler login(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto body = object_body(req);
        std::string code = required_string(body, "code", 128);
        LoginResult result = co_await svc.auth.login(code, req.client_ip);
        json out = {{"token", result.token},
                    {"expires_in", result.expires_in},
                    {"user", booking::user_json(result.user)}};
        co_return Response::json(200, out);
    };
}

http::Handler logout(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        co_await svc.auth.logout(req);
        co_return Response::json(200, json{{"ok", true}});
    };
}

http::Handler get_me(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        booking::Principal me = co_await svc.auth.authenticate(req);
        auto user = co_await db_run(svc, [&](mysql::Conn& c) {
            return mysql::MysqlUserStore(c).find_user(me.user_id);
        });
        if (!user) throw AppException(Errc::unauthorized);
        co_return Response::json(200, booking::user_json(*user));
    };
}

http::Handler patch_me(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        booking::Principal me = co_await svc.auth.authenticate(req);
        auto body = object_body(req);
        auto name = optional_string(body, "name", 400);
        auto org = optional_string(body, "org", 800);
        auto user = co_await in_transaction(svc, [&](mysql::MysqlUserStore& s) {
            return booking::update_profile(s, me.user_id, name, org);
        });
        co_return Response::json(200, booking::user_json(user));
    };
}

http::Handler post_phone(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        booking::Principal me = co_await svc.auth.authenticate(req);
        auto body = object_body(req);
        std::string code = required_string(body, "code", 128);
        auto r = co_await svc.wx_token.with_token<wechat::PhoneInfo>(
            [&](const std::string& token) { return svc.wx.get_phone_number(token, code); });
        if (!wechat::ok(r)) {
            auto e = std::get<wechat::WxError>(r);
            if (e.code == wechat::WxErrc::invalid_code) throw AppException(Errc::invalid_phone_code);
            log::warn("wechat", "getuserphonenumber failed: " + std::string(wechat::errc_name(e.code)));
            throw AppException(Errc::wechat_unavailable);
        }
        std::string phone = std::get<wechat::PhoneInfo>(r).phone_number;
        auto user = co_await in_transaction(svc, [&](mysql::MysqlUserStore& s) -> booking::Result<booking::User> {
            if (!s.lock_user(me.user_id)) return booking::make_error(Errc::unauthorized);
            s.set_phone(me.user_id, phone);
            return *s.find_user(me.user_id);
        });
        co_return Response::json(200, booking::user_json(user));
    };
}

http::Handler put_role(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        booking::Principal me = co_await svc.auth.authenticate(req);
        auto target = path_id(p["id"]);
        auto role = parse_role_request(object_body(req));
        auto user = co_await in_transaction(svc, [&](mysql::MysqlUserStore& s) {
            return booking::change_role(s, me, target, role);
        });
        svc.auth.forget_principal(target);  // this instance sees it at once; others within the bound
        co_return Response::json(200, booking::user_json(user));
    };
}

}  // namespace sh::api
