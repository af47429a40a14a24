#pragma once
/** @file
    The event route tables of generated dispatch: a perfect hash over a namespace's `on`
    event names, so finding a handler is one hash, one slot and one compare.

    rtdlc searches for the seed with this same `route_hash` (it includes this header), and
    every generated table is checked by `static_assert(route_table_ok(...))`.
*/
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sb_rtdl {

inline constexpr std::size_t route_npos = static_cast<std::size_t>(-1);

/// 32-bit FNV-1a over `name`, with `seed` mixed into the offset basis.
constexpr std::uint32_t route_hash(std::uint32_t seed, std::string_view name) noexcept
{
    std::uint32_t h = 2166136261u ^ seed;
    for (char c : name) {
        h ^= static_cast<unsigned char>(c);
        h *= 16777619u;
    }
    return h;
}

/// The slot of `name` among 2^bits: the hash's top bits (FNV-1a's low bits follow the seed's).
constexpr std::size_t route_slot(std::uint32_t seed, unsigned bits, std::string_view name) noexcept
{
    return static_cast<std::size_t>(route_hash(seed, name) >> (32u - bits));
}

/// The index of `name` in `names`, or `route_npos`.
template <std::size_t N, std::size_t M>
constexpr std::size_t route_lookup(const std::array<std::string_view, N>& names,
                                   const std::array<std::size_t, M>& slots, std::uint32_t seed, unsigned bits,
                                   std::string_view name) noexcept
{
    const std::size_t i = slots[route_slot(seed, bits, name)];
    return (i != route_npos && names[i] == name) ? i : route_npos;
}

/// True when the table has 2^bits slots, every name sits in its own slot, and no slot
/// holds anything else.
template <std::size_t N, std::size_t M>
constexpr bool route_table_ok(const std::array<std::string_view, N>& names,
                              const std::array<std::size_t, M>& slots, std::uint32_t seed,
                              unsigned bits) noexcept
{
    if (bits == 0 || bits > 31 || M != (std::size_t{1} << bits))
        return false;
    std::size_t filled = 0;
    for (std::size_t s : slots) {
        if (s == route_npos)
            continue;
        if (s >= names.size())
            return false;
        ++filled;
    }
    if (filled != names.size())
        return false;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (slots[route_slot(seed, bits, names[i])] != i)
            return false;
    }
    return true;
}

} // namespace sb_rtdl
