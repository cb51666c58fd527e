// The routing table of the service: every route, in one place.
#include "server/api/handlers.hpp"

namespace sh::api {

http::Router make_router(Services& svc) {
    using M = http::Method;
    std::vector<http::Route> routes({
        // operations
        {M::get, "/healthz", healthz(svc)},
        {M::get, "/readyz", readyz(svc)},
        {M::get, "/metrics", metrics(svc)},
        // sign-in and the signed-in user
        {M::post, "/api/v1/auth/login", login(svc)},
        {M::post, "/api/v1/auth/logout", logout(svc)},
        {M::get, "/api/v1/me", get_me(svc)},
        {M::patch, "/api/v1/me", patch_me(svc)},
        {M::del, "/api/v1/me", delete_me(svc)},
        {M::post, "/api/v1/me/phone", post_phone(svc)},
        {M::del, "/api/v1/me/phone", delete_phone(svc)},
        // roles
        {M::put, "/api/v1/users/{id}/role", put_role(svc)},
        // the alliance: units, branches, members, invitations
        {M::get, "/api/v1/units", list_units(svc)},
        {M::post, "/api/v1/units", create_unit(svc)},
        {M::get, "/api/v1/branches", list_branches(svc)},
        {M::post, "/api/v1/branches", create_branch(svc)},
        {M::get, "/api/v1/branches/{id}", get_branch(svc)},
        {M::get, "/api/v1/branches/{id}/members", branch_members(svc)},
        {M::post, "/api/v1/branches/{id}/members/{user_id}/confirm", decide_member(svc, true)},
        {M::post, "/api/v1/branches/{id}/members/{user_id}/refuse", decide_member(svc, false)},
        {M::put, "/api/v1/buildings/{id}/unit", set_building_unit(svc)},
        {M::get, "/api/v1/org-review", org_review(svc)},
        {M::post, "/api/v1/invitations", create_invitation(svc)},
        {M::get, "/api/v1/invitations", list_invitations(svc)},
        {M::post, "/api/v1/invitations/accept", accept_invitation(svc)},
        {M::post, "/api/v1/invitations/qrcode", invitation_qrcode(svc)},
        // the district, its buildings and halls
        {M::get, "/api/v1/streets", list_streets(svc)},
        {M::get, "/api/v1/buildings", list_buildings(svc)},
        {M::post, "/api/v1/buildings", create_building(svc)},
        {M::get, "/api/v1/venues", search_venues(svc)},
        {M::post, "/api/v1/venues", create_venue(svc)},
        {M::get, "/api/v1/venues/{id}", get_venue(svc)},
        {M::patch, "/api/v1/venues/{id}", patch_venue(svc)},
        {M::get, "/api/v1/venues/{id}/closures", list_closures(svc)},
        {M::post, "/api/v1/venues/{id}/closures", create_closure(svc)},
        {M::del, "/api/v1/venues/{id}/closures/{closure_id}", delete_closure(svc)},
        {M::post, "/api/v1/closures", close_scope(svc)},
        {M::get, "/api/v1/venues/{id}/availability", get_availability(svc)},
        {M::get, "/api/v1/venues/{id}/checkin-code", get_checkin_code(svc)},
        {M::post, "/api/v1/venues/{id}/checkin-code/rotate", rotate_checkin_code(svc)},
        {M::get, "/api/v1/venues/{id}/qrcode", get_qrcode(svc)},
        // holds and bookings
        {M::post, "/api/v1/holds", create_hold(svc)},
        {M::del, "/api/v1/holds/{id}", delete_hold(svc)},
        {M::post, "/api/v1/bookings", create_booking(svc)},
        {M::get, "/api/v1/bookings/{id}", get_booking(svc)},
        {M::patch, "/api/v1/bookings/{id}", change_booking(svc)},
        {M::post, "/api/v1/bookings/{id}/cancel", cancel_booking(svc)},
        {M::post, "/api/v1/bookings/{id}/approve", approve_booking(svc)},
        {M::post, "/api/v1/bookings/{id}/reject", reject_booking(svc)},
        {M::get, "/api/v1/me/bookings", my_bookings(svc)},
        {M::get, "/api/v1/manage/bookings", manage_bookings(svc)},
        {M::get, "/api/v1/manage/summary", manage_summary(svc)},
        // the rest of a booking's day
        {M::post, "/api/v1/bookings/{id}/checkin", check_in(svc)},
        {M::post, "/api/v1/bookings/{id}/end", end_booking(svc)},
        {M::post, "/api/v1/checkins", scan_in(svc)},
        {M::post, "/api/v1/violations/{id}/waive", waive_violation(svc)},
        {M::post, "/api/v1/bookings/{id}/coorganisers/invitation", invite_coorganisers(svc)},
        {M::post, "/api/v1/coorganisers/join", join_as_coorganiser(svc)},
        {M::del, "/api/v1/bookings/{id}/coorganisers/{user_id}", remove_coorganiser(svc)},
        {M::post, "/api/v1/violations/{id}/appeal", appeal_violation(svc)},
        {M::post, "/api/v1/violations/{id}/appeal/decision", decide_appeal(svc)},
        {M::get, "/api/v1/appeals", list_appeals(svc)},
        {M::post, "/api/v1/me/subscriptions", add_subscriptions(svc)},
        {M::get, "/api/v1/me/subscriptions", list_subscriptions(svc)},
        // personal information: the guide, consents, the member's own copy
        {M::get, "/api/v1/privacy/guide", privacy_guide(svc)},
        {M::get, "/api/v1/me/consents", list_consents(svc)},
        {M::post, "/api/v1/me/consents", give_consent(svc)},
        {M::del, "/api/v1/me/consents/{kind}", withdraw_consent(svc)},
        {M::get, "/api/v1/me/export", export_me(svc)},
        {M::get, "/api/v1/audit/reads", audit_reads(svc)},
        {M::get, "/api/v1/me/notices", list_notices(svc)},
        {M::post, "/api/v1/me/notices/read", read_notices(svc)},
        // the street office's view
        {M::get, "/api/v1/stats/usage", stats_usage(svc)},
        {M::get, "/api/v1/stats/top", stats_top(svc)},
        {M::get, "/api/v1/stats/ledger", stats_ledger(svc)},
        {M::get, "/api/v1/stats/sharing", stats_sharing(svc)},
        // the web console and its sign-in by scanning a code
        {M::post, "/api/v1/auth/web-login", start_web_login(svc)},
        {M::get, "/api/v1/auth/web-login/{nonce}/code", web_login_code(svc)},
        {M::get, "/api/v1/auth/web-login/{nonce}/context", web_login_context(svc)},
        {M::post, "/api/v1/auth/web-login/{nonce}", confirm_web_login(svc)},
        {M::get, "/api/v1/auth/web-login/{nonce}", finish_web_login(svc)},
        {M::get, "/console/", console_file(svc, "index.html", "text/html; charset=utf-8")},
        {M::get, "/console/app.js", console_file(svc, "app.js", "text/javascript; charset=utf-8")},
        {M::get, "/console/app.css", console_file(svc, "app.css", "text/css; charset=utf-8")},
        {M::get, "/console/echarts.min.js",
         console_file(svc, "node_modules/echarts/dist/echarts.min.js",
                      "text/javascript; charset=utf-8")},
    });
    // Tests own time: a test configuration may set the server's clock; a deployment has no such
    // route.
    if (svc.test_clock) {
        routes.push_back({M::post, "/test/clock", set_test_clock(svc)});
        routes.push_back({M::post, "/test/jobs/{name}/run", run_test_job(svc)});
        routes.push_back({M::post, "/test/scheduler/pass", run_scheduler_pass(svc)});
    }
    return http::Router(std::move(routes));
}

}  // namespace sh::api
