#pragma once
// The HTTPS client for WeChat's server APIs (https://api.weixin.qq.com, or the fake WeChat on
// loopback). Every call: one connection, a deadline of config.timeout_ms for everything
// (resolve, connect, TLS, write, read), TLS with peer verification against the system CA store
// and SNI. Secrets and session keys never appear in errors or logs.
// Beast lives in client.cpp only.
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "common/asio.hpp"
#include "config/app_config.hpp"
#include "wechat/replies.hpp"

namespace sh::wechat {

class Client {
  public:
    explicit Client(config::WechatConfig cfg);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    awaitable<WxResult<LoginSession>> code2session(const std::string& js_code);
    awaitable<WxResult<AccessToken>> stable_token(bool force_refresh);
    awaitable<WxResult<Sent>> send_subscribe_message(const std::string& access_token,
                                                     const nlohmann::json& message);
    awaitable<WxResult<PhoneInfo>> get_phone_number(const std::string& access_token,
                                                    const std::string& code);
    awaitable<WxResult<SecCheckResult>> msg_sec_check(const std::string& access_token,
                                                      const std::string& openid, int scene,
                                                      const std::string& content);
    // PNG bytes on success.
    awaitable<WxResult<std::string>> get_wxacode_unlimited(const std::string& access_token,
                                                           const nlohmann::json& request);

    const config::WechatConfig& config() const { return cfg_; }

    // GET or POST `target` (path and query) on the base URL. Throws nothing: transport
    // problems come back as nullopt with `why` set (no secrets in it).
    awaitable<std::optional<RawReply>> exchange(const char* method, const std::string& target,
                                                const std::string& body, std::string& why);

  private:
    // Parameters by value: callers return this coroutine without awaiting it themselves.
    template <class T>
    awaitable<WxResult<T>> call(const char* method, std::string target, std::string body,
                                WxResult<T> (*read)(std::optional<RawReply>,
                                                    const std::string& why));

    struct Impl;
    config::WechatConfig cfg_;
    std::unique_ptr<Impl> impl_;
};

// Percent-encodes a query value.
std::string url_encode(std::string_view s);

}  // namespace sh::wechat
