#pragma once
/** @file
    Engine.IO packets as Server-Sent Events: the framing of the `sse` transport, free of I/O
    (`docs/protocol.md`, "The `sse` transport").

    One packet per event. A text packet is its wire text `<type digit><data>` (`4hello`,
    `2`, `0{"sid":...}`), a binary message is `b<base64>` as in polling payloads. An LF in
    a packet becomes a new `data:` line, which the EventSource parser joins back with LF;
    a CR cannot be carried (the parser takes it for a line end), so a text packet holding
    one is refused. Socket.IO packets are JSON and never hold a raw CR or LF.
*/
#include <string>
#include <string_view>

namespace sb::eio {

/** Appends one Engine.IO packet as an SSE event.

    @param out    the stream bytes being built (events are appended whole, so a writer can
                  gather many into one write).
    @param packet text: the whole packet with its type digit; binary: the raw message bytes.
    @param binary `true` for a binary message, sent as `b<base64>`.
    @return `false`, with nothing appended, for a text packet that contains a CR.
*/
bool append_sse_packet(std::string& out, std::string_view packet, bool binary = false);

} // namespace sb::eio
