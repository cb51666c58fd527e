// What each endpoint reads from its request (bodies.hpp).
#include "server/api/bodies.hpp"

#include <cctype>
#include <limits>

#include "booking/calendar.hpp"
#include "common/hex.hpp"
#include "server/api/input.hpp"

namespace sh::api {

using http::Request;
using nlohmann::json;

booking::BookingRequest parse_slot(const json& body) {
    booking::BookingRequest r;
    r.venue_id = required_id(body, "venue_id");
    auto date = booking::parse_date(required_string(body, "date"));
    if (!date) throw field_error("date", "must be YYYY-MM-DD");
    auto start = booking::parse_hhmm(required_string(body, "start"));
    if (!start) throw field_error("start", "must be HH:MM");
    auto end = booking::parse_hhmm(required_string(body, "end"), true);
    if (!end) throw field_error("end", "must be HH:MM");
    r.date = *date;
    r.start = *start;
    r.end = *end;
    return r;
}

booking::BookingRequest parse_booking(const json& body) {
    auto r = parse_slot(body);
    r.purpose = required_string(body, "purpose");
    r.attendees = required_int(body, "attendees");
    r.org = optional_string(body, "org").value_or("");
    return r;
}

std::optional<booking::IdempotencyKey> idempotency_key(const Request& req, const json& body) {
    auto k = req.header("idempotency-key");
    if (!k) return std::nullopt;
    bool ok = !k->empty() && k->size() <= 64;
    for (char c : *k)
        ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
    if (!ok) throw field_error("Idempotency-Key", "1 to 64 of [A-Za-z0-9_-]");
    return booking::IdempotencyKey{std::string(*k), sha256_hex(body.dump())};
}

booking::BookingQuery booking_filters(const Request& req) {
    booking::BookingQuery q;
    if (auto s = req.query_param("status"); s && !s->empty()) {
        q.status = booking::parse_status(*s);
        if (!q.status) throw field_error("status", "unknown status");
    }
    if (auto a = req.query_param("awaiting"); a && !a->empty()) {
        if (*a != "true" && *a != "false") throw field_error("awaiting", "must be true or false");
        q.awaiting = *a == "true";
    }
    if (auto f = req.query_param("from")) q.from = booking::to_timepoint(query_date(*f, "from"), 0);
    if (auto t = req.query_param("to"))
        q.to = booking::to_timepoint(booking::add_days(query_date(*t, "to"), 1), 0);
    if (auto p = req.query_param("page")) q.page = query_int(*p, "page", 1, booking::max_page);
    if (auto b = req.query_param("building_id"); b && !b->empty()) q.building_id = path_id(*b);
    if (auto v = req.query_param("venue_id"); v && !v->empty()) q.venue_id = path_id(*v);
    return q;
}

booking::BookingChange parse_change(const json& body) {
    booking::BookingChange c;
    if (auto start = optional_string(body, "start")) {
        c.start = booking::parse_hhmm(*start);
        if (!c.start) throw field_error("start", "must be HH:MM");
    }
    if (auto end = optional_string(body, "end")) {
        c.end = booking::parse_hhmm(*end, true);
        if (!c.end) throw field_error("end", "must be HH:MM");
    }
    if (auto a = body.find("attendees"); a != body.end() && !a->is_null())
        c.attendees = required_int(body, "attendees");
    c.purpose = optional_string(body, "purpose");
    c.accept_penalty = optional_bool(body, "accept_penalty").value_or(false);
    if (!c.start && !c.end && !c.attendees && !c.purpose)
        throw field_error("start", "give at least one of start, end, attendees, purpose");
    return c;
}

Cancellation parse_cancellation(const Request& req) {
    Cancellation c;
    if (req.body.empty()) return c;
    auto body = object_body(req);
    c.reason = optional_string(body, "reason").value_or("");
    c.accept_penalty = optional_bool(body, "accept_penalty").value_or(false);
    return c;
}

std::string reason_of(const Request& req) {
    if (req.body.empty()) return {};
    return optional_string(object_body(req), "reason").value_or("");
}

std::string venue_code(const json& body) {
    return required_string(body, "venue_code", 64);
}

std::vector<std::string> template_ids(const json& body) {
    std::vector<std::string> ids;
    auto it = body.find("template_ids");
    if (it == body.end() || !it->is_array() || it->empty() || it->size() > 20)
        throw field_error("template_ids", "must be an array of 1 to 20 template ids");
    for (const auto& t : *it) {
        if (!t.is_string() || t.get<std::string>().empty() || t.get<std::string>().size() > 64)
            throw field_error("template_ids", "must be an array of template ids");
        ids.push_back(t.get<std::string>());
    }
    return ids;
}

booking::Building parse_building(const json& body) {
    booking::Building b;
    b.street_id = required_id(body, "street_id");
    b.name = required_string(body, "name");
    b.address = optional_string(body, "address").value_or("");
    return b;
}

booking::ClosureRequest parse_closure(const json& body) {
    booking::ClosureRequest cr;
    cr.from = required_string(body, "from");
    cr.to = required_string(body, "to");
    cr.reason = required_string(body, "reason");
    if (body.contains("cancel_conflicting")) {
        if (!body["cancel_conflicting"].is_boolean())
            throw field_error("cancel_conflicting", "must be true or false");
        cr.cancel_conflicting = body["cancel_conflicting"].get<bool>();
    }
    return cr;
}

std::optional<std::uint64_t> query_id(const Request& req, const char* name) {
    auto v = req.query_param(name);
    if (!v || v->empty()) return std::nullopt;
    return static_cast<std::uint64_t>(query_int(*v, name, 1, std::numeric_limits<int>::max()));
}

namespace {
std::optional<int> query_minute(const Request& req, const char* name, bool end) {
    auto v = req.query_param(name);
    if (!v) return std::nullopt;
    auto m = booking::parse_hhmm(*v, end);
    if (!m) throw field_error(name, "must be HH:MM");
    return m;
}
}  // namespace

app::Search parse_search(const Request& req) {
    app::Search s;
    s.filters.street_id = query_id(req, "street_id");
    s.filters.building_id = query_id(req, "building_id");
    if (auto cap = query_id(req, "min_capacity")) s.filters.min_capacity = static_cast<int>(*cap);
    if (auto f = req.query_param("facility"); f && !f->empty()) s.filters.facility = *f;
    if (auto d = req.query_param("date")) s.date = query_date(*d, "date");
    s.from = query_minute(req, "from", false).value_or(0);
    s.to = query_minute(req, "to", true).value_or(1440);
    if ((req.query_param("from") || req.query_param("to")) && !s.date)
        throw field_error("date", "is required with from/to");
    if (s.to <= s.from) throw field_error("to", "must be after from");
    if (auto pg = req.query_param("page")) s.page = query_int(*pg, "page", 1, booking::max_page);
    return s;
}

std::string login_code(const json& body) {
    return required_string(body, "code", 128);
}

std::optional<std::optional<std::uint64_t>> nullable_id(const json& body, const char* field) {
    auto it = body.find(field);
    if (it == body.end()) return std::nullopt;
    if (it->is_null()) return std::optional<std::uint64_t>{};
    return std::optional<std::uint64_t>{required_id(body, field)};
}

booking::ProfileChange parse_profile(const json& body) {
    booking::ProfileChange c{optional_string(body, "name"), optional_string(body, "org"), {}, {}};
    c.branch = nullable_id(body, "branch_id");
    if (auto unit = nullable_id(body, "unit_id")) c.unit_id = *unit;
    return c;
}

namespace {
// An array of positive ids; nullopt when absent or null; 422 naming the field otherwise.
std::optional<std::vector<std::uint64_t>> id_array(const json& body, const char* field) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_array()) throw field_error(field, "must be an array of ids");
    std::vector<std::uint64_t> ids;
    for (const auto& id : *it) {
        if (!id.is_number_unsigned() || id.get<std::uint64_t>() == 0)
            throw field_error(field, "must be an array of ids");
        ids.push_back(id.get<std::uint64_t>());
    }
    return ids;
}
}  // namespace

