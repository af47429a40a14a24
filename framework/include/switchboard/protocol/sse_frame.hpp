#pragma once
/** @file
    Server-Sent Events framing (WHATWG HTML §9.2 "Server-sent events"), free of I/O.

    Two users: the `sse` Engine.IO transport (one Engine.IO packet per event, `data:`
    lines only) and the plain EventSource endpoints (`event:`, `id:`, `data:`, `retry:`
    and comment heartbeats). Both append to a caller's buffer so that a writer can gather
    many events into one write.

    The EventSource parser splits lines on CR, LF and CRLF and joins several `data:`
    lines of one event with LF. So a value with LF in it is sent as several `data:` lines
    and arrives intact, but a CR cannot be carried: `has_cr` lets a caller refuse (or
    escape) such a value before framing it. `event:` and `id:` values are single lines.
*/
#include <cstdint>
#include <string>
#include <string_view>

namespace sb::sse {

/// What the parser can't carry losslessly: a CR anywhere in a `data` value.
constexpr bool has_cr(std::string_view data) noexcept { return data.find('\r') != std::string_view::npos; }

/// One event: optional `event:` and `id:` lines, then `data` as one `data:` line per
/// LF-separated line, then the blank line that dispatches it. Empty `event` and `id`
/// are left out. `event` and `id` must not contain CR or LF (the caller's names do not);
/// an `id` with a NUL is ignored by browsers, so callers use printable ids.
void append_event(std::string& out, std::string_view data, std::string_view event = {}, std::string_view id = {});

/// A comment line (`:` + text + LF); EventSource ignores it. Used as a heartbeat that
/// keeps proxies from timing out an idle stream.
void append_comment(std::string& out, std::string_view text = {});

/// `retry: <ms>` : the reconnection delay a browser uses after the stream drops.
void append_retry(std::string& out, std::uint32_t milliseconds);

/// The response headers every SSE stream carries besides `Content-Type:
/// text/event-stream`: no caching, and no buffering by nginx (`X-Accel-Buffering`).
constexpr std::string_view content_type = "text/event-stream";
constexpr std::string_view cache_control = "no-store";
constexpr std::string_view accel_buffering = "no";

} // namespace sb::sse
