#include "server/mysql/demo_seed.hpp"

#include "booking/calendar.hpp"
#include "booking/notice.hpp"
#include "server/mysql/sql_time.hpp"

#include <random>

#include <map>

#include <memory>
#include <stdexcept>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "server/mysql/venue_store.hpp"

namespace sh::mysql {

using namespace booking;

namespace {

struct VenueTemplate {
    const char* name;
    int capacity;
    std::vector<std::string> facilities;
    const char* floor;
    bool requires_approval;
    int slot_minutes;
    int min_minutes, max_minutes;
    int kind;  // 0: office hours with a lunch break, 1: long day, 2: every day
};

std::vector<HoursRange> hours_of(int kind) {
    std::vector<HoursRange> h;
    for (int wd = 1; wd <= 7; ++wd) {
        bool weekday = wd <= 5;
        if (kind == 0 && weekday) {
            h.push_back({wd, 9 * 60, 12 * 60});
            h.push_back({wd, 13 * 60 + 30, 21 * 60});
        } else if (kind == 1 && weekday) {
            h.push_back({wd, 8 * 60 + 30, 17 * 60 + 30});
        } else if (kind == 2) {
            h.push_back({wd, 9 * 60, weekday ? 21 * 60 : 17 * 60});
        }
    }
    return h;
}

const std::vector<VenueTemplate>& venues() {
    static const std::vector<VenueTemplate> t = {
        {"党群服务站活动室", 30, {"projector", "whiteboard", "wifi"}, "1F", false, 30, 60, 180, 0},
        {"多功能报告厅",
         150,
         {"projector", "microphone", "speakers", "stage", "screen"},
         "2F",
         true,
         60,
         60,
         240,
         1},
        {"共享会议室A",
         12,
         {"screen", "whiteboard", "video_conferencing", "wifi"},
         "5F",
         false,
         30,
         30,
         120,
         2},
        {"党员之家", 40, {"projector", "microphone", "tea_service"}, "3F", false, 30, 60, 180, 0},
        {"洽谈室", 8, {"whiteboard", "wifi"}, "6F", false, 30, 30, 120, 2},
    };
    return t;
}

struct BuildingSeed {
    const char* street;
    const char* name;
    const char* address;
    int venues;
    const char* unit;  // the unit that provides the building (its 党支部 is "<unit>党支部")
};

// Runs `q` (its parameters already set) and returns the id it made.
std::uint64_t insert_returning_id(Conn& c, sql::PreparedStatement& q) {
    q.executeUpdate();
    return c.last_insert_id();
}

}  // namespace

int seed_demo(Conn& c) {
    {
        std::unique_ptr<sql::ResultSet> rs(c.prepare("SELECT COUNT(*) FROM venues").executeQuery());
        rs->next();
        if (rs->getInt(1) > 0) return 0;
    }
    const std::vector<const char*> streets = {
        "江宁路街道", "石门二路街道", "南京西路街道", "静安寺街道", "临汾路街道",   "曹家渡街道",
        "宝山路街道", "共和新路街道", "彭浦新村街道", "大宁路街道", "天目西路街道", "北站街道"};
    const std::vector<BuildingSeed> buildings = {
        {"江宁路街道", "新城大厦", "江宁路", 3, "上海新城置业有限公司"},
        {"江宁路街道", "冠生园金融园", "江宁路", 2, "冠生园（集团）有限公司"},
        {"石门二路街道", "越洋国际广场", "石门二路", 4, "越洋国际广场管理有限公司"},
        {"南京西路街道", "恒隆广场", "南京西路", 5, "恒隆地产上海分公司"},
        {"南京西路街道", "嘉里中心", "南京西路", 3, "嘉里建设上海公司"},
        {"静安寺街道", "会德丰国际广场", "南京西路", 2, "会德丰地产（上海）有限公司"},
        {"曹家渡街道", "长峰中心", "长寿路", 3, "长峰房地产开发有限公司"},
        {"天目西路街道", "不夜城商务楼", "天目西路", 2, "不夜城商务楼物业公司"},
        {"北站街道", "苏河湾中心", "北苏州路", 3, "苏河湾开发建设有限公司"},
        {"大宁路街道", "大宁中心广场", "共和新路", 4, "大宁中心广场运营有限公司"},
        {"临汾路街道", "临汾路社区党群服务中心", "临汾路", 2, "临汾路街道社区党群服务中心"},
        {"彭浦新村街道", "彭浦新村党建服务站", "临汾路", 2, "彭浦新村第一居民区"},
    };

    c.execute("START TRANSACTION");
    try {
        auto& ins_street = c.prepare("INSERT IGNORE INTO streets (name) VALUES (?)");
        for (auto s : streets) {
            ins_street.setString(1, s);
            ins_street.executeUpdate();
        }
        MysqlVenueStore store(c);
        auto& find_street = c.prepare("SELECT id FROM streets WHERE name = ?");
        auto& ins_unit = c.prepare("INSERT INTO units (street_id, name, kind) VALUES (?, ?, ?)");
        auto& ins_branch = c.prepare("INSERT INTO branches (street_id, name) VALUES (?, ?)");
        auto& ins_branch_unit = c.prepare("INSERT INTO branch_units VALUES (?, ?)");
        auto& set_unit = c.prepare("UPDATE buildings SET unit_id = ? WHERE id = ?");
        // A unit of the street and its branch (joint over `more` units too).
        auto add_branch = [&](StreetId street, const std::string& name,
                              const std::vector<std::uint64_t>& units) {
            ins_branch.setUInt64(1, street);
            ins_branch.setString(2, name);
            auto id = insert_returning_id(c, ins_branch);
            for (auto u : units) {
                ins_branch_unit.setUInt64(1, id);
                ins_branch_unit.setUInt64(2, u);
                ins_branch_unit.executeUpdate();
            }
        };
        auto add_unit = [&](StreetId street, const std::string& name, const char* kind) {
            ins_unit.setUInt64(1, street);
            ins_unit.setString(2, name);
            ins_unit.setString(3, kind);
            auto id = insert_returning_id(c, ins_unit);
            add_branch(street, name + "党支部", {id});
            return id;
        };
        auto street_of = [&](const char* name) {
            find_street.setString(1, name);
            std::unique_ptr<sql::ResultSet> rs(find_street.executeQuery());
            rs->next();
            return rs->getUInt64(1);
        };
        // Each street's office is a unit; a street with two buildings or more has a joint branch
        // of the units that provide them (a 楼宇联合党支部).
        std::map<StreetId, std::vector<std::uint64_t>> building_units;
        for (auto name : streets)
            add_unit(street_of(name), std::string(name) + "办事处", "government");
        int created = 0;
        for (const auto& b : buildings) {
            Building building{0, street_of(b.street), b.name,
                              std::string("上海市静安区") + b.address};
            building.id = store.insert_building(building);
            auto unit =
                add_unit(building.street_id, b.unit,
                         std::string(b.unit).find("居民区") != std::string::npos ? "community"
                                                                                 : "enterprise");
            set_unit.setUInt64(1, unit);
            set_unit.setUInt64(2, building.id);
            set_unit.executeUpdate();
            building_units[building.street_id].push_back(unit);
            for (int i = 0; i < b.venues; ++i) {
                const auto& t = venues()[static_cast<std::size_t>(i)];
                Venue v;
                v.building_id = building.id;
                v.street_id = building.street_id;
                v.name = t.name;
                v.capacity = t.capacity;
                v.facilities = t.facilities;
                v.description = std::string(b.name) + t.name + "，区域化党建联盟成员单位共享使用。";
                v.floor = t.floor;
                v.rules.requires_approval = t.requires_approval;
                v.rules.slot_minutes = t.slot_minutes;
                v.rules.min_minutes = t.min_minutes;
                v.rules.max_minutes = t.max_minutes;
                v.rules.horizon_days = 14;
                v.rules.release_minute = 8 * 60;
                v.rules.cancel_deadline_minutes = t.capacity >= 100 ? 24 * 60 : 120;
                v.rules.weekly_hours = hours_of(t.kind);
                if (auto e = validate_venue(v))
                    throw std::logic_error(
                        "demo hall invalid: " + std::string(booking::code_of(e->code)) + " " +
                        e->message);
                store.insert_venue(v);
                ++created;
            }
        }
        for (const auto& [street, units] : building_units)
            if (units.size() >= 2) {
                auto& name = c.prepare("SELECT name FROM streets WHERE id = ?");
                name.setUInt64(1, street);
                std::unique_ptr<sql::ResultSet> rs(name.executeQuery());
                rs->next();
                add_branch(street, std::string(rs->getString(1)) + "楼宇联合党支部", units);
            }
        c.execute("COMMIT");
        return created;
    } catch (...) {
        c.execute("ROLLBACK");
        throw;
    }
}

namespace {

// Rows go in by the thousand: one multi-row INSERT per batch (numbers and fixed words only,
// escaped by construction).
// Rows written 1,000 at a time. Rows that refer to another batch's (a scan to its booking) name
// it as `parent`: it is written first, so no row ever meets a foreign key to a row not yet there.
class BatchInsert {
  public:
    BatchInsert(Conn& c, std::string head, BatchInsert* parent = nullptr)
        : c_(c), head_(std::move(head)), parent_(parent) {}
    ~BatchInsert() { flush(); }
    void add(const std::string& row) {
        values_ += (values_.empty() ? "" : ",") + row;
        if (++n_ == 1000) flush();
    }
    void flush() {
        if (n_ == 0) return;
        if (parent_) parent_->flush();
        c_.execute(head_ + values_);
        values_.clear();
        n_ = 0;
    }

