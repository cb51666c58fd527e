#pragma once
// The server's seal: tokens it minted and values it left where others can write (Redis) are
// told from forgeries by an HMAC under a key only the servers know (auth.token_key).
//  - A token is 64 hex digits of randomness and 32 of its tag: a token nobody minted is refused
//    without a lookup, so guessing costs the guesser, not MySQL.
//  - A cached value carries a tag over the value and the key it is stored under: whoever can
//    write to Redis still cannot make a session say another user, or move one to another token.
#include <string>
#include <string_view>

namespace sh {

class Seal {
  public:
    // `key`: at least 32 characters (config checks it).
    explicit Seal(std::string key) : key_(std::move(key)) {}

    std::string mint_token() const;
    // Minted by a server holding this key (any instance: they share it).
    bool minted(std::string_view token) const;

    // `value` sealed for storage under `where`; open() gives it back, or nothing if anything was
    // changed or it was sealed for another place.
    std::string seal(std::string_view where, std::string_view value) const;
    bool open(std::string_view where, std::string_view sealed, std::string_view& value) const;

    static constexpr std::size_t token_size = 96;

  private:
    std::string tag(std::string_view purpose, std::string_view text, std::size_t hex_digits) const;
    std::string value_tag(std::string_view where, std::string_view value) const;
    std::string key_;
};

}  // namespace sh
