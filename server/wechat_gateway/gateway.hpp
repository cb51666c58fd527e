#pragma once
// The application's WeChat ports (app/ports.hpp) over the HTTPS client: sign-in and phone
// numbers, the content check, mini-program codes and subscribe messages. The access token comes
// from redis::AccessTokenProvider (shared by every instance through Redis); WeChat's errcodes
// are turned into the domain's terms here.
#include "app/ports.hpp"
#include "server/redis/wechat_token.hpp"
#include "wechat/client.hpp"

namespace sh::wechat_gateway {

using redis::AccessTokenProvider;

class WechatGateway final : public app::Wechat,
                            public app::ContentCheck,
                            public app::VenueCodes,
                            public app::MessageSender {
  public:
    WechatGateway(wechat::Client& wx, AccessTokenProvider& token) : wx_(wx), token_(token) {}
    awaitable<booking::Result<app::WechatIdentity>> identify(const std::string& code) override;
    awaitable<booking::Result<std::string>> phone_number(const std::string& code) override;
    awaitable<app::Verdict> check(const std::string& openid, const std::string& text) override;
    awaitable<booking::Result<std::string>> png(const std::string& scene,
                                                const std::string& page) override;
    awaitable<app::Sent> send(const std::string& openid, const std::string& template_id,
                              const std::string& page, const app::Message& m) override;

  private:
    wechat::Client& wx_;
    AccessTokenProvider& token_;
};

}  // namespace sh::wechat_gateway
