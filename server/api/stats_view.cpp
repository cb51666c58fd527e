#include "server/api/stats_view.hpp"

#include <cstdio>

#include "booking/calendar.hpp"

namespace sh::api {

using namespace booking;
using nlohmann::json;

namespace {

std::string fixed(double v, int places) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", places, v);
    return buf;
}

}  // namespace

nlohmann::json usage_json(GroupBy g, const Period& p, const std::vector<UsageRow>& rows) {
    return {{"group_by", group_by_name(g)},
            {"from", format_date(p.from)},
            {"to", format_date(p.to)},
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
                            {"rejected", f.rejected},
                            {"appeals", f.appeals},
                            {"appeals_waived", f.appeals_waived}};
        j["open_hours"] = r.open_minutes
                              ? nlohmann::json(static_cast<double>(*r.open_minutes) / 60.0)
                              : nlohmann::json(nullptr);
        j["utilisation"] = r.utilisation ? nlohmann::json(*r.utilisation) : nlohmann::json(nullptr);
        j["checkin_rate"] =
            r.checkin_rate ? nlohmann::json(*r.checkin_rate) : nlohmann::json(nullptr);
        items.push_back(std::move(j));
    }
    return items;
}

std::string csv_text(const std::string& s) {
    std::string v = s;
    if (!v.empty() &&
        (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r'))
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
    out += csv_line({"分组", "名称", "预约数", "场次", "人次", "预约时长(小时)", "开放时长(小时)",
                     "利用率", "签到率", "爽约", "截止前取消", "截止后取消", "待审批", "已拒绝",
                     "申诉", "申诉后免除"});
    for (const auto& r : rows) {
        const auto& f = r.f;
        out +=
            csv_line({csv_text(f.key), csv_text(f.label), std::to_string(f.bookings),
                      std::to_string(f.sessions), std::to_string(f.person_times),
                      fixed(static_cast<double>(f.booked_minutes) / 60.0, 2),
                      r.open_minutes ? fixed(static_cast<double>(*r.open_minutes) / 60.0, 2) : "",
                      r.utilisation ? fixed(*r.utilisation, 4) : "",
                      r.checkin_rate ? fixed(*r.checkin_rate, 4) : "", std::to_string(f.no_shows),
                      std::to_string(f.cancelled_early), std::to_string(f.cancelled_late),
                      std::to_string(f.pending), std::to_string(f.rejected),
                      std::to_string(f.appeals), std::to_string(f.appeals_waived)});
    }
    return out;
}

std::string ledger_csv(const std::vector<LedgerRow>& rows) {
    std::string out = utf8_bom;
    out += csv_line({"预约编号", "街道", "楼宇", "场地", "日期", "开始", "结束", "状态", "预约人",
                     "党支部", "用途", "预计人数", "签到时间", "到场人次"});
    for (const auto& r : rows) {
        auto s = to_local(r.start), e = to_local(r.end);
        out += csv_line({std::to_string(r.id), csv_text(r.street), csv_text(r.building),
                         csv_text(r.venue), format_date(s.date), format_hhmm(s.minute),
                         format_hhmm(e.date == s.date ? e.minute : 1440), csv_text(r.status),
                         csv_text(r.booker), csv_text(r.org), csv_text(r.purpose),
                         std::to_string(r.attendees),
                         r.checked_in_at ? format_local(to_local(*r.checked_in_at)) : "",
                         std::to_string(r.present)});
    }
    return out;
}

namespace {
json figures_json(const booking::SharingFigures& f) {
    return {{"sessions", f.sessions},
            {"hours", static_cast<double>(f.minutes) / 60.0},
            {"person_times", f.person_times}};
}
std::vector<std::string> figures_cells(const booking::SharingFigures& f) {
    return {fixed(static_cast<double>(f.minutes) / 60.0, 2), std::to_string(f.sessions),
            std::to_string(f.person_times)};
}
}  // namespace

json sharing_json(const booking::Period& p, const booking::SharingLedger& l) {
    auto units = json::array();
    for (const auto& r : l.units)
        units.push_back({{"unit_id", r.unit},
                         {"name", r.name},
                         {"provided", figures_json(r.provided)},
                         {"used", figures_json(r.used)},
                         {"own", figures_json(r.own)}});
    auto matrix = json::array();
    for (const auto& f : l.matrix) {
        auto j = figures_json(f.figures);
        j["provider_id"] = f.provider;
        j["provider"] = f.provider_name;
        j["user_id"] = f.user;
        j["user"] = f.user_name;
        matrix.push_back(j);
    }
    return {{"from", format_date(p.from)},
            {"to", format_date(p.to)},
            {"units", units},
            {"matrix", matrix}};
}

std::string sharing_csv(const booking::SharingLedger& l) {
    std::string out = utf8_bom;
    out += csv_line({"单位", "提供给其他单位(小时)", "提供场次", "提供人次", "使用其他单位(小时)",
                     "使用场次", "使用人次", "本单位自用(小时)", "自用场次", "自用人次"});
    for (const auto& r : l.units) {
        std::vector<std::string> cells{csv_text(r.name)};
        for (const auto* f : {&r.provided, &r.used, &r.own})
            for (auto& c : figures_cells(*f)) cells.push_back(std::move(c));
        out += csv_line(cells);
    }
    out += "\r\n";
    out += csv_line({"提供单位", "使用单位", "小时", "场次", "人次"});
    for (const auto& f : l.matrix) {
        std::vector<std::string> cells{csv_text(f.provider_name), csv_text(f.user_name)};
        for (auto& c : figures_cells(f.figures)) cells.push_back(std::move(c));
        out += csv_line(cells);
    }
    return out;
}

}  // namespace sh::api