booking::RoleRequest parse_role_request(const json& body) {
    booking::RoleRequest req;
    auto role = booking::parse_role(required_string(body, "role", 32));
    if (!role) throw field_error("role", "must be member, manager, street_admin or district_admin");
    req.role = *role;
    if (auto ids = id_array(body, "building_ids"))
        req.building_ids.insert(ids->begin(), ids->end());
    if (auto it = body.find("street_id"); it != body.end() && !it->is_null()) {
        if (!it->is_number_unsigned() || it->get<std::uint64_t>() == 0)
            throw field_error("street_id", "must be an id");
        req.street_id = it->get<std::uint64_t>();
    }
    if (auto ids = id_array(body, "branch_ids")) req.branch_ids.emplace(ids->begin(), ids->end());
    return req;
}

booking::Unit parse_unit(const json& body) {
    booking::Unit u;
    u.name = required_string(body, "name", 400);
    auto kind = booking::parse_unit_kind(required_string(body, "kind", 32));
    if (!kind)
        throw field_error("kind",
                          "must be enterprise, government, institution, social_organisation or "
                          "community");
    u.kind = *kind;
    u.street_id = required_id(body, "street_id");
    return u;
}

booking::Branch parse_branch(const json& body) {
    booking::Branch b;
    b.name = required_string(body, "name", 400);
    b.street_id = required_id(body, "street_id");
    auto ids = id_array(body, "unit_ids");
    if (!ids) throw field_error("unit_ids", "must be an array of ids");
    b.unit_ids = std::move(*ids);
    return b;
}

booking::AllianceQuery alliance_query(const Request& req) {
    booking::AllianceQuery q;
    q.street_id = query_id(req, "street_id");
    q.unit_id = query_id(req, "unit_id");
    q.text = req.query_param("q").value_or("");
    if (q.text.size() > 400) throw field_error("q", "is too long");
    if (auto l = req.query_param("limit")) q.limit = query_int(*l, "limit", 1, 200);
    return q;
}

booking::MembershipState membership_state(const Request& req) {
    auto s = booking::parse_membership_state(req.query_param("state").value_or("pending"));
    if (!s || *s == booking::MembershipState::refused)
        throw field_error("state", "must be pending or confirmed");
    return *s;
}

int invitation_days(const json& body) {
    if (!body.contains("days")) return 7;
    return required_int(body, "days");
}

booking::Period parse_period(const Request& req) {
    return {required_query_date(req, "from"), required_query_date(req, "to")};
}

booking::GroupBy parse_group_by(const Request& req) {
    auto g = booking::parse_group_by(req.query_param("group_by").value_or("venue"));
    if (!g)
        throw field_error(
            "group_by",
            "must be street, building, venue, org, branch, unit, day, week, month, hour or "
            "weekday_hour");
    return *g;
}

bool wants_csv(const Request& req) {
    auto f = req.query_param("format");
    if (!f || *f == "json") return false;
    if (*f == "csv") return true;
    throw field_error("format", "must be json or csv");
}

int top_limit(const Request& req) {
    auto l = req.query_param("limit");
    return l ? query_int(*l, "limit", 1, 100) : 10;
}

}  // namespace sh::api
