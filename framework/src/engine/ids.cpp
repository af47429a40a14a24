// Session and socket ids: 20 url-safe base64 characters from OpenSSL's CSPRNG (as
// unguessable as Node's base64id). A session id's first character names its shard, so
// a request that lands on another shard can be handed to the right one.
#include "engine/http_endpoint.hpp"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace sb::detail {

namespace {
constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}

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
        id += alphabet[(v >> 18) & 63];
        id += alphabet[(v >> 12) & 63];
        id += alphabet[(v >> 6) & 63];
        id += alphabet[v & 63];
    }
    return id;
}

std::string make_session_id(std::size_t shard_index)
{
    auto id = make_random_id();
    id[0] = alphabet[shard_index % alphabet.size()];
    return id;
}

std::size_t shard_of_session_id(std::string_view sid) noexcept
{
    if (sid.empty()) {
        return SIZE_MAX;
    }
    const auto p = alphabet.find(sid[0]);
    return p == std::string_view::npos ? SIZE_MAX : p;
}

} // namespace sb::detail
