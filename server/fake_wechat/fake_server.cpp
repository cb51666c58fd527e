#include "server/fake_wechat/fake_server.hpp"

#include <array>

namespace sh::fake_wechat {

using http::Method;
using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

Response wx(const json& body) {
    return Response::json(200, body);
}

Response wx_error(long long errcode, const std::string& msg) {
    return wx({{"errcode", errcode}, {"errmsg", msg}});
}

std::uint32_t crc32(const std::string& data, std::size_t from) {
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t n = 0; n < 256; ++n) {
            std::uint32_t c = n;
            for (int k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    std::uint32_t c = 0xffffffffu;
    for (std::size_t i = from; i < data.size(); ++i)
        c = table[(c ^ static_cast<unsigned char>(data[i])) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

void put32(std::string& out, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xff));
}

void chunk(std::string& png, const char* type, const std::string& data) {
    put32(png, static_cast<std::uint32_t>(data.size()));
    std::size_t start = png.size();
    png += type;
    png += data;
    put32(png, crc32(png, start));
}

}  // namespace

std::string make_png(int width, int height, const std::vector<unsigned char>& grey) {
    std::string png = "\x89PNG\r\n\x1a\n";
    std::string ihdr;
    put32(ihdr, static_cast<std::uint32_t>(width));
    put32(ihdr, static_cast<std::uint32_t>(height));
    ihdr += std::string("\x08\x00\x00\x00\x00", 5);  // 8-bit greyscale, no interlace
    chunk(png, "IHDR", ihdr);

    std::string raw;  // each row: filter byte 0, then the pixels
    for (int y = 0; y < height; ++y) {
        raw.push_back('\0');
        for (int x = 0; x < width; ++x)
            raw.push_back(
                static_cast<char>(grey[static_cast<std::size_t>(y * width + x) % grey.size()]));
    }
    // zlib stream with stored (uncompressed) deflate blocks.
    std::string z = "\x78\x01";
    std::size_t pos = 0;
    do {
        std::size_t n = std::min<std::size_t>(65535, raw.size() - pos);
        bool last = pos + n == raw.size();
        z.push_back(last ? '\x01' : '\x00');
        z.push_back(static_cast<char>(n & 0xff));
        z.push_back(static_cast<char>(n >> 8));
        z.push_back(static_cast<char>(~n & 0xff));
        z.push_back(static_cast<char>((~n >> 8) & 0xff));
        z.append(raw, pos, n);
        pos += n;
    } while (pos < raw.size());
    std::uint32_t a = 1, b = 0;
    for (char ch : raw) {
        a = (a + static_cast<unsigned char>(ch)) % 65521;
        b = (b + a) % 65521;
    }
    put32(z, (b << 16) | a);
    chunk(png, "IDAT", z);
    chunk(png, "IEND", "");
    return png;
}

FakeWechat::FakeWechat(std::string appid, std::string secret)
    : appid_(std::move(appid)), secret_(std::move(secret)) {}

std::optional<FakeWechat::Injection> FakeWechat::take_injection(const std::string& endpoint) {
    std::lock_guard lock(mu_);
    ++calls_[endpoint];
    auto it = injections_.find(endpoint);
    if (it == injections_.end() || it->second.empty()) return std::nullopt;
    Injection i = it->second.front();
    it->second.pop_front();
    return i;
}

awaitable<std::optional<Response>> FakeWechat::apply(const std::string& endpoint) {
    auto inj = take_injection(endpoint);
    std::optional<Response> out;
    if (!inj) co_return out;
    if (inj->delay_ms > 0) {
        asio::steady_timer t(co_await asio::this_coro::executor,
                             std::chrono::milliseconds(inj->delay_ms));
        co_await t.async_wait(asio::use_awaitable);
    }
    if (inj->http_status >= 500)
        out = Response::text(inj->http_status, "upstream error", "text/plain");
    else if (inj->errcode != 0)
        out = wx_error(inj->errcode, "injected by the fake");
    co_return out;
}

bool FakeWechat::token_valid(const Request& req) {
    auto t = req.query_param("access_token");
    std::lock_guard lock(mu_);
    return t && *t == "fake-token-" + std::to_string(token_generation_);
}

http::Router FakeWechat::router() {
    http::Router r;
    r.add(Method::get, "/sns/jscode2session",
          [this](Request& req, const Params&) -> awaitable<Response> {
              if (auto injected = co_await apply("jscode2session")) co_return std::move(*injected);
              if (req.query_param("appid").value_or("") != appid_)
                  co_return wx_error(40013, "invalid appid");
              if (req.query_param("secret").value_or("") != secret_)
                  co_return wx_error(40125, "invalid appsecret");
              if (req.query_param("grant_type").value_or("") != "authorization_code")
                  co_return wx_error(40002, "invalid grant_type");
              std::string code = req.query_param("js_code").value_or("");
              if (code.empty() || code.rfind("invalid", 0) == 0)
                  co_return wx_error(40029, "invalid code");
              {
                  std::lock_guard lock(mu_);
                  if (!used_codes_.insert(code).second) co_return wx_error(40163, "code been used");
              }
              // Deterministic, so that tests can look for it where it must never appear.
              // "alice:2" is a second code of the same WeChat user "alice" (a code works once).
              std::string who = code.substr(0, code.find(':'));
              json body = {{"openid", "openid-" + who},
                           {"session_key", "sk-" + code + "-SESSIONKEY"}};
              if (who.rfind("union-", 0) == 0) body["unionid"] = "unionid-" + who;
              co_return wx(body);  // a success carries no errcode, as WeChat's often does
          });

    r.add(Method::post, "/cgi-bin/stable_token",
          [this](Request& req, const Params&) -> awaitable<Response> {
              if (auto injected = co_await apply("stable_token")) co_return std::move(*injected);
              auto j = json::parse(req.body, nullptr, false);
              if (j.is_discarded() || !j.is_object())
                  co_return wx_error(47001, "data format error");
              if (j.value("appid", "") != appid_) co_return wx_error(40013, "invalid appid");
              if (j.value("secret", "") != secret_) co_return wx_error(40125, "invalid appsecret");
              int generation;
              {
                  std::lock_guard lock(mu_);
                  if (j.value("force_refresh", false)) {
                      ++token_generation_;
                      ++calls_["force_refresh"];
                  }
                  generation = token_generation_;
              }
              co_return wx({{"access_token", "fake-token-" + std::to_string(generation)},
                            {"expires_in", 7200}});
          });

    r.add(Method::post, "/cgi-bin/message/subscribe/send",
          [this](Request& req, const Params&) -> awaitable<Response> {
              if (auto injected = co_await apply("subscribe_send")) co_return std::move(*injected);
              if (!token_valid(req))
                  co_return wx_error(40001, "invalid credential, access_token is invalid");
              auto j = json::parse(req.body, nullptr, false);
              if (j.is_discarded() || !j.is_object() || !j.contains("touser") ||
                  !j.contains("template_id"))
                  co_return wx_error(47001, "data format error");
              std::lock_guard lock(mu_);
              sent_.push_back(j);
              co_return wx({{"errcode", 0}, {"errmsg", "ok"}});
          });

    r.add(Method::post, "/wxa/business/getuserphonenumber",
          [this](Request& req, const Params&) -> awaitable<Response> {
              if (auto injected = co_await apply("getuserphonenumber"))
                  co_return std::move(*injected);
              if (!token_valid(req))
                  co_return wx_error(40001, "invalid credential, access_token is invalid");
              auto j = json::parse(req.body, nullptr, false);
              std::string code = !j.is_discarded() && j.is_object() ? j.value("code", "") : "";
              if (code.rfind("phone-", 0) != 0 || code.size() < 8)
                  co_return wx_error(40029, "invalid code");
              {
                  std::lock_guard lock(mu_);
                  if (!used_phone_codes_.insert(code).second)
                      co_return wx_error(40029, "invalid code");
              }
              std::string number = code.substr(6);
              json info = {{"phoneNumber", number},
                           {"purePhoneNumber", number},
                           {"countryCode", 86},  // WeChat sends it as a number or a string
                           {"watermark", {{"timestamp", 1700000000}, {"appid", appid_}}}};
              co_return wx({{"errcode", 0}, {"errmsg", "ok"}, {"phone_info", info}});
          });

    r.add(Method::post, "/wxa/msg_sec_check",
          [this](Request& req, const Params&) -> awaitable<Response> {
              if (auto injected = co_await apply("msg_sec_check")) co_return std::move(*injected);
              if (!token_valid(req))
                  co_return wx_error(40001, "invalid credential, access_token is invalid");
              auto j = json::parse(req.body, nullptr, false);
              if (j.is_discarded() || !j.is_object() || j.value("version", 0) != 2)
                  co_return wx_error(47001, "data format error");
              std::string content = j.value("content", "");
              {
                  std::lock_guard lock(mu_);
                  checks_.push_back({{"openid", j.value("openid", "")},
                                     {"scene", j.value("scene", 0)},
                                     {"content", content}});
              }
              std::string suggest = "pass";
              int label = 100;
              if (content.find("RISKY") != std::string::npos ||
                  content.find("赌博") != std::string::npos) {
                  suggest = "risky";
                  label = 20006;
              } else if (content.find("REVIEW") != std::string::npos) {
                  suggest = "review";
                  label = 21000;
              }
              co_return wx({{"errcode", 0},
                            {"errmsg", "ok"},
                            {"result", {{"suggest", suggest}, {"label", label}}},
                            {"trace_id", "fake-trace"}});
          });

    r.add(Method::post, "/wxa/getwxacodeunlimit",
          [this](Request& req, const Params&) -> awaitable<Response> {
              if (auto injected = co_await apply("getwxacodeunlimit"))
                  co_return std::move(*injected);
              if (!token_valid(req))
                  co_return wx_error(40001, "invalid credential, access_token is invalid");
              auto j = json::parse(req.body, nullptr, false);
              std::string scene = !j.is_discarded() && j.is_object() ? j.value("scene", "") : "";
              if (scene.empty() || scene.size() > 32)
                  co_return wx_error(40169, "invalid length for scene");
              {
                  std::lock_guard lock(mu_);
                  codes_.push_back(j);
              }
              std::vector<unsigned char> grey;
              for (int i = 0; i < 64 * 64; ++i)
                  grey.push_back(static_cast<unsigned char>(
                      scene[static_cast<std::size_t>(i) % scene.size()] * (i % 7)));
              co_return Response::text(200, make_png(64, 64, grey), "image/png");
          });

    // Control endpoints for tests.
    r.add(Method::post, "/fake/inject", [this](Request& req, const Params&) -> awaitable<Response> {
        auto j = req.json_body();
        Injection inj{j.value("errcode", 0LL), j.value("delay_ms", 0), j.value("http_status", 0)};
        int times = j.value("times", 1);
        std::lock_guard lock(mu_);
        for (int i = 0; i < times; ++i) injections_[j.value("endpoint", "")].push_back(inj);
        co_return wx({{"ok", true}});
    });
    r.add(Method::get, "/fake/sent", [this](Request&, const Params&) -> awaitable<Response> {
        std::lock_guard lock(mu_);
        json body = {{"messages", sent_}};
        co_return wx(body);
    });
    // Everything received that tests read back: messages, code requests, content checks.
    r.add(Method::get, "/fake/received", [this](Request&, const Params&) -> awaitable<Response> {
        std::lock_guard lock(mu_);
        co_return wx(json{{"messages", sent_}, {"codes", codes_}, {"content_checks", checks_}});
    });
    r.add(Method::del, "/fake/sent", [this](Request&, const Params&) -> awaitable<Response> {
        std::lock_guard lock(mu_);
        sent_.clear();
        co_return wx({{"ok", true}});
    });
    r.add(Method::get, "/fake/stats", [this](Request&, const Params&) -> awaitable<Response> {
        std::lock_guard lock(mu_);
        json body = calls_;
        body["token_generation"] = token_generation_;
        co_return wx(body);
    });
    r.add(Method::post, "/fake/reset", [this](Request&, const Params&) -> awaitable<Response> {
        std::lock_guard lock(mu_);
        injections_.clear();
        sent_.clear();
        codes_.clear();
        checks_.clear();
        calls_.clear();
        co_return wx({{"ok", true}});
    });
    return r;
}

}  // namespace sh::fake_wechat
