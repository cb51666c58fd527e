#include "booking/stats.hpp"

#include <array>
#include <cstdio>

#include "booking/calendar.hpp"
#include "booking/local_time.hpp"

namespace sh::booking {

namespace {
constexpr std::array<std::pair<GroupBy, std::string_view>, 9> group_names{{
    {GroupBy::street, "street"}, {GroupBy::building, "building"}, {GroupBy::venue, "venue"},
    {GroupBy::org, "org"}, {GroupBy::day, "day"}, {GroupBy::week, "week"}, {GroupBy::month, "month"},
    {GroupBy::hour, "hour"}, {GroupBy::weekday_hour, "weekday_hour"}}};

std::string two_digits(int n) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d", n);
    return buf;
}

std::string month_of(Date d) { return format_date(d).substr(0, 7); }

// The open minutes of one hall on one day, per hour of the day: weekly hours minus closures.
std::array<int, 24> open_by_hour(const HallOpening& h, Date day) {
    std::array<bool, 1440> open{};
    for (const auto& r : hours_on(h.venue.rules, day))
        for (int m = std::max(0, r.open); m < std::min(1440, r.close); ++m) open[static_cast<std::size_t>(m)] = true;
    const TimePoint day_start = to_timepoint(day, 0), day_end = to_timepoint(add_days(day, 1), 0);
    for (const auto& c : h.closures) {
        if (c.to <= day_start || c.from >= day_end) continue;
        auto from = std::max(c.from, day_start), to = std::min(c.to, day_end);
        int a = static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(from - day_start).count());
        int b = static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(to - day_start).count());
        for (int m = a; m < b; ++m) open[static_cast<std::size_t>(m)] = false;
    }
    std::array<int, 24> out{};
    for (int m = 0; m < 1440; ++m) out[static_cast<std::size_t>(m / 60)] += open[static_cast<std::size_t>(m)];
    return out;
}

std::string label_of(GroupBy g, const std::string& key, const std::vector<HallOpening>& halls) {
    for (const auto& h : halls) {
        if (g == GroupBy::venue && std::to_string(h.venue.id) == key) return h.venue.name;
        if (g == GroupBy::building && std::to_string(h.venue.building_id) == key) return h.building_name;
        if (g == GroupBy::street && std::to_string(h.venue.street_id) == key) return h.street_name;
    }
    return key;
}

double ratio(long long a, long long b) { return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0; }

std::string fixed(double v, int places) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", places, v);
    return buf;
}

}  // namespace

std::optional<GroupBy> parse_group_by(std::string_view s) {
    for (const auto& [g, name] : group_names)
        if (name == s) return g;
    return std::nullopt;
}

std::string_view group_by_name(GroupBy g) {
    for (const auto& [x, name] : group_names)
        if (x == g) return name;
    return "venue";
}

Result<StatsScope> stats_scope(const Principal& p) {
    switch (p.role) {
        case Role::district_admin: return StatsScope{};
        case Role::street_admin:
            if (!p.street_id) return make_error(Errc::forbidden, "No street to report on.");
            return StatsScope{p.street_id, std::nullopt};
        case Role::manager: return StatsScope{std::nullopt, p.building_ids};
        case Role::member: break;
    }
    return make_error(Errc::forbidden, "Statistics are for managers and administrators.");
}

Result<Period> check_period(Date from, Date to) {
    if (to < from) return invalid_field("to", "must not be before from");
    if (add_days(from, max_stats_days - 1) < to)
        return invalid_field("to", "a period is at most " + std::to_string(max_stats_days) + " days");
    return Period{from, to};
}

std::map<std::string, long long> open_minutes(GroupBy g, const std::vector<HallOpening>& halls, const Period& p) {
    std::map<std::string, long long> out;
    if (g == GroupBy::org) return out;
    for (const auto& h : halls) {
        for (Date day = p.from; !(p.to < day); day = add_days(day, 1)) {
            auto hours = open_by_hour(h, day);
            long long total = 0;
            for (int n : hours) total += n;
            switch (g) {
                case GroupBy::street: out[std::to_string(h.venue.street_id)] += total; break;
                case GroupBy::building: out[std::to_string(h.venue.building_id)] += total; break;
                case GroupBy::venue: out[std::to_string(h.venue.id)] += total; break;
                case GroupBy::day: out[format_date(day)] += total; break;
                case GroupBy::week: out[format_date(week_start(day))] += total; break;
                case GroupBy::month: out[month_of(day)] += total; break;
                case GroupBy::hour:
                    for (int hr = 0; hr < 24; ++hr) out[two_digits(hr)] += hours[static_cast<std::size_t>(hr)];
                    break;
                case GroupBy::weekday_hour:
                    for (int hr = 0; hr < 24; ++hr)
                        out[std::to_string(weekday(day)) + "-" + two_digits(hr)] += hours[static_cast<std::size_t>(hr)];
                    break;
                case GroupBy::org: break;
            }
        }
    }
    std::erase_if(out, [](const auto& e) { return e.second == 0; });
    return out;
}

