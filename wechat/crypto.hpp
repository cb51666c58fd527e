#pragma once
// The legacy mini-program data helpers: rawData signatures and encryptedData decryption.
#include <optional>
#include <string>
#include <string_view>

namespace sh::wechat {

std::optional<std::string> base64_decode(std::string_view in);
std::string sha1_hex(std::string_view data);

// True when signature == sha1(raw_data + session_key) (lowercase hex), compared in constant time.
bool check_signature(std::string_view raw_data, std::string_view session_key,
                     std::string_view signature);

// AES-128-CBC/PKCS#7 with key = base64(session_key), iv = base64(iv). Returns the plaintext
// JSON text, or nullopt when the inputs are malformed or the padding is wrong. The caller
// checks watermark.appid against our appid (decrypt_user_data does).
std::optional<std::string> decrypt(std::string_view session_key_b64, std::string_view iv_b64,
                                   std::string_view encrypted_b64);

// decrypt() and then require watermark.appid == appid; nullopt otherwise.
std::optional<std::string> decrypt_user_data(std::string_view appid,
                                             std::string_view session_key_b64,
                                             std::string_view iv_b64,
                                             std::string_view encrypted_b64);

}  // namespace sh::wechat
