#include "booking/stats.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "booking/calendar.hpp"
#include "common/names.hpp"

namespace sh::booking {

namespace {
constexpr NameTable group_names{std::pair{GroupBy::street, std::string_view("street")},
                                std::pair{GroupBy::building, std::string_view("building")},
                                std::pair{GroupBy::venue, std::string_view("venue")},
                                std::pair{GroupBy::org, std::string_view("org")},
                                std::pair{GroupBy::branch, std::string_view("branch")},
                                std::pair{GroupBy::unit, std::string_view("unit")},
                                std::pair{GroupBy::day, std::string_view("day")},
                                std::pair{GroupBy::week, std::string_view("week")},
                                std::pair{GroupBy::month, std::string_view("month")},
                                std::pair{GroupBy::hour, std::string_view("hour")},
                                std::pair{GroupBy::weekday_hour, std::string_view("weekday_hour")}};

std::string two_digits(int n) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d", n);
    return buf;
}

std::string month_of(Date d) {
    return format_date(d).substr(0, 7);
}

// The open minutes of one hall on one day, per hour of the day: weekly hours minus closures.
std::array<int, 24> open_by_hour(const VenueOpening& h, Date day) {
    std::array<bool, 1440> open{};
    for (const auto& r : hours_on(h.venue.rules, day))
        for (int m = std::max(0, r.open); m < std::min(1440, r.close); ++m)
            open[static_cast<std::size_t>(m)] = true;
    const TimePoint day_start = to_timepoint(day, 0), day_end = to_timepoint(add_days(day, 1), 0);
    for (const auto& c : h.closures) {
        if (c.to <= day_start || c.from >= day_end) continue;
        auto from = std::max(c.from, day_start), to = std::min(c.to, day_end);
        int a = static_cast<int>(
            std::chrono::duration_cast<std::chrono::minutes>(from - day_start).count());
        int b = static_cast<int>(
            std::chrono::duration_cast<std::chrono::minutes>(to - day_start).count());
        for (int m = a; m < b; ++m) open[static_cast<std::size_t>(m)] = false;
    }
    std::array<int, 24> out{};
    for (int m = 0; m < 1440; ++m)
        out[static_cast<std::size_t>(m / 60)] += open[static_cast<std::size_t>(m)];
    return out;
}

// Whether a grouping tells the hours of a day apart.
bool by_hour(GroupBy g) {
    return g == GroupBy::hour || g == GroupBy::weekday_hour;
}

std::string label_of(GroupBy g, const std::string& key, const std::vector<VenueOpening>& venues) {
    for (const auto& h : venues) {
        if (g == GroupBy::venue && std::to_string(h.venue.id) == key) return h.venue.name;
        if (g == GroupBy::building && std::to_string(h.venue.building_id) == key)
            return h.building_name;
        if (g == GroupBy::street && std::to_string(h.venue.street_id) == key) return h.street_name;
    }
    return key;
}

double ratio(long long a, long long b) {
    return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
}

}  // namespace

std::optional<GroupBy> parse_group_by(std::string_view s) {
    return group_names.parse(s);
}

std::string_view group_by_name(GroupBy g) {
    return group_names.name(g);
}

Booker booker_of(GroupBy g) {
    switch (g) {
        case GroupBy::org: return Booker::org;
        case GroupBy::branch: return Booker::branch;
        case GroupBy::unit: return Booker::unit;
        default: return Booker::none;
    }
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
        return invalid_field("to",
                             "a period is at most " + std::to_string(max_stats_days) + " days");
    return Period{from, to};
}

BookingFigures& BookingFigures::operator+=(const BookingFigures& o) {
    bookings += o.bookings;
    sessions += o.sessions;
    person_times += o.person_times;
    booked_minutes += o.booked_minutes;
    no_shows += o.no_shows;
    cancelled_early += o.cancelled_early;
    cancelled_late += o.cancelled_late;
    pending += o.pending;
    rejected += o.rejected;
    appeals += o.appeals;
    appeals_waived += o.appeals_waived;
    return *this;
}

