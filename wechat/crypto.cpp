#include "wechat/crypto.hpp"

#include <memory>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <nlohmann/json.hpp>

#include "common/hex.hpp"

namespace sh::wechat {

std::optional<std::string> base64_decode(std::string_view in) {
    if (in.size() % 4 != 0) return std::nullopt;
    std::string out(in.size() / 4 * 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()),
                            static_cast<int>(in.size()));
    if (n < 0) return std::nullopt;
    // EVP_DecodeBlock keeps the bytes that padding stands for: drop them.
    std::size_t pad = 0;
    if (!in.empty() && in.back() == '=') ++pad;
    if (in.size() > 1 && in[in.size() - 2] == '=') ++pad;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

std::string sha1_hex(std::string_view data) {
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
    return to_hex(md, sizeof md);
}

bool check_signature(std::string_view raw_data, std::string_view session_key,
                     std::string_view signature) {
    std::string expect = sha1_hex(std::string(raw_data) + std::string(session_key));
    return signature.size() == expect.size() &&
           CRYPTO_memcmp(signature.data(), expect.data(), expect.size()) == 0;
}

std::optional<std::string> decrypt(std::string_view session_key_b64, std::string_view iv_b64,
                                   std::string_view encrypted_b64) {
    auto key = base64_decode(session_key_b64);
    auto iv = base64_decode(iv_b64);
    auto data = base64_decode(encrypted_b64);
    if (!key || !iv || !data || key->size() != 16 || iv->size() != 16 || data->empty())
        return std::nullopt;

    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        EVP_CIPHER_CTX_free);
    if (!ctx) return std::nullopt;
    auto* k = reinterpret_cast<const unsigned char*>(key->data());
    auto* v = reinterpret_cast<const unsigned char*>(iv->data());
    if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_cbc(), nullptr, k, v) != 1) return std::nullopt;
    std::string out(data->size() + 16, '\0');
    int len1 = 0, len2 = 0;
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    if (EVP_DecryptUpdate(ctx.get(), o, &len1, reinterpret_cast<const unsigned char*>(data->data()),
                          static_cast<int>(data->size())) != 1)
        return std::nullopt;
    if (EVP_DecryptFinal_ex(ctx.get(), o + len1, &len2) != 1) return std::nullopt;  // bad padding
    out.resize(static_cast<std::size_t>(len1 + len2));
    return out;
}

std::optional<std::string> decrypt_user_data(std::string_view appid,
                                             std::string_view session_key_b64,
                                             std::string_view iv_b64,
                                             std::string_view encrypted_b64) {
    auto plain = decrypt(session_key_b64, iv_b64, encrypted_b64);
    if (!plain) return std::nullopt;
    auto j = nlohmann::json::parse(*plain, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    auto wm = j.find("watermark");
    if (wm == j.end() || !wm->is_object() || !wm->contains("appid") ||
        !(*wm)["appid"].is_string() || (*wm)["appid"].get<std::string>() != appid)
        return std::nullopt;
    return plain;
}

}  // namespace sh::wechat
