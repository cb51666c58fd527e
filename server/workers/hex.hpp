#pragma once
// Lowercase hexadecimal of bytes (digests, random identifiers).
#include <cstddef>
#include <string>

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