std::string group_key(GroupBy g, VenueId venue, BuildingId building, StreetId street, Date day,
                      int hour, const std::string& who) {
    switch (g) {
        case GroupBy::street: return std::to_string(street);
        case GroupBy::building: return std::to_string(building);
        case GroupBy::venue: return std::to_string(venue);
        case GroupBy::org:
        case GroupBy::branch:
        case GroupBy::unit: return who;
        case GroupBy::day: return format_date(day);
        case GroupBy::week: return format_date(week_start(day));
        case GroupBy::month: return month_of(day);
        case GroupBy::hour: return two_digits(hour);
        case GroupBy::weekday_hour: return std::to_string(weekday(day)) + "-" + two_digits(hour);
    }
    return {};
}

std::vector<BookingFigures> group_figures(GroupBy g, const std::vector<BookingCell>& cells,
                                          const std::vector<VenueOpening>& venues) {
    std::map<std::string, BookingFigures> groups;
    for (const auto& c : cells) {
        auto key = group_key(g, c.venue_id, c.building_id, c.street_id, c.day, c.hour, c.who);
        auto& f = groups[key];
        if (f.key.empty()) {
            f.key = key;
            f.label = booker_of(g) == Booker::none ? label_of(g, key, venues) : c.who_label;
        }
        f += c.figures;
    }
    std::vector<BookingFigures> out;
    for (auto& [key, f] : groups) out.push_back(std::move(f));
    return out;
}

std::map<std::string, long long> open_minutes(GroupBy g, const std::vector<VenueOpening>& venues,
                                              const Period& p) {
    std::map<std::string, long long> out;
    if (booker_of(g) != Booker::none) return out;
    for (const auto& h : venues) {
        const auto& v = h.venue;
        for (Date day = p.from; !(p.to < day); day = add_days(day, 1)) {
            auto hours = open_by_hour(h, day);
            if (by_hour(g)) {
                for (int hr = 0; hr < 24; ++hr)
                    out[group_key(g, v.id, v.building_id, v.street_id, day, hr, {})] +=
                        hours[static_cast<std::size_t>(hr)];
                continue;
            }
            long long total = 0;
            for (int n : hours) total += n;
            out[group_key(g, v.id, v.building_id, v.street_id, day, 0, {})] += total;
        }
    }
    std::erase_if(out, [](const auto& e) { return e.second == 0; });
    return out;
}

std::vector<UsageRow> usage_rows(GroupBy g, const std::vector<BookingFigures>& figures,
                                 const std::map<std::string, long long>& open,
                                 const std::vector<VenueOpening>& venues) {
    std::map<std::string, UsageRow> rows;
    for (const auto& f : figures) rows[f.key].f = f;
    for (const auto& [key, minutes] : open) {
        auto& r = rows[key];
        if (r.f.key.empty()) {
            r.f.key = key;
            r.f.label = label_of(g, key, venues);
        }
        r.open_minutes = minutes;
    }
    std::vector<UsageRow> out;
    for (auto& [key, r] : rows) {
        if (booker_of(g) == Booker::none) {
            if (!r.open_minutes) r.open_minutes = 0;
            r.utilisation = ratio(r.f.booked_minutes, *r.open_minutes);
        }
        if (r.f.sessions + r.f.no_shows > 0)
            r.checkin_rate = ratio(r.f.sessions, r.f.sessions + r.f.no_shows);
        out.push_back(std::move(r));
    }
    return out;
}

SharingFigures& SharingFigures::operator+=(const SharingFigures& o) {
    sessions += o.sessions;
    minutes += o.minutes;
    person_times += o.person_times;
    return *this;
}

SharingLedger sharing_ledger(std::vector<SharingFlow> flows) {
    std::map<UnitId, SharingRow> rows;
    auto row = [&](UnitId id, const std::string& name) -> SharingRow& {
        auto& r = rows[id];
        r.unit = id;
        r.name = name;
        return r;
    };
    for (const auto& f : flows) {
        if (f.provider == f.user) {
            row(f.provider, f.provider_name).own += f.figures;
            continue;
        }
        row(f.provider, f.provider_name).provided += f.figures;
        row(f.user, f.user_name).used += f.figures;
    }
    SharingLedger out;
    for (auto& [id, r] : rows) out.units.push_back(std::move(r));
    std::stable_sort(out.units.begin(), out.units.end(), [](const auto& a, const auto& b) {
        return a.provided.minutes > b.provided.minutes;
    });
    std::sort(flows.begin(), flows.end(), [](const auto& a, const auto& b) {
        return std::pair(a.provider, a.user) < std::pair(b.provider, b.user);
    });
    out.matrix = std::move(flows);
    return out;
}

}  // namespace sh::booking
