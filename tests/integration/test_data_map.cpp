// The data map (docs/data-map.md) against the live schema: every column of every table of a
// freshly migrated database is classified there, with a kind from the map's own list, and the
// map names no column the schema does not have. A table or column a change adds fails this test
// until the map says what it is, why it is kept, who sees it and for how long.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_driver.h>

#include "app/retention.hpp"
#include "server/mysql/database.hpp"
#include "tests/support/services.hpp"

using namespace sh;

namespace {

using Columns = std::map<std::string, std::set<std::string>>;  // table -> columns

const std::set<std::string> kinds = {
    "identifier", "name",   "contact",   "membership", "whereabouts", "conduct",     "free text",
    "credential", "device", "last seen", "consent",    "record",      "not personal"};

std::string trim(std::string s) {
    auto b = s.find_first_not_of(" \t");
    auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// The names in backticks of a cell, in order.
std::vector<std::string> ticked(const std::string& cell) {
    std::vector<std::string> out;
    for (auto at = cell.find('`'); at != std::string::npos;) {
        auto end = cell.find('`', at + 1);
        if (end == std::string::npos) break;
        out.push_back(cell.substr(at + 1, end - at - 1));
        at = cell.find('`', end + 1);
    }
    return out;
}

struct DataMap {
    // (tables of the row, column) as the map claims them; a section may name several tables
    // ("## manager_buildings, branch_admins — ...") whose rows then speak of all of them.
    std::vector<std::pair<std::vector<std::string>, std::string>> claims;
    std::vector<std::string> bad_kinds;
};

DataMap read_map(const std::string& text) {
    DataMap m;
    std::vector<std::string> section;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("## ", 0) == 0) {
            section.clear();
            std::string names = line.substr(3, line.find(" — ") - 3);
            std::istringstream parts(names);
            for (std::string t; std::getline(parts, t, ',');) section.push_back(trim(t));
            continue;
        }
        if (line.rfind("| `", 0) != 0 || section.empty()) continue;
        std::vector<std::string> cells;
        std::istringstream row(line.substr(1));
        for (std::string c; std::getline(row, c, '|');) cells.push_back(trim(c));
        if (cells.size() < 5) continue;
        auto names = ticked(cells[0]);
        std::vector<std::string> tables = section;
        // "`streets`: `id`, `name`": the first name is the table.
        auto colon = cells[0].find("`:");
        if (colon != std::string::npos && !names.empty()) {
            tables = {names.front()};
            names.erase(names.begin());
        }
        if (!kinds.count(cells[1])) m.bad_kinds.push_back(cells[0] + ": " + cells[1]);
        for (const auto& n : names) m.claims.push_back({tables, n});
    }
    return m;
}

Columns read_schema(mysql::Conn& c, const std::string& database) {
    Columns out;
    auto& q = c.prepare(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ?");
    q.setString(1, database);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    while (rs->next()) out[rs->getString(1)].insert(rs->getString(2));
    return out;
}

// What is wrong between the two: "table.column is not in the map", "... is in the map only".
std::vector<std::string> differences(const Columns& schema, const DataMap& map) {
    std::vector<std::string> out;
    std::set<std::pair<std::string, std::string>> claimed;
    for (const auto& [tables, column] : map.claims) {
        bool exists = false;
        for (const auto& t : tables) {
            claimed.insert({t, column});
            auto it = schema.find(t);
            exists = exists || (it != schema.end() && it->second.count(column));
        }
        if (!exists) out.push_back(tables.front() + "." + column + " is in the map only");
    }
    for (const auto& [table, columns] : schema)
        for (const auto& c : columns)
            if (!claimed.count({table, c})) out.push_back(table + "." + c + " is not in the map");
    return out;
}

std::string source_text(const std::string& relative) {
    std::ifstream in(std::string(SH_SOURCE_DIR) + "/" + relative);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}
std::string map_text() {
    return source_text("docs/data-map.md");
}

// The kinds table's last column: kind -> the name the privacy guide gives it ("—": not one the
// guide lists, being no information collected about a person by itself).
std::map<std::string, std::string> guide_names(const std::string& map) {
    std::map<std::string, std::string> out;
    std::istringstream in(map);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("## ", 0) == 0) break;  // the kinds table comes before the tables
        if (line.rfind("| `", 0) != 0) continue;
        std::vector<std::string> cells;
        std::istringstream row(line.substr(1));
        for (std::string c; std::getline(row, c, '|');) cells.push_back(trim(c));
        if (cells.size() < 4) continue;
        out[ticked(cells[0]).front()] = cells.back();
    }
    return out;
}

// The collected kinds the guide does not name: every kind some column holds, other than
// credentials, copies and what is not personal, must have its name in the guide's text.
std::vector<std::string> unnamed_in_guide(const std::string& map, const std::string& guide) {
    std::vector<std::string> out;
    auto names = guide_names(map);
    for (const auto& kind : kinds) {
        if (kind == "credential" || kind == "record" || kind == "not personal" || kind == "consent")
            continue;
        auto it = names.find(kind);
        if (it == names.end() || it->second.rfind("—", 0) == 0 ||
            guide.find(it->second) == std::string::npos)
            out.push_back(kind);
    }
    return out;
}

