#pragma once
// Lowercase hexadecimal of bytes (digests, random identifiers).
#include <cstddef>
#include <string>
#include <string_view>

namespace sh {

inline std::string to_hex(const unsigned char* bytes, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(digits[bytes[i] >> 4]);
        out.push_back(digits[bytes[i] & 0xf]);
    }
    return out;
}

}  // namespace sh

namespace sh {

// `bytes` random bytes from the CSPRNG, as hex: unguessable identifiers (claim tokens, holds).
std::string random_hex(std::size_t bytes);
// SHA-256 of `text`, as hex (token hashes, request fingerprints).
std::string sha256_hex(std::string_view text);
// Only the digits to_hex writes (0-9, a-f): what random_hex and the digests look like.
inline bool is_lower_hex(std::string_view s) {
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}
// HMAC-SHA256 of `text` under `key`, as hex (sealed tokens and cached values).
std::string hmac_sha256_hex(std::string_view key, std::string_view text);
// Equal strings, compared in time that does not depend on where they differ.
bool equal_in_constant_time(std::string_view a, std::string_view b);

}  // namespace sh
