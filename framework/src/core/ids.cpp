#include "core/ids.hpp"

#include <chrono>
#include <cstdint>

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace sb::detail {

std::string make_random_id()
{
    std::array<unsigned char, 15> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("RAND_bytes failed");
    }
    std::string id;
    id.reserve(20);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const unsigned v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
        id += id_alphabet[(v >> 18) & 63];
        id += id_alphabet[(v >> 12) & 63];
        id += id_alphabet[(v >> 6) & 63];
        id += id_alphabet[v & 63];
    }
    return id;
}

std::string hex_of(const unsigned char* bytes, std::size_t n)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
        out += hex[bytes[i] >> 4];
        out += hex[bytes[i] & 15];
    }
    return out;
}

std::string make_epoch()
{
    auto v = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
    std::string out;
    do {
        out.insert(out.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36]);
        v /= 36;
    } while (v);
    return out;
}

} // namespace sb::detail
