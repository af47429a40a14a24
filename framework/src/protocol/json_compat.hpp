#pragma once
// Closes the gap between JSON.parse and simdjson 3.0.1, which rejects two kinds of valid
// JSON: integers beyond 64 bits (simdjson has no big-integer fallback before 3.x) and
// unpaired UTF-16 surrogate escapes. JavaScript clients send both: JSON.stringify(1e20) is
// "100000000000000000000", and a string cut in the middle of an emoji is "\ud83d".
#include <string>
#include <string_view>

namespace sb::protocol::detail {

/** Rewrites `json` into `out` so that simdjson parses it to the values JavaScript would
    see: an integer that does not fit in 64 bits gets ".0" appended (JavaScript reads every
    number as a double), and an unpaired surrogate escape becomes "\ufffd" (what JavaScript
    writes for it in UTF-8). Everything else is copied verbatim, invalid JSON included.

    @return true if anything was rewritten.
*/
bool rewrite_for_simdjson(std::string_view json, std::string& out);

} // namespace sb::protocol::detail
