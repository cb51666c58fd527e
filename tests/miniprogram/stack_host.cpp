// What the mini-program's page tests talk to: a private MariaDB and Redis, a migrated database,
// the fake WeChat and one `sharedhall serve` on loopback (tests/support/stack.hpp), with the
// halls the flows book. Started by tests/miniprogram/support/global-setup.js, it prints one JSON
// line — the server's address, the fake WeChat's port, and the binary and configuration file the
// tests run `sharedhall grant-role` with — and keeps it all up until its stdin closes.
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/halls.hpp"
#include "tests/support/stack.hpp"

using namespace sh;
using nlohmann::json;

int main() {
    try {
        test::OwnServices own("miniprogram", 13470, 16470);
        // The test servers' defaults (no timers: the flows run timed work on demand), and the
        // limits a phone's sign-ins would meet on one loopback address lifted.
        test::Stack s(own, 19500,
                      json{{"rate_limit",
                            {{"login_per_ip_per_minute", 0}, {"login_per_openid_per_minute", 0}}},
                           {"http", {{"console_dir", std::string(SH_SOURCE_DIR) + "/console"}}}});
        // Halls 1-6 in building 1 open to all, every day, all day; hall 7 asks its manager to
        // approve. Each test file books its own hall.
        const char* names[] = {"一楼党员活动室", "二楼会议室", "三楼多功能厅", "四楼报告厅",
                               "五楼阅览室",     "六楼会客室", "七楼党建书屋"};
        for (std::uint64_t id = 1; id <= 7; ++id) {
            if (id < 7)
                test::make_hall(s, id);
            else
                test::make_hall(s, id, ", requires_approval", ", 1");
            s.sql("UPDATE venues SET name = '" + std::string(names[id - 1]) + "', floor = '" +
                  std::to_string(id) + "楼' WHERE id = " + std::to_string(id));
        }
        std::cout << json{{"api", "http://127.0.0.1:" + std::to_string(s.port())},
                          {"fake", s.fake_port()},
                          {"binary", SH_BINARY},
                          {"config", s.command_config()}}
                         .dump()
                  << std::endl;
        std::string line;
        while (std::getline(std::cin, line)) {
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "stack_host: " << e.what() << std::endl;
        return 1;
    }
}
