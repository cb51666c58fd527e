// The WeChat data helpers on hostile input: base64, the signature check and the AES decryption
// of encrypted user data (phone numbers). The input is split into its parts at 0xFF bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wechat/crypto.hpp"

using namespace sh::wechat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string_view> parts;
    std::string_view all(reinterpret_cast<const char*>(data), size);
    while (parts.size() < 3) {
        auto cut = all.find('\xff');
        parts.push_back(all.substr(0, cut));
        if (cut == std::string_view::npos) break;
        all.remove_prefix(cut + 1);
    }
    parts.push_back(all);
    while (parts.size() < 4) parts.emplace_back();
    base64_decode(parts[0]);
    sha1_hex(parts[0]);
    check_signature(parts[0], parts[1], parts[2]);
    decrypt(parts[0], parts[1], parts[2]);
    decrypt_user_data("wx0000000000000000", parts[0], parts[1], parts[2]);
    return 0;
}
