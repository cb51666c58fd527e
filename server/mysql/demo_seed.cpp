#include "server/mysql/demo_seed.hpp"

#include <memory>
#include <stdexcept>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "server/mysql/venue_store.hpp"

namespace sh::mysql {

using namespace booking;

namespace {

struct HallTemplate {
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

const std::vector<HallTemplate>& halls() {
    static const std::vector<HallTemplate> t = {
        {"党群服务站活动室", 30, {"projector", "whiteboard", "wifi"}, "1F", false, 30, 60, 180, 0},
        {"多功能报告厅", 150, {"projector", "microphone", "speakers", "stage", "screen"}, "2F", true, 60, 60, 240, 1},
        {"共享会议室A", 12, {"screen", "whiteboard", "video_conferencing", "wifi"}, "5F", false, 30, 30, 120, 2},
        {"党员之家", 40, {"projector", "microphone", "tea_service"}, "3F", false, 30, 60, 180, 0},
        {"洽谈室", 8, {"whiteboard", "wifi"}, "6F", false, 30, 30, 120, 2},
    };
    return t;
}

struct BuildingSeed {
    const char* street;
    const char* name;
    const char* address;
    int halls;
};

}  // namespace

int seed_demo(Conn& c) {
    {
        std::unique_ptr<sql::ResultSet> rs(c.prepare("SELECT COUNT(*) FROM venues").executeQuery());
        rs->next();
        if (rs->getInt(1) > 0) return 0;
    }
    const std::vector<const char*> streets = {"江宁路街道", "石门二路街道", "南京西路街道", "静安寺街道",
                                              "临汾路街道", "曹家渡街道", "宝山路街道", "共和新路街道",
                                              "彭浦新村街道", "大宁路街道", "天目西路街道", "北站街道"};
    const std::vector<BuildingSeed> buildings = {
        {"江宁路街道", "新城大厦", "江宁路", 3},
        {"江宁路街道", "冠生园金融园", "江宁路", 2},
        {"石门二路街道", "越洋国际广场", "石门二路", 4},
        {"南京西路街道", "恒隆广场", "南京西路", 5},
        {"南京西路街道", "嘉里中心", "南京西路", 3},
        {"静安寺街道", "会德丰国际广场", "南京西路", 2},
        {"曹家渡街道", "长峰中心", "长寿路", 3},
        {"天目西路街道", "不夜城商务楼", "天目西路", 2},
        {"北站街道", "苏河湾中心", "北苏州路", 3},
        {"大宁路街道", "大宁中心广场", "共和新路", 4},
        {"临汾路街道", "临汾路社区党群服务中心", "临汾路", 2},
        {"彭浦新村街道", "彭浦新村党建服务站", "临汾路", 2},
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
        int created = 0;
        for (const auto& b : buildings) {
            find_street.setString(1, b.street);
            std::unique_ptr<sql::ResultSet> rs(find_street.executeQuery());
            rs->next();
            Building building{0, rs->getUInt64(1), b.name, std::string("上海市静安区") + b.address};
            rs.reset();
            building.id = store.insert_building(building);
            for (int i = 0; i < b.halls; ++i) {
                const auto& t = halls()[static_cast<std::size_t>(i)];
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
                if (auto e = validate_venue(v)) throw std::logic_error("demo hall invalid: " + e->body());
                store.insert_venue(v);
                ++created;
            }
        }
        c.execute("COMMIT");
        return created;
    } catch (...) {
        c.execute("ROLLBACK");
        throw;
    }
}

}  // namespace sh::mysql