// The source files (under server/, app/, booking/) whose SQL names `table` — or, for
// "table.column", whose string literals name the column — other than the schema's migrations and
// the retention rules' own store.
std::set<std::string> users_of(const std::string& table) {
    auto dot = table.find('.');
    std::regex names =
        dot == std::string::npos
            ? std::regex("\\b(FROM|JOIN|INTO|UPDATE|TABLE)\\s+" + table + "\\b")
            : std::regex("\"[^\"\\n]*\\b" + table.substr(dot + 1) + "\\b[^\"\\n]*\"");
    const std::set<std::string> skipped = {"server/mysql/migrations.cpp",
                                           "server/mysql/retention_store.cpp"};
    std::set<std::string> out;
    const std::filesystem::path root(SH_SOURCE_DIR);
    for (const char* dir : {"server", "app", "booking"})
        for (const auto& f : std::filesystem::recursive_directory_iterator(root / dir)) {
            auto ext = f.path().extension();
            if (ext != ".cpp" && ext != ".hpp") continue;
            auto rel = std::filesystem::relative(f.path(), root).string();
            // A column's name is looked for only in the SQL of server/mysql/.
            if (skipped.count(rel) || (dot != std::string::npos && rel.rfind("server/mysql/", 0)))
                continue;
            if (std::regex_search(source_text(rel), names)) out.insert(rel);
        }
    return out;
}

}  // namespace

TEST_CASE(
    "each retention rule names every part of the code that uses its table, so a new reader of "
    "rows a rule deletes cannot come without the rule being looked at again") {
    const auto& rules = app::retention_rules();
    REQUIRE(rules.size() == 7);
    for (const auto& rule : rules) {
        CAPTURE(rule.name);
        std::set<std::string> declared(rule.used_by.begin(), rule.used_by.end());
        CHECK(users_of(std::string(rule.table)) == declared);
    }
    // Shown: a reader the rule does not name is found (the scans' rule without the member's copy).
    const auto& scans = rules[1];
    REQUIRE(scans.table == "attendance");
    CHECK(users_of("attendance").count("server/mysql/personal_store.cpp") == 1);
    CHECK(users_of("users.phone") == std::set<std::string>{"server/mysql/user_store.cpp"});
}

TEST_CASE("the data map lists every retention rule, and the backups' rotation it states") {
    auto map = map_text();
    for (const auto& rule : app::retention_rules()) {
        CAPTURE(rule.name);
        CHECK(map.find("| " + std::string(rule.name) + " | `" + std::string(rule.table) + "` |") !=
              std::string::npos);
    }
    // The nightly backup deletes copies older than N days: a closed account's data lives in a
    // backup at most N + 1 days, as the map and the guide say.
    auto service = source_text("deploy/systemd/sharedhall-backup.service");
    std::smatch m;
    REQUIRE(std::regex_search(service, m, std::regex("-mtime \\+([0-9]+)")));
    int days = std::stoi(m[1]) + 1;
    CHECK(map.find("at most " + std::to_string(days) + " days") != std::string::npos);
    CHECK(source_text("docs/privacy/guide.md").find("最多保存" + std::to_string(days) + "天") !=
          std::string::npos);
}

TEST_CASE("every column of the schema is in the data map, with a kind, and the map has no other") {
    test::TempDatabase db(test::shared_mysql());
    mysql::Conn c(sql::mysql::get_mysql_driver_instance(), db.config());
    c.ensure_ready();
    auto map = read_map(map_text());
    REQUIRE(map.claims.size() > 150);  // the map was read, not skipped
    CHECK(map.bad_kinds == std::vector<std::string>{});
    CHECK(differences(read_schema(c, db.config().database), map) == std::vector<std::string>{});
}

TEST_CASE("a column added without a word in the map fails, naming it; one dropped fails too") {
    test::TempDatabase db(test::shared_mysql());
    mysql::Conn c(sql::mysql::get_mysql_driver_instance(), db.config());
    c.ensure_ready();
    auto map = read_map(map_text());
    c.execute("ALTER TABLE users ADD COLUMN id_card_number VARCHAR(18) NULL");
    c.execute("ALTER TABLE bookings DROP COLUMN org");
    auto found = differences(read_schema(c, db.config().database), map);
    CHECK(found == std::vector<std::string>{"bookings.org is in the map only",
                                            "users.id_card_number is not in the map"});
    auto typo = read_map("## users — x\n| `name` | personal-ish | why | who | long |\n");
    CHECK(typo.bad_kinds.size() == 1);
}

TEST_CASE("the privacy guide names every kind of information the map says is collected") {
    auto map = map_text();
    auto guide = source_text("docs/privacy/guide.md");
    REQUIRE(guide_names(map).size() == kinds.size());  // the kinds table was read
    CHECK(unnamed_in_guide(map, guide) == std::vector<std::string>{});
    // A guide that forgets the phone number, or a map whose new kind has no name in the guide,
    // fails naming the kind.
    auto forgetful = guide;
    for (auto at = forgetful.find("手机号码"); at != std::string::npos;
         at = forgetful.find("手机号码"))
        forgetful.erase(at, std::string("手机号码").size());
    CHECK(unnamed_in_guide(map, forgetful) == std::vector<std::string>{"contact"});
    auto renamed = map;
    renamed.replace(renamed.find("| 姓名 |"), std::string("| 姓名 |").size(), "| 称呼 |");
    CHECK(unnamed_in_guide(renamed, guide) == std::vector<std::string>{"name"});
}
