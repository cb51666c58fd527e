#pragma once
// The fake WeChat server for development and tests: a real HTTP server (our own http::Server)
// answering the WeChat API paths the client uses, with switchable failures.
//
//  jscode2session: code C -> openid "openid-C"; "C:n" is another code of the same user C;
//    codes starting with "invalid" -> 40029; a code used twice -> 40163; codes starting with
//    "union-" also get a unionid.
//  stable_token: "fake-token-N"; force_refresh makes a new N (the old one answers 40001).
//  subscribe/send: records what it was sent (GET /fake/sent reads it back).
//  getuserphonenumber: code "phone-<digits>" -> that number (+86); others -> 40029.
//  msg_sec_check: content containing "RISKY" or 赌博 -> risky, "REVIEW" -> review, else pass.
//  getwxacodeunlimit: a real PNG (64x64 grey pattern from the scene).
// Control: POST /fake/inject {"endpoint","errcode"?,"delay_ms"?,"http_status"?,"times"?},
//  GET|DELETE /fake/sent, GET /fake/stats, POST /fake/reset.
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/http/router.hpp"

namespace sh::fake_wechat {

class FakeWechat {
  public:
    FakeWechat(std::string appid, std::string secret);
    // The routing table of the fake. The FakeWechat must outlive the router.
    http::Router router();

    struct Injection {
        long long errcode = 0;
        int delay_ms = 0;
        int http_status = 0;
    };

  private:
    std::optional<Injection> take_injection(const std::string& endpoint);
    bool token_valid(const http::Request& req);
    awaitable<std::optional<http::Response>> apply(const std::string& endpoint);

    std::string appid_, secret_;
    std::mutex mu_;
    std::set<std::string> used_codes_;
    std::set<std::string> used_phone_codes_;
    int token_generation_ = 1;
    std::map<std::string, std::deque<Injection>> injections_;
    std::vector<nlohmann::json> sent_;    // subscribe messages accepted
    std::vector<nlohmann::json> codes_;   // getwxacodeunlimit requests
    std::vector<nlohmann::json> checks_;  // msg_sec_check requests
    std::map<std::string, int> calls_;
};

// A PNG image (8-bit greyscale, stored deflate) — used by the fake's QR code endpoint.
std::string make_png(int width, int height, const std::vector<unsigned char>& grey);

}  // namespace sh::fake_wechat
