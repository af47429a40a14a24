#pragma once
/** @file
    What every rtdlc-generated codec shares, whether or not its contract has a namespace:
    the decode error and the path it points at, the checks of `@length` and `@charset`,
    and the wire forms of `bytes`, `timestamp` and floating-point numbers.

    Nothing here touches simdjson (that is `json_decode.hpp`), so this header is cheap and
    the compiled part (`decode_context`'s pointer, base64) is built once, in `sb_rtdl`.
*/
#include <boost/json/value.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb_rtdl {

/// `timestamp`: integer milliseconds since the Unix epoch.
using timestamp = std::int64_t;

/// Why a payload was rejected: a message and the JSON pointer (RFC 6901) of the
/// offending value, relative to the payload ("" for the payload itself).
struct decode_error {
    std::string message;
    std::string pointer;
};

/// The outcome of `decode()`: empty on success.
using decode_status = std::optional<decode_error>;

/** Decoder state: the path to the value being decoded and, after a failure, why.

    The path is a stack of segments (views of keys, or array indices), turned into a JSON
    pointer only by `fail()`, so a successful decode never builds one. A key segment views
    text that outlives the decode step (a literal, or the parser's buffer).
*/
struct decode_context {
    std::string pointer; ///< set by `fail()`
    std::string message; ///< set by `fail()`

    /// Records why decoding stopped, and where; returns false for `return cx.fail(...)`.
    bool fail(std::string why);

    // push/pop run for every value decoded: forced inline, they are two stores and an add.
    /// Enters a key; returns the mark to `pop()` back to.
    [[gnu::always_inline]] std::size_t push(std::string_view key)
    {
        return push_segment({key.data(), key.size()});
    }
    /// Enters an array index.
    [[gnu::always_inline]] std::size_t push(std::size_t index) { return push_segment({nullptr, index}); }
    [[gnu::always_inline]] void pop(std::size_t mark) noexcept { depth_ = mark; }

private:
    struct segment {
        const char* key; ///< null for an index
        std::size_t n;   ///< the key's length, or the index
    };
    static constexpr std::size_t shallow = 16; // deeper paths spill to the heap

    [[gnu::always_inline]] std::size_t push_segment(segment s)
    {
        if (depth_ < shallow) [[likely]]
            near_[depth_] = s;
        else
            spill(s);
        return depth_++;
    }
    void spill(segment s); // out of line: deep values are rare
    /// The JSON pointer (RFC 6901 escaping) of the current path.
    std::string render() const;

    segment near_[shallow]; // left uninitialised: only [0, depth_) is read
    std::vector<segment> deep_;
    std::size_t depth_ = 0;
};

/// Number of Unicode code points in valid UTF-8 (what `@length` counts for strings).
inline std::size_t code_points(std::string_view s) noexcept
{
    std::size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

/// A 256-bit set of allowed bytes, built at compile time from a list of characters
/// (what `@charset("a-z0-9-")` compiles to).
struct char_table {
    std::uint64_t bits[4]{};
    constexpr explicit char_table(std::string_view allowed) noexcept
    {
        for (unsigned char c : allowed)
            bits[c >> 6] |= std::uint64_t{1} << (c & 63);
    }
    constexpr bool contains(unsigned char c) const noexcept { return (bits[c >> 6] >> (c & 63)) & 1; }
};

/// The first byte of `s` not in `t`, or -1.
inline int first_outside(std::string_view s, const char_table& t) noexcept
{
    for (unsigned char c : s) {
        if (!t.contains(c))
            return c;
    }
    return -1;
}

/// The message of a `@charset` failure for byte `c` (printable, or as `\xNN`).
std::string charset_message(int c, const char* spec);

/// Standard base64 with padding (RFC 4648 §4), the `bytes` wire form: `sb::base64`, the
/// codec Engine.IO's binary packets use too.
std::string base64_encode(const std::vector<std::byte>& in);

/// Decodes base64 (padding optional) into `out`; false on a bad character, length or padding.
bool base64_decode(std::string_view in, std::vector<std::byte>& out);

/// A finite double as JSON (NaN and Inf are not JSON: they encode as null).
inline ::boost::json::value encode_number(double d)
{
    if (!std::isfinite(d))
        return nullptr;
    return d;
}

} // namespace sb_rtdl