  private:
    Conn& c_;
    std::string head_, values_;
    BatchInsert* parent_;
    int n_ = 0;
};

std::string sql_text(const std::string& s) {
    return "'" + s + "'";
}

}  // namespace

int seed_history(Conn& c, int n, booking::Date today, unsigned seed) {
    std::mt19937 rng(seed);
    auto pick = [&](int lo, int hi) {
        return lo + static_cast<int>(rng() % static_cast<unsigned>(hi - lo + 1));
    };
    std::vector<std::pair<std::uint64_t, int>> venues;  // id, capacity
    {
        std::unique_ptr<sql::ResultSet> rs(
            c.prepare("SELECT id, capacity FROM venues ORDER BY id").executeQuery());
        while (rs->next()) venues.push_back({rs->getUInt64(1), rs->getInt(2)});
    }
    if (venues.empty() || n <= 0) return 0;
    // The district's branches (seed_demo's), each with its first unit; members of each, most
    // confirmed, some waiting, and a few who only typed a name (as members did before branches
    // were records: what sharedhall map-orgs is for). Without branches: 300 typed names.
    struct SeedBranch {
        std::uint64_t id, unit;
        std::string name;
    };
    std::vector<SeedBranch> branches;
    {
        std::unique_ptr<sql::ResultSet> rs(
            c.prepare("SELECT b.id, MIN(bu.unit_id), b.name FROM branches b JOIN branch_units bu "
                      "ON bu.branch_id = b.id GROUP BY b.id, b.name ORDER BY b.id")
                .executeQuery());
        while (rs->next())
            branches.push_back({rs->getUInt64(1), rs->getUInt64(2), rs->getString(3)});
    }
    const int members = branches.empty() ? 600 : static_cast<int>(branches.size()) * 12;
    struct SeedMember {
        std::uint64_t id;
        std::string branch, unit;  // SQL values: an id or NULL
    };
    std::vector<SeedMember> users;
    {
        BatchInsert ins(c,
                        "INSERT IGNORE INTO users (openid, name, org, branch_id, unit_id, "
                        "branch_state, branch_requested_at) VALUES ");
        const std::string asked =
            sql_text(to_sql_datetime(booking::to_timepoint(add_days(today, -400), 9 * 60)));
        for (int i = 0; i < members; ++i) {
            std::string openid = sql_text("seed-member-" + std::to_string(i));
            std::string name = sql_text("党员" + std::to_string(i));
            if (branches.empty()) {
                ins.add("(" + openid + ", " + name + ", " +
                        sql_text("第" + std::to_string(i / 2 + 1) + "党支部") +
                        ", NULL, NULL, NULL, NULL)");
                continue;
            }
            const auto& b = branches[static_cast<std::size_t>(i) % branches.size()];
            int roll = i % 20;
            if (roll == 19) {  // typed only
                ins.add("(" + openid + ", " + name + ", " + sql_text(b.name) +
                        ", NULL, NULL, NULL, NULL)");
                continue;
            }
            ins.add("(" + openid + ", " + name + ", " + sql_text(b.name) + ", " +
                    std::to_string(b.id) + ", " + std::to_string(b.unit) + ", " +
                    sql_text(roll >= 17 ? "pending" : "confirmed") + ", " + asked + ")");
        }
    }
    {
        std::unique_ptr<sql::ResultSet> rs(
            c.prepare("SELECT id, IFNULL(branch_id, 'NULL'), IFNULL(unit_id, 'NULL') FROM users "
                      "WHERE openid LIKE 'seed-member-%' ORDER BY id")
                .executeQuery());
        while (rs->next()) users.push_back({rs->getUInt64(1), rs->getString(2), rs->getString(3)});
    }
    std::uint64_t next_id = 1;
    {
        std::unique_ptr<sql::ResultSet> rs(
            c.prepare("SELECT COALESCE(MAX(id), 0) + 1 FROM bookings").executeQuery());
        rs->next();
        next_id = rs->getUInt64(1);
    }
    const std::uint64_t first_new = next_id;
    const char* purposes[] = {"支部组织生活会", "主题党日活动", "党课学习",
                              "理论学习中心组", "志愿服务培训", "两新组织联建活动"};
    std::map<std::pair<std::uint64_t, int>, std::vector<std::pair<int, int>>>
        taken;  // (hall, day) -> ranges
    BatchInsert bookings(c,
                         "INSERT INTO bookings (id, venue_id, user_id, starts_at, ends_at, status, "
                         "purpose, attendees, org, checked_in_at, branch_id, unit_id) VALUES ");
    BatchInsert scans(c, "INSERT IGNORE INTO attendance (booking_id, user_id, scanned_at) VALUES ",
                      &bookings);
    BatchInsert violations(c,
                           "INSERT IGNORE INTO violations (user_id, booking_id, kind, "
                           "weight_milli, created_at) VALUES ",
                           &bookings);
    // As the server writes them: a completed booking owns its quarters; its member was told of a
    // rejection, an expiry or a no-show (long since sent and read).
    BatchInsert quanta(c, "INSERT INTO booking_quanta (venue_id, slot_start, booking_id) VALUES ",
                       &bookings);
    BatchInsert told(c,
                     "INSERT IGNORE INTO notices (user_id, kind, subject_kind, subject_id, "
                     "dedup_key, note, status, next_attempt_at, created_at, sent_at, read_at) "
                     "VALUES ",
                     &bookings);
    int written = 0;
    for (int attempt = 0; written < n && attempt < n * 8; ++attempt) {
        int day_offset = pick(1, 365);
        auto day = booking::add_days(today, -day_offset);
        bool weekend = booking::weekday(day) >= 6;
        if (weekend && rng() % 3) continue;  // weekdays are busier
        // Any half hour from 08:00, weighted to mornings, afternoons and (most) evenings.
        static const int starts[] = {8,  9,  9,  10, 10, 11, 12, 13, 14, 14,
                                     15, 15, 16, 17, 18, 18, 19, 19, 19, 20};
        int start = starts[rng() % 20] * 60 + (rng() % 2) * 30;
        static const int lengths[] = {30, 60, 60, 60, 90, 120};
        int end = std::min(21 * 60, start + lengths[rng() % 6]);
        if (end <= start) continue;
        auto [venue, capacity] = venues[rng() % venues.size()];
        auto& ranges = taken[{venue, day_offset}];
        bool overlaps = false;
        for (auto [a, b] : ranges) overlaps = overlaps || (start < b && a < end);
        if (overlaps) continue;
        ranges.push_back({start, end});
        const auto& member = users[rng() % users.size()];
        auto user = member.id;
        int roll = pick(1, 100);
        std::string status = roll <= 78   ? "completed"
                             : roll <= 86 ? "no_show"
                             : roll <= 94 ? "cancelled"
                             : roll <= 97 ? "rejected"
                                          : "expired";
        auto starts_at = booking::to_timepoint(day, start);
        std::string id = std::to_string(next_id++);
        std::string checked_in =
            status == "completed"
                ? sql_text(to_sql_datetime(starts_at - std::chrono::minutes(pick(0, 14))))
                : "NULL";
        bookings.add("(" + id + ", " + std::to_string(venue) + ", " + std::to_string(user) + ", " +
                     sql_text(to_sql_datetime(starts_at)) + ", " +
                     sql_text(to_sql_datetime(booking::to_timepoint(day, end))) + ", " +
                     sql_text(status) + ", " + sql_text(purposes[rng() % 6]) + ", " +
                     std::to_string(pick(5, std::max(6, capacity))) + ", '', " + checked_in + ", " +
                     member.branch + ", " + member.unit + ")");
        if (status == "completed") {
            // The member checked in with the hall's code (the first scan), then others came.
            scans.add("(" + id + ", " + std::to_string(user) + ", " + checked_in + ")");
            for (int k = 0, people = pick(0, 7); k < people; ++k)
                scans.add("(" + id + ", " + std::to_string(users[rng() % users.size()].id) + ", " +
                          sql_text(to_sql_datetime(starts_at + std::chrono::minutes(pick(0, 30)))) +
                          ")");
            for (int m = start; m < end; m += booking::quantum_minutes)
                quanta.add("(" + std::to_string(venue) + ", " +
                           sql_text(to_sql_datetime(booking::to_timepoint(day, m))) + ", " + id +
                           ")");
        }
        if (status == "no_show" || status == "rejected" || status == "expired") {
            auto at = status == "rejected"  ? starts_at - std::chrono::hours(20)
                      : status == "no_show" ? starts_at + std::chrono::minutes(16)
                                            : starts_at;
            auto when = sql_text(to_sql_datetime(at));
            auto notice = booking::Notice::about_booking(user, *booking::parse_notice(status),
                                                         next_id - 1);  // the key the server writes
            told.add("(" + std::to_string(user) + ", " + sql_text(status) + ", 'booking', " + id +
                     ", " + sql_text(notice.key) + ", '', 'sent', " + when + ", " + when + ", " +
                     when + ", " + when + ")");
        }
        if (status == "no_show" || (status == "cancelled" && rng() % 3 == 0))
            violations.add("(" + std::to_string(user) + ", " + id + ", " +
                           sql_text(status == "no_show" ? "no_show" : "late_cancel") + ", " +
                           (status == "no_show" ? "1000" : "500") + ", " +
                           sql_text(to_sql_datetime(starts_at)) + ")");
        ++written;
    }
    bookings.flush();  // before the rows that refer to them
    scans.flush();
    violations.flush();
    quanta.flush();
    told.flush();
    // Who was there, counted on each booking as a scan would have.
    auto& present = c.prepare(
        "UPDATE bookings b SET present = (SELECT COUNT(*) FROM attendance a WHERE a.booking_id = "
        "b.id) WHERE b.id >= ?");
    present.setUInt64(1, first_new);
    present.executeUpdate();
    return written;
}

}  // namespace sh::mysql