std::vector<UsageRow> usage_rows(GroupBy g, const std::vector<BookingFigures>& figures,
                                 const std::map<std::string, long long>& open, const std::vector<HallOpening>& halls) {
    std::map<std::string, UsageRow> rows;
    for (const auto& f : figures) rows[f.key].f = f;
    for (const auto& [key, minutes] : open) {
        auto& r = rows[key];
        if (r.f.key.empty()) {
            r.f.key = key;
            r.f.label = label_of(g, key, halls);
        }
        r.open_minutes = minutes;
    }
    std::vector<UsageRow> out;
    for (auto& [key, r] : rows) {
        if (g != GroupBy::org) {
            if (!r.open_minutes) r.open_minutes = 0;
            r.utilisation = ratio(r.f.booked_minutes, *r.open_minutes);
        }
        if (r.f.sessions + r.f.no_shows > 0) r.checkin_rate = ratio(r.f.sessions, r.f.sessions + r.f.no_shows);
        out.push_back(std::move(r));
    }
    return out;
}

nlohmann::json usage_json(GroupBy g, const Period& p, const std::vector<UsageRow>& rows) {
    return {{"group_by", group_by_name(g)}, {"from", format_date(p.from)}, {"to", format_date(p.to)},
            {"items", usage_items_json(rows)}};
}

nlohmann::json usage_items_json(const std::vector<UsageRow>& rows) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : rows) {
        const auto& f = r.f;
        nlohmann::json j = {{"key", f.key},
                            {"label", f.label},
                            {"bookings", f.bookings},
                            {"sessions", f.sessions},
                            {"person_times", f.person_times},
                            {"booked_hours", static_cast<double>(f.booked_minutes) / 60.0},
                            {"no_shows", f.no_shows},
                            {"cancelled_before_deadline", f.cancelled_early},
                            {"cancelled_after_deadline", f.cancelled_late},
                            {"pending", f.pending},
                            {"rejected", f.rejected}};
        j["open_hours"] = r.open_minutes ? nlohmann::json(static_cast<double>(*r.open_minutes) / 60.0) : nlohmann::json(nullptr);
        j["utilisation"] = r.utilisation ? nlohmann::json(*r.utilisation) : nlohmann::json(nullptr);
        j["checkin_rate"] = r.checkin_rate ? nlohmann::json(*r.checkin_rate) : nlohmann::json(nullptr);
        items.push_back(std::move(j));
    }
    return items;
}

std::string csv_text(const std::string& s) {
    std::string v = s;
    if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r'))
        v = "'" + v;  // shown as text, never run as a formula
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

namespace {
std::string csv_line(const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + cells[i];
    return line + "\r\n";
}
}  // namespace

std::string usage_csv(const std::vector<UsageRow>& rows) {
    std::string out = utf8_bom;
    out += csv_line({"分组", "名称", "预约数", "场次", "人次", "预约时长(小时)", "开放时长(小时)", "利用率", "签到率", "爽约",
                     "截止前取消", "截止后取消", "待审批", "已拒绝"});
    for (const auto& r : rows) {
        const auto& f = r.f;
        out += csv_line({csv_text(f.key), csv_text(f.label), std::to_string(f.bookings), std::to_string(f.sessions),
                         std::to_string(f.person_times), fixed(static_cast<double>(f.booked_minutes) / 60.0, 2),
                         r.open_minutes ? fixed(static_cast<double>(*r.open_minutes) / 60.0, 2) : "",
                         r.utilisation ? fixed(*r.utilisation, 4) : "", r.checkin_rate ? fixed(*r.checkin_rate, 4) : "",
                         std::to_string(f.no_shows), std::to_string(f.cancelled_early), std::to_string(f.cancelled_late),
                         std::to_string(f.pending), std::to_string(f.rejected)});
    }
    return out;
}

std::string ledger_csv(const std::vector<LedgerRow>& rows) {
    std::string out = utf8_bom;
    out += csv_line({"预约编号", "街道", "楼宇", "场地", "日期", "开始", "结束", "状态", "预约人", "党支部", "用途",
                     "预计人数", "签到时间", "到场人次"});
    for (const auto& r : rows) {
        auto s = to_local(r.start), e = to_local(r.end);
        out += csv_line({std::to_string(r.id), csv_text(r.street), csv_text(r.building), csv_text(r.venue),
                         format_date(s.date), format_hhmm(s.minute), format_hhmm(e.date == s.date ? e.minute : 1440),
                         csv_text(r.status), csv_text(r.booker), csv_text(r.org), csv_text(r.purpose),
                         std::to_string(r.attendees), r.checked_in_at ? format_local(to_local(*r.checked_in_at)) : "",
                         std::to_string(r.present)});
    }
    return out;
}

}  // namespace sh::booking
