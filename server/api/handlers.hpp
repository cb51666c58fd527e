#pragma once
// Every handler of the service, as a factory taking the services it may use. routes.cpp puts
// them in the routing table.
#include "server/api/services.hpp"

namespace sh::api {

// ops.cpp
http::Handler healthz(Services& svc);
http::Handler readyz(Services& svc);
http::Handler metrics(Services& svc);
http::Handler set_test_clock(Services& svc);      // test configuration only
http::Handler run_test_job(Services& svc);        // test configuration only
http::Handler run_scheduler_pass(Services& svc);  // test configuration only

// accounts.cpp
http::Handler login(Services& svc);
http::Handler logout(Services& svc);
http::Handler get_me(Services& svc);
http::Handler patch_me(Services& svc);
http::Handler post_phone(Services& svc);
http::Handler delete_phone(Services& svc);
http::Handler delete_me(Services& svc);
http::Handler put_role(Services& svc);

// alliance.cpp
http::Handler list_units(Services& svc);
http::Handler create_unit(Services& svc);
http::Handler list_branches(Services& svc);
http::Handler get_branch(Services& svc);
http::Handler create_branch(Services& svc);
http::Handler set_building_unit(Services& svc);
http::Handler branch_members(Services& svc);
http::Handler decide_member(Services& svc, bool confirm);
http::Handler org_review(Services& svc);
http::Handler create_invitation(Services& svc);
http::Handler list_invitations(Services& svc);
http::Handler accept_invitation(Services& svc);
http::Handler invitation_qrcode(Services& svc);

// notices.cpp
http::Handler list_notices(Services& svc);
http::Handler read_notices(Services& svc);

// venues.cpp
http::Handler list_streets(Services& svc);
http::Handler list_buildings(Services& svc);
http::Handler create_building(Services& svc);
http::Handler search_venues(Services& svc);
http::Handler create_venue(Services& svc);
http::Handler get_venue(Services& svc);
http::Handler patch_venue(Services& svc);
http::Handler list_closures(Services& svc);
http::Handler create_closure(Services& svc);
http::Handler close_scope(Services& svc);
http::Handler delete_closure(Services& svc);
http::Handler get_availability(Services& svc);
http::Handler get_checkin_code(Services& svc);
http::Handler rotate_checkin_code(Services& svc);
http::Handler get_qrcode(Services& svc);

// bookings.cpp
http::Handler create_booking(Services& svc);
http::Handler get_booking(Services& svc);
http::Handler my_bookings(Services& svc);
http::Handler manage_bookings(Services& svc);
http::Handler cancel_booking(Services& svc);
http::Handler approve_booking(Services& svc);
http::Handler reject_booking(Services& svc);
http::Handler create_hold(Services& svc);
http::Handler delete_hold(Services& svc);
http::Handler check_in(Services& svc);
http::Handler manage_summary(Services& svc);
http::Handler end_booking(Services& svc);
http::Handler change_booking(Services& svc);
http::Handler scan_in(Services& svc);
http::Handler waive_violation(Services& svc);
http::Handler invite_coorganisers(Services& svc);
http::Handler join_as_coorganiser(Services& svc);
http::Handler remove_coorganiser(Services& svc);
http::Handler appeal_violation(Services& svc);
http::Handler decide_appeal(Services& svc);
http::Handler list_appeals(Services& svc);
http::Handler add_subscriptions(Services& svc);
http::Handler list_subscriptions(Services& svc);

// personal.cpp
http::Handler export_me(Services& svc);
http::Handler privacy_guide(Services& svc);
http::Handler list_consents(Services& svc);
http::Handler give_consent(Services& svc);
http::Handler withdraw_consent(Services& svc);
http::Handler audit_reads(Services& svc);

// stats.cpp
http::Handler stats_usage(Services& svc);
http::Handler stats_top(Services& svc);
http::Handler stats_ledger(Services& svc);
http::Handler stats_sharing(Services& svc);

// console.cpp
http::Handler start_web_login(Services& svc);
http::Handler web_login_code(Services& svc);
http::Handler web_login_context(Services& svc);
http::Handler confirm_web_login(Services& svc);
http::Handler finish_web_login(Services& svc);
http::Handler console_file(Services& svc, const std::string& relative, const std::string& type);

}  // namespace sh::api
