#include "booking/venue.hpp"
#include "common/utf8.hpp"

#include <algorithm>

#include "common/names.hpp"

namespace sh::booking {

using nlohmann::json;

namespace {
constexpr NameTable open_to_names{std::pair{OpenTo::district, std::string_view("district")},
                                  std::pair{OpenTo::street, std::string_view("street")},
                                  std::pair{OpenTo::units, std::string_view("units")}};
}  // namespace

std::string_view open_to_name(OpenTo o) {
    return open_to_names.name(o);
}
std::optional<OpenTo> parse_open_to(std::string_view s) {
    return open_to_names.parse(s);
}

const std::vector<std::string>& known_facilities() {
    static const std::vector<std::string> all = {
        "projector", "microphone",  "whiteboard", "video_conferencing", "screen", "speakers",
        "stage",     "tea_service", "wifi",       "accessible"};
    return all;
}

std::optional<AppError> validate_venue(const Venue& v) {
    auto text = [](const std::string& field, const std::string& s, std::size_t max,
                   bool required) -> std::optional<AppError> {
        auto len = utf8::length(s);
        if (!len) return invalid_field(field, "must be valid UTF-8 text");
        if (required && *len == 0) return invalid_field(field, "is required");
        if (*len > max)
            return invalid_field(field, "must be at most " + std::to_string(max) + " characters");
        return std::nullopt;
    };
    if (v.building_id == 0) return invalid_field("building_id", "is required");
    if (auto e = text("name", v.name, 100, true)) return e;
    if (auto e = text("description", v.description, 2000, false)) return e;
    if (auto e = text("floor", v.floor, 50, false)) return e;
    if (v.capacity < 1 || v.capacity > 10000)
        return invalid_field("capacity", "must be between 1 and 10000");
    for (const auto& f : v.facilities)
        if (std::find(known_facilities().begin(), known_facilities().end(), f) ==
            known_facilities().end())
            return invalid_field("facilities", "unknown facility '" + f + "'");
    if (v.photos.size() > 20) return invalid_field("photos", "at most 20 photos");
    for (const auto& p : v.photos)
        if (p.rfind("https://", 0) != 0 || p.size() > 500)
            return invalid_field("photos", "must be https:// URLs");

    const auto& r = v.rules;
    if (r.slot_minutes < quantum_minutes || r.slot_minutes % quantum_minutes != 0 ||
        r.slot_minutes > 1440)
        return invalid_field("slot_minutes", "must be a positive multiple of 15");
    if (r.horizon_days < 0 || r.horizon_days > 90)
        return invalid_field("horizon_days", "must be between 0 and 90");
    if (r.release_minute < 0 || r.release_minute >= 1440)
        return invalid_field("release_time", "must be a time of day");
    if (r.min_minutes < r.slot_minutes || r.min_minutes % r.slot_minutes != 0)
        return invalid_field("min_minutes", "must be a multiple of slot_minutes");
    if (r.max_minutes < r.min_minutes || r.max_minutes % r.slot_minutes != 0 ||
        r.max_minutes > 1440)
        return invalid_field("max_minutes",
                             "must be a multiple of slot_minutes and at least min_minutes");
    if (r.cancel_deadline_minutes < 0 || r.cancel_deadline_minutes > 14 * 1440)
        return invalid_field("cancel_deadline_minutes", "must be between 0 and 20160");
    if (r.checkin_before_minutes < 0 || r.checkin_before_minutes > 120)
        return invalid_field("checkin_before_minutes", "must be between 0 and 120");
    if (r.checkin_after_minutes < 0 || r.checkin_after_minutes > 120)
        return invalid_field("checkin_after_minutes", "must be between 0 and 120");
    if (r.escalate_after_hours < 1 || r.escalate_after_hours > 168)
        return invalid_field("escalate_after_hours", "must be between 1 and 168");
    if (r.buffer_minutes < 0 || r.buffer_minutes > 240 || r.buffer_minutes % quantum_minutes != 0)
        return invalid_field("buffer_minutes", "must be a multiple of 15 between 0 and 240");
    if (r.min_notice_minutes < 0 || r.min_notice_minutes > 14 * 1440)
        return invalid_field("min_notice_minutes", "must be between 0 and 20160");
    if (r.max_active_here < 0 || r.max_active_here > 100)
        return invalid_field("max_active_here", "must be between 0 (no limit) and 100");
    if (r.open_to == OpenTo::units && r.open_units.empty())
        return invalid_field("open_units", "name at least one unit when the hall is open to units");
    if (r.open_units.size() > 50) return invalid_field("open_units", "at most 50 units");

    auto hours = r.weekly_hours;
    std::sort(hours.begin(), hours.end());
    for (std::size_t i = 0; i < hours.size(); ++i) {
        const auto& h = hours[i];
        if (h.weekday < 1 || h.weekday > 7)
            return invalid_field("weekly_hours", "weekday must be 1 (Monday) to 7");
        if (h.open < 0 || h.close > 1440 || h.close <= h.open)
            return invalid_field("weekly_hours", "close must be after open");
        if (h.open % quantum_minutes != 0 || h.close % quantum_minutes != 0)
            return invalid_field("weekly_hours", "times must be on a quarter hour");
        if ((h.close - h.open) % r.slot_minutes != 0)
            return invalid_field("weekly_hours", "the slot length must divide every range (" +
                                                     format_hhmm(h.open) + "–" +
                                                     format_hhmm(h.close) + ")");
        if (i > 0 && hours[i - 1].weekday == h.weekday && hours[i - 1].close > h.open)
            return invalid_field("weekly_hours", "ranges of one day must not overlap");
    }
    return std::nullopt;
}

std::vector<HoursRange> hours_on(const VenueRules& rules, Date d) {
    std::vector<HoursRange> out;
    int wd = weekday(d);
    for (const auto& h : rules.weekly_hours)
        if (h.weekday == wd) out.push_back(h);
    std::sort(out.begin(), out.end());
    return out;
}

json hours_json(const std::vector<HoursRange>& hours) {
    json out = json::array();
    for (const auto& h : hours)
        out.push_back({{"weekday", h.weekday},
                       {"open", format_hhmm(h.open)},
                       {"close", format_hhmm(h.close)}});
    return out;
}

json venue_json(const Venue& v) {
    const auto& r = v.rules;
    return {{"id", v.id},
            {"building_id", v.building_id},
            {"street_id", v.street_id},
            {"name", v.name},
            {"capacity", v.capacity},
            {"facilities", v.facilities},
            {"description", v.description},
            {"photos", v.photos},
            {"floor", v.floor},
            {"requires_approval", r.requires_approval},
            {"slot_minutes", r.slot_minutes},
            {"horizon_days", r.horizon_days},
            {"release_time", format_hhmm(r.release_minute)},
            {"min_minutes", r.min_minutes},
            {"max_minutes", r.max_minutes},
            {"cancel_deadline_minutes", r.cancel_deadline_minutes},
            {"checkin_before_minutes", r.checkin_before_minutes},
            {"checkin_after_minutes", r.checkin_after_minutes},
            {"weekly_hours", hours_json(r.weekly_hours)},
            {"buffer_minutes", r.buffer_minutes},
            {"escalate_after_hours", r.escalate_after_hours},
            {"min_notice_minutes", r.min_notice_minutes},
            {"max_active_here", r.max_active_here},
            {"open_to", open_to_name(r.open_to)},
            {"open_units", r.open_to == OpenTo::units ? r.open_units : std::vector<UnitId>{}}};
}

std::optional<AppError> apply_venue_json(const json& j, Venue& v) {
    if (!j.is_object()) return make_error(Errc::validation, "The body must be a JSON object.");
    auto integer = [&](const char* field, auto& out) -> std::optional<AppError> {
        if (!j.contains(field)) return std::nullopt;
        const auto& x = j[field];
        if (!x.is_number_integer()) return invalid_field(field, "must be an integer");
        auto n = x.get<long long>();
        if (n < -1'000'000 || n > 1'000'000) return invalid_field(field, "is out of range");
        out = static_cast<std::remove_reference_t<decltype(out)>>(n);
        return std::nullopt;
    };
    auto string = [&](const char* field, std::string& out) -> std::optional<AppError> {
        if (!j.contains(field)) return std::nullopt;
        if (!j[field].is_string()) return invalid_field(field, "must be a string");
        out = j[field].get<std::string>();
        return std::nullopt;
    };
    auto strings = [&](const char* field,
                       std::vector<std::string>& out) -> std::optional<AppError> {
        if (!j.contains(field)) return std::nullopt;
        if (!j[field].is_array()) return invalid_field(field, "must be an array of strings");
        std::vector<std::string> list;
        for (const auto& e : j[field]) {
            if (!e.is_string()) return invalid_field(field, "must be an array of strings");
            list.push_back(e.get<std::string>());
        }
        out = std::move(list);
        return std::nullopt;
    };
    for (const auto& [key, value] : j.items()) {
        static const std::vector<std::string> allowed = {"building_id",
                                                         "name",
                                                         "capacity",
                                                         "facilities",
                                                         "description",
                                                         "photos",
                                                         "floor",
                                                         "requires_approval",
                                                         "slot_minutes",
                                                         "horizon_days",
                                                         "release_time",
                                                         "min_minutes",
                                                         "max_minutes",
                                                         "cancel_deadline_minutes",
                                                         "checkin_before_minutes",
                                                         "checkin_after_minutes",
                                                         "weekly_hours",
                                                         "buffer_minutes",
                                                         "escalate_after_hours",
                                                         "min_notice_minutes",
                                                         "max_active_here",
                                                         "open_to",
                                                         "open_units"};
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            return invalid_field(key, "unknown field");
    }
    auto& r = v.rules;
    for (auto e :
         {integer("building_id", v.building_id), integer("capacity", v.capacity),
          string("name", v.name), string("description", v.description), string("floor", v.floor),
          strings("facilities", v.facilities), strings("photos", v.photos),
          integer("slot_minutes", r.slot_minutes), integer("horizon_days", r.horizon_days),
          integer("min_minutes", r.min_minutes), integer("max_minutes", r.max_minutes),
          integer("cancel_deadline_minutes", r.cancel_deadline_minutes),
          integer("checkin_before_minutes", r.checkin_before_minutes),
          integer("checkin_after_minutes", r.checkin_after_minutes),
          integer("buffer_minutes", r.buffer_minutes),
          integer("escalate_after_hours", r.escalate_after_hours),
          integer("min_notice_minutes", r.min_notice_minutes),
          integer("max_active_here", r.max_active_here)})
        if (e) return e;
    if (j.contains("open_to")) {
        auto o = j["open_to"].is_string() ? parse_open_to(j["open_to"].get<std::string>())
                                          : std::nullopt;
        if (!o) return invalid_field("open_to", "must be district, street or units");
        r.open_to = *o;
    }
    if (j.contains("open_units")) {
        const auto& u = j["open_units"];
        if (!u.is_array()) return invalid_field("open_units", "must be an array of unit ids");
        std::vector<UnitId> ids;
        for (const auto& x : u) {
            if (!x.is_number_integer() || x.get<long long>() <= 0)
                return invalid_field("open_units", "must be an array of unit ids");
            ids.push_back(x.get<UnitId>());
        }
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        r.open_units = std::move(ids);
    }
    if (j.contains("requires_approval")) {
        if (!j["requires_approval"].is_boolean())
            return invalid_field("requires_approval", "must be true or false");
        r.requires_approval = j["requires_approval"].get<bool>();
    }
    if (j.contains("release_time")) {
        auto m = j["release_time"].is_string() ? parse_hhmm(j["release_time"].get<std::string>())
                                               : std::nullopt;
        if (!m) return invalid_field("release_time", "must be HH:MM");
        r.release_minute = *m;
    }
    if (j.contains("weekly_hours")) {
        if (!j["weekly_hours"].is_array()) return invalid_field("weekly_hours", "must be an array");
        std::vector<HoursRange> hours;
        for (const auto& h : j["weekly_hours"]) {
            if (!h.is_object() || !h.contains("weekday") || !h["weekday"].is_number_integer() ||
                !h.contains("open") || !h["open"].is_string() || !h.contains("close") ||
                !h["close"].is_string())
                return invalid_field("weekly_hours",
                                     "each entry needs weekday (1-7), open and close (HH:MM)");
            auto open = parse_hhmm(h["open"].get<std::string>());
            auto close = parse_hhmm(h["close"].get<std::string>(), /*allow_24=*/true);
            if (!open || !close)
                return invalid_field("weekly_hours",
                                     "open and close must be HH:MM (close may be 24:00)");
            hours.push_back(HoursRange{h["weekday"].get<int>(), *open, *close});
        }
        r.weekly_hours = std::move(hours);
    }
    return std::nullopt;
}

}  // namespace sh::booking
