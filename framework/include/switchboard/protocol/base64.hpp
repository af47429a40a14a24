#pragma once
/** @file
    Base64 (RFC 4648 §4, standard alphabet, `=` padding) for Engine.IO binary packets.

    Engine.IO carries binary messages as `b<base64>` text on polling, on SSE, and on
    WebSocket for `b64=1` clients. The encoder produces exactly what Node's
    `Buffer.toString("base64")` produces, which is what engine.io-client expects.
*/
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sb::base64 {

/// Length of the base64 text for `n` bytes, padding included.
constexpr std::size_t encoded_size(std::size_t n) noexcept
{
    return (n + 2) / 3 * 4;
}

/** Append the base64 text of `bytes` to `out`.

    @param out   string to append to; grows by exactly `encoded_size(bytes.size())`.
    @param bytes arbitrary bytes.
*/
void encode_append(std::string& out, std::string_view bytes);

/** Return the base64 text of `bytes` (standard alphabet, padded).

    @param bytes arbitrary bytes.
    @return e.g. `"AQIDBA=="` for the bytes `01 02 03 04`.
*/
std::string encode(std::string_view bytes);

/** Decode base64 `text` and append the bytes to `out`.

    Accepts the standard alphabet (`A-Z a-z 0-9 + /`) with or without the trailing `=`
    padding, which covers every Engine.IO client (browsers' `FileReader`, Node's `Buffer`,
    Python's `base64`). Unused bits in the last character are ignored, as Node does.

    Rejects, where Node's `Buffer.from(text, "base64")` silently skips or stops: characters
    outside the alphabet (whitespace and the URL-safe `-` and `_` included), `=` anywhere but
    at the end, more than two `=`, and a length that leaves a single dangling character.

    @param out  string the decoded bytes are appended to; left unchanged when decoding fails.
    @param text base64 text, without the Engine.IO `b` prefix.
    @return `true` on success, `false` if `text` is not valid base64.
*/
bool decode_append(std::string& out, std::string_view text);

/// decode_append() into bytes: the form of an `.rtdl` `bytes` field. `out` is replaced,
/// and left empty when decoding fails.
bool decode(std::string_view text, std::vector<std::byte>& out);

/** Check `text` as decode_append() would, without producing bytes.

    @return `true` if decode_append() would succeed on `text`.
*/
bool is_valid(std::string_view text) noexcept;

} // namespace sb::base64
