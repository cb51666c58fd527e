// WeChat's answers on hostile bytes: every reader of wechat/replies.hpp (the client's own) on any
// status and body. The first byte picks the status (200, 4xx, 5xx), the rest is the body.
// Properties: nothing throws or crashes; a 5xx is always `transport`; a reader's success carries
// the fields the callers rely on (an openid, a token with a positive lifetime, a known verdict).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "wechat/replies.hpp"

using namespace sh::wechat;

namespace {

void expect(bool property) {
    if (!property) std::abort();
}

template <class T>
const WxError* error_of(const WxResult<T>& r) {
    return std::get_if<WxError>(&r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static const int statuses[] = {200, 200, 200, 200, 400, 404, 500, 502};
    RawReply reply{statuses[data[0] % 8], "application/json",
                   std::string(reinterpret_cast<const char*>(data + 1), size - 1)};
    bool server_error = reply.status >= 500;

    auto login = read_login_session(reply, "");
    if (auto* e = error_of(login))
        expect(!server_error || e->code == WxErrc::transport);
    else
        expect(!server_error && !std::get<LoginSession>(login).openid.empty());

    auto token = read_access_token(reply, "");
    if (auto* e = error_of(token))
        expect(!server_error || e->code == WxErrc::transport);
    else
        expect(!std::get<AccessToken>(token).token.empty() &&
               std::get<AccessToken>(token).expires_in > 0);

    auto phone = read_phone(reply, "");
    if (!error_of(phone))
        expect(!std::get<PhoneInfo>(phone).phone_number.empty() ||
               !std::get<PhoneInfo>(phone).pure_phone_number.empty());

    auto check = read_sec_check(reply, "");
    if (!error_of(check)) {
        const auto& s = std::get<SecCheckResult>(check).suggest;
        expect(s == "pass" || s == "review" || s == "risky");
    }

    auto sent = read_sent(reply, "");
    if (auto* e = error_of(sent)) expect(e->code != WxErrc::ok);

    auto png = read_wxacode(reply, "");
    if (!error_of(png)) expect(std::get<std::string>(png).rfind("\x89PNG", 0) == 0);

    expect(error_of(read_login_session(std::nullopt, "timeout"))->code == WxErrc::transport);
    return 0;
}
