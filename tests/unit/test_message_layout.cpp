// The subscribe message's layout (server/wechat_gateway/message_layout.cpp): every value fitted
// to WeChat's limit for its keyword type.
#include <doctest/doctest.h>

#include "server/wechat_gateway/message_layout.hpp"

using namespace sh;
using namespace sh::wechat_gateway;
using booking::NoticeKind;
using booking::TimePoint;

TEST_CASE("message values are cut on character boundaries to WeChat's limits") {
    CHECK(fit_chars("新城大厦三楼党群服务中心多功能活动厅（东）", 20) ==
          "新城大厦三楼党群服务中心多功能活动厅（…");
    CHECK(fit_chars("新城大厦", 20) == "新城大厦");
    CHECK(fit_chars("abcdef", 5) == "abcd…");
    auto data = message_data(app::Message{NoticeKind::rejected, std::string(30, 'x') + "厅",
                                          TimePoint(std::chrono::seconds(1'900'000'000)),
                                          TimePoint(std::chrono::seconds(1'900'003'600)),
                                          std::string(40, 'y')});
    auto chars = [](const std::string& s) {
        std::size_t n = 0;
        for (unsigned char c : s) n += (c & 0xC0) != 0x80;
        return n;
    };
    CHECK(chars(data["thing1"]["value"]) == 20);
    CHECK(chars(data["thing4"]["value"]) == 20);
    CHECK(chars(data["phrase3"]["value"]) <= 5);
    CHECK(data["time2"]["value"] == "2030-03-18 01:46~02:46");  // Shanghai time
}
