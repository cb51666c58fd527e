#include "common/hex.hpp"

#include <stdexcept>

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

}  // namespace sh
