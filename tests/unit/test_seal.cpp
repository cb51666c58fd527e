// The server's seal (common/seal.hpp): what it minted or wrote is told from what anyone else made.
#include <doctest/doctest.h>

#include "common/seal.hpp"

using sh::Seal;

TEST_CASE(
    "a token minted under the key is recognised; any other string, or a token of another key, is "
    "not") {
    Seal seal("seal-test-key-0123456789abcdef0123"), other("another-key-0123456789abcdef01234567");
    auto token = seal.mint_token();
    CHECK(token.size() == Seal::token_size);
    CHECK(seal.minted(token));
    CHECK_FALSE(other.minted(token));
    CHECK(seal.mint_token() != token);  // random
    for (std::size_t i = 0; i < token.size(); i += 7) {
        auto changed = token;
        changed[i] = changed[i] == 'a' ? 'b' : 'a';
        CHECK_FALSE(seal.minted(changed));
    }
    CHECK_FALSE(seal.minted(""));
    CHECK_FALSE(
        seal.minted(token.substr(0, 64)));  // the random part alone (an old, unsealed token)
    CHECK_FALSE(seal.minted(token + "0"));
    auto upper = token;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK_FALSE(seal.minted(upper));
}

TEST_CASE("a sealed value opens only unchanged, under the key and at the place it was sealed for") {
    Seal seal("seal-test-key-0123456789abcdef0123"), other("another-key-0123456789abcdef01234567");
    auto sealed = seal.seal("sess:abc", "42:1900000000");
    std::string_view value;
    REQUIRE(seal.open("sess:abc", sealed, value));
    CHECK(value == "42:1900000000");
    CHECK_FALSE(seal.open("sess:def", sealed, value));  // moved to another token's key
    CHECK_FALSE(other.open("sess:abc", sealed, value));
    auto forged = sealed;
    forged[0] = '1';  // "12:..." : another user
    CHECK_FALSE(seal.open("sess:abc", forged, value));
    CHECK_FALSE(
        seal.open("sess:abc", "42:1900000000", value));  // unsealed, as written before the seal
    CHECK_FALSE(seal.open("sess:abc", "", value));
}
