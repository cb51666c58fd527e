// Sign-in, the signed-in user's profile, and roles: parse, call the use case
// (app/accounts.cpp), render.
#include "app/accounts.hpp"
#include "server/api/bodies.hpp"
#include "server/api/handlers.hpp"
#include "server/api/input.hpp"
#include "server/api/user_view.hpp"

namespace sh::api {

using booking::AppException;
using booking::Errc;
using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

// The signed-in user's own profile.
Response render(const booking::Result<booking::User>& r) {
    return r ? Response::json(200, user_view(r.value(), r.value().principal))
             : Response::error(r.error());
}
}  // namespace

http::Handler login(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto code = login_code(object_body(req));
        auto r = co_await svc.accounts.sign_in(code, req.client_ip);
        if (!r) co_return Response::error(r.error());
        const auto& in = r.value();
        co_return Response::json(200, json{{"token", in.token},
                                           {"expires_in", in.expires_in.count()},
                                           {"user", user_view(in.user, in.user.principal)}});
    };
}

http::Handler logout(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto token = Auth::bearer(req);
        if (!token) throw AppException(Errc::unauthorized);
        auto r = co_await svc.accounts.sign_out(*token, req.client_ip);
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
        auto me = co_await svc.auth.consenting(req);
        auto patch = parse_profile(object_body(req));
        co_return render(co_await svc.accounts.update_profile(me, patch));
    };
}

http::Handler post_phone(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.consenting(req);
        auto code = login_code(object_body(req));
        co_return render(co_await svc.accounts.set_phone(me, code));
    };
}

// Closing the account: the body must say so ({"confirm": true}), so that no stray DELETE closes
// one.
http::Handler delete_me(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        if (optional_bool(object_body(req), "confirm") != true)
            throw field_error("confirm", "must be true to close the account");
        auto r = co_await svc.closing.close(me);
        if (!r) co_return Response::error(r.error());
        co_return Response::json(200, json{{"closed", true},
                                           {"holds_released", r.value().holds_released},
                                           {"bookings_cancelled", r.value().bookings_cancelled}});
    };
}

http::Handler delete_phone(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        co_return render(co_await svc.accounts.remove_phone(me));
    };
}

http::Handler put_role(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto target = path_id(p["id"]);
        auto role = parse_role_request(object_body(req));
        auto r = co_await svc.accounts.change_role(me, target, role);
        co_return r ? Response::json(200, role_view(r.value())) : Response::error(r.error());
    };
}

}  // namespace sh::api
