#include "common/hex.hpp"

#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

namespace sh {

std::string random_hex(std::size_t bytes) {
    std::string raw(bytes, '\0');
    auto* p = reinterpret_cast<unsigned char*>(raw.data());
    if (RAND_bytes(p, static_cast<int>(bytes)) != 1) throw std::runtime_error("RAND_bytes failed");
    return to_hex(p, bytes);
}

std::string sha256_hex(std::string_view text) {
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), md);
    return to_hex(md, sizeof md);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view text) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(text.data()), text.size(), md, &n))
        throw std::runtime_error("HMAC failed");
    return to_hex(md, n);
}

bool equal_in_constant_time(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sh
