#include "common/seal.hpp"

#include "common/hex.hpp"

namespace sh {

namespace {
constexpr std::size_t random_digits = 64;     // 256 bits
constexpr std::size_t token_tag_digits = 32;  // 128 bits: guessing one is hopeless
constexpr std::size_t value_tag_digits = 32;
static_assert(random_digits + token_tag_digits == Seal::token_size);
}  // namespace

std::string Seal::tag(std::string_view purpose, std::string_view text,
                      std::size_t hex_digits) const {
    std::string message;
    message.reserve(purpose.size() + 1 + text.size());
    message.append(purpose).push_back('\n');  // a purpose never contains '\n'
    message.append(text);
    return hmac_sha256_hex(key_, message).substr(0, hex_digits);
}

std::string Seal::mint_token() const {
    std::string random = random_hex(random_digits / 2);
    return random + tag("token", random, token_tag_digits);
}

bool Seal::minted(std::string_view token) const {
    if (token.size() != token_size || !is_lower_hex(token)) return false;
    auto random = token.substr(0, random_digits);
    return equal_in_constant_time(token.substr(random_digits),
                                  tag("token", random, token_tag_digits));
}

std::string Seal::value_tag(std::string_view where, std::string_view value) const {
    std::string text(where);
    text.push_back('\n');  // a key (`where`) never contains '\n'
    text.append(value);
    return tag("value", text, value_tag_digits);
}

std::string Seal::seal(std::string_view where, std::string_view value) const {
    return std::string(value) + "|" + value_tag(where, value);
}

bool Seal::open(std::string_view where, std::string_view sealed, std::string_view& value) const {
    auto bar = sealed.rfind('|');
    if (bar == std::string_view::npos || sealed.size() - bar - 1 != value_tag_digits) return false;
    auto candidate = sealed.substr(0, bar);
    if (!equal_in_constant_time(sealed.substr(bar + 1), value_tag(where, candidate))) return false;
    value = candidate;
    return true;
}

}  // namespace sh
