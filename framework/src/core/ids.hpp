#pragma once
// Random ids: 20 url-safe base64 characters from OpenSSL's CSPRNG (as unguessable as
// Node's base64id). Socket ids, recovery ids, and (engine/ids.cpp) session ids.
#include <cstddef>
#include <string>
#include <string_view>

namespace sb::detail {

inline constexpr std::string_view id_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A fresh random id: 20 url-safe characters.
std::string make_random_id();

/// Lower-case hex of `n` bytes (random ids, digests).
std::string hex_of(const unsigned char* bytes, std::size_t n);

/// Milliseconds since the Unix epoch in base 36 (`[0-9a-z]`): an event-log epoch,
/// distinct from one call to the next a millisecond later (and from run to run).
std::string make_epoch();

} // namespace sb::detail
