#pragma once
// UTF-8, decoded in one place: the length of a sequence from its lead byte, a text's length in
// characters (nullopt when it is not valid UTF-8), and a text cut to a number of characters.
#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sh::utf8 {

// The byte length of the sequence that starts with `lead`; 0 for a byte no sequence starts with.
constexpr std::size_t sequence_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead >> 5) == 0x6) return 2;
    if ((lead >> 4) == 0xE) return 3;
    if ((lead >> 3) == 0x1E) return 4;
    return 0;
}

// Characters in `s`, or nullopt when `s` is not well-formed UTF-8 (a bad lead or continuation
// byte, or a sequence cut short).
inline std::optional<std::size_t> length(std::string_view s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++n) {
        auto len = sequence_length(static_cast<unsigned char>(s[i]));
        if (len == 0 || i + len > s.size()) return std::nullopt;
        for (std::size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return std::nullopt;
        i += len;
    }
    return n;
}

// The first `max_chars` characters of `s` (a stray byte counts as one), never cutting a sequence.
inline std::string_view prefix(std::string_view s, std::size_t max_chars) {
    std::size_t i = 0;
    for (std::size_t n = 0; i < s.size() && n < max_chars; ++n) {
        auto len = sequence_length(static_cast<unsigned char>(s[i]));
        i += len == 0 ? 1 : len;
    }
    return s.substr(0, std::min(i, s.size()));
}

// The code points of `s` (a byte no sequence fits is taken as U+FFFD).
inline std::u32string decode(std::string_view s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        auto lead = static_cast<unsigned char>(s[i]);
        auto len = sequence_length(lead);
        bool ok = len != 0 && i + len <= s.size();
        for (std::size_t k = 1; ok && k < len; ++k)
            ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
        if (!ok) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        char32_t c = len == 1 ? lead : static_cast<char32_t>(lead & (0x7F >> len));
        for (std::size_t k = 1; k < len; ++k)
            c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        out.push_back(c);
        i += len;
    }
    return out;
}

inline std::string encode(std::u32string_view s) {
    std::string out;
    for (char32_t c : s) {
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
        } else if (c < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (c >> 6)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else if (c < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (c >> 12)));
            out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (c >> 18)));
            out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
    }
    return out;
}

}  // namespace sh::utf8
