#include "server/api/user_view.hpp"

#include "booking/appeals.hpp"
#include "booking/calendar.hpp"

namespace sh::api {

using nlohmann::json;

namespace {

void put_role(json& j, const booking::Principal& p) {
    j["role"] = booking::role_name(p.role);
    j["building_ids"] = p.building_ids;  // empty unless manager
    j["street_id"] = p.street_id ? json(*p.street_id) : json(nullptr);
    j["branch_ids"] = p.branch_ids;  // the branches they are secretary of
}

}  // namespace

json user_view(const booking::User& u, const booking::Principal& viewer) {
    json j = {{"id", u.id}, {"name", u.name}, {"org", u.org}};
    j["phone"] = u.phone && booking::may_see_phone(viewer, u.id) ? json(*u.phone) : json(nullptr);
    put_role(j, u.principal);
    j["branch"] = u.membership ? membership_view(*u.membership) : json(nullptr);
    j["banned_until"] = u.banned_until ? json(booking::to_iso(*u.banned_until)) : json(nullptr);
    auto violations = json::array();
    for (const auto& v : u.violations)
        violations.push_back({{"id", v.id},
                              {"booking_id", v.booking_id},
                              {"kind", v.kind},
                              {"weight", v.weight_milli / 1000.0},
                              {"at", booking::to_iso(v.at)},
                              {"waived", v.waived},
                              {"appeal", v.appeal.empty() ? json(nullptr) : json(v.appeal)},
                              {"appeal_note", v.appeal_note},
                              {"appeal_until", booking::to_iso(booking::appeal_deadline(v.at))}});
    j["violations"] = violations;
    return j;
}

json membership_view(const booking::Membership& m) {
    return {{"branch_id", m.branch_id},
            {"unit_id", m.unit_id},
            {"state", booking::membership_state_name(m.state)},
            {"requested_at", booking::to_iso(m.requested_at)},
            {"decided_at", m.decided_at ? json(booking::to_iso(*m.decided_at)) : json(nullptr)}};
}

json role_view(const booking::User& u) {
    json j = {{"id", u.id}};
    put_role(j, u.principal);
    return j;
}

}  // namespace sh::api
