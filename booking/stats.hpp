#pragma once
// How the halls are used, for the street office: per group (street, building, hall, party
// branch, day, week, month, hour, weekday × hour) the sessions held, person-times, booked and
// open hours, utilisation, check-in rate, no-shows, cancellations and undecided requests; top
// lists; and the per-booking ledger (台账). Pure: the figures of bookings come from a StatsStore,
// the open hours are computed here from each hall's weekly hours minus its closures.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "booking/availability.hpp"
#include "booking/identity.hpp"
#include "booking/venue.hpp"

namespace sh::booking {

enum class GroupBy {
    street,
    building,
    venue,
    org,     // the branch as written (free text, as bookings before units and branches had it)
    branch,  // the booker's branch when booking (its id; 0: none)
    unit,    // the booker's unit when booking (its id; 0: none)
    day,
    week,
    month,
    hour,
    weekday_hour
};
std::optional<GroupBy> parse_group_by(std::string_view s);
std::string_view group_by_name(GroupBy g);
// Who a booking was for, read only when a grouping asks for it.
enum class Booker { none, org, branch, unit };
Booker booker_of(GroupBy g);

// Who sees what: a district admin everything, a street admin its street, a manager its
// buildings; members nothing (forbidden).
struct StatsScope {
    std::optional<StreetId> street;
    std::optional<std::set<BuildingId>> buildings;
};
Result<StatsScope> stats_scope(const Principal& p);

constexpr int max_stats_days = 366;
struct Period {
    Date from, to;  // both included
};
// validation unless from <= to and the period is at most max_stats_days long.
Result<Period> check_period(Date from, Date to);

// What the bookings tables say about one group (grouped by the booking's start).
struct BookingFigures {
    BookingFigures& operator+=(const BookingFigures& o);

    std::string key, label;
    long long bookings = 0;
    long long sessions = 0;        // checked in or completed
    long long person_times = 0;    // people counted by their scans at those sessions
    long long booked_minutes = 0;  // confirmed, checked in, completed or no-show
    long long no_shows = 0;
    long long cancelled_early = 0,
              cancelled_late = 0;  // late: after the deadline (a late-cancel violation)
    long long pending = 0, rejected = 0;
    long long appeals = 0, appeals_waived = 0;  // of these bookings' violations
};

// A hall as its opening is computed: rules, where it belongs, and closures in the period.
struct VenueOpening {
    Venue venue;
    std::string building_name, street_name;
    std::vector<ClosureSpan> closures;
};

// The bookings of one hall that start in one hour of one day (and, when the store is asked for
// branches, were made for one branch): the finest grain the store reads, which every grouping
// folds.
struct BookingCell {
    VenueId venue_id = 0;
    BuildingId building_id = 0;
    StreetId street_id = 0;
    Date day;
    int hour = 0;
    // Who booked, as `Booker` asks (empty for none): org: the booking's branch as written, else
    // its member's, else "(未填写)"; branch, unit: the id (0: 未归属).
    std::string who;
    std::string who_label;  // org: the text; branch, unit: the name, or 未归属
    BookingFigures figures;
};

// The one place a group's key is made, for bookings and open time alike: street/building/venue:
// the id; day: YYYY-MM-DD; week: its Monday; month: YYYY-MM; hour: HH; weekday_hour: "W-HH"
// (1 = Monday); org, branch, unit: who booked.
std::string group_key(GroupBy g, VenueId venue, BuildingId building, StreetId street, Date day,
                      int hour, const std::string& who);

// The cells folded into groups, each labelled (a hall's, building's or street's name; else the
// key), in key order.
std::vector<BookingFigures> group_figures(GroupBy g, const std::vector<BookingCell>& cells,
                                          const std::vector<VenueOpening>& venues);

// The open minutes of every group a hall-minute falls in (none when grouping by who booked).
std::map<std::string, long long> open_minutes(GroupBy g, const std::vector<VenueOpening>& venues,
                                              const Period& p);

struct UsageRow {
    BookingFigures f;
    std::optional<long long> open_minutes;  // none when grouping by who booked
    std::optional<double> utilisation;      // booked / open
    std::optional<double> checkin_rate;     // sessions / (sessions + no-shows)
};
// One row per group with bookings or open time, in key order.
std::vector<UsageRow> usage_rows(GroupBy g, const std::vector<BookingFigures>& figures,
                                 const std::map<std::string, long long>& open,
                                 const std::vector<VenueOpening>& venues);

// One booking in the ledger.
struct LedgerRow {
    std::uint64_t id = 0;
    std::string street, building, venue;
    TimePoint start, end;
    std::string status;
    std::string booker, org, purpose;  // no phone numbers: the ledger travels by e-mail
    int attendees = 0;
    std::optional<TimePoint> checked_in_at;
    int present = 0;
};

// The sharing ledger (共享台账): who used whose halls. A flow is the sessions held (checked in or
// completed) in halls of one providing unit by members of one using unit (unit 0: 未归属, a
// building with no unit or a booker with no branch).
struct SharingFigures {
    long long sessions = 0, minutes = 0, person_times = 0;
    SharingFigures& operator+=(const SharingFigures& o);
};
struct SharingFlow {
    UnitId provider = 0, user = 0;
    std::string provider_name, user_name;  // 未归属 for unit 0
    SharingFigures figures;
};
struct SharingRow {
    UnitId unit = 0;
    std::string name;
    SharingFigures provided;  // its halls, used by other units
    SharingFigures used;      // its members, in other units' halls
    SharingFigures own;       // its members, in its own halls
};
struct SharingLedger {
    std::vector<SharingRow> units;    // most hours provided first, then by id
    std::vector<SharingFlow> matrix;  // provider x user, by ids
};
SharingLedger sharing_ledger(std::vector<SharingFlow> flows);

// The statistics' storage.
class StatsStore {
  public:
    virtual ~StatsStore() = default;
    // The bookings starting in the period, by hall, day and hour (and who booked, as asked).
    virtual std::vector<BookingCell> cells(const Period& p, const StatsScope& scope,
                                           Booker who) = 0;
    // Every hall in scope with its rules and its closures in the period; a constant number of
    // queries, however many halls.
    virtual std::vector<VenueOpening> venues(const Period& p, const StatsScope& scope) = 0;
    virtual std::vector<LedgerRow> ledger(const Period& p, const StatsScope& scope) = 0;
    // The sessions of halls in scope, by providing and using unit.
    virtual std::vector<SharingFlow> sharing(const Period& p, const StatsScope& scope) = 0;
};

}  // namespace sh::booking
