#pragma once
/** @file
    Engine.IO v4 packet codec: single text packets, polling payloads, the open packet.

    Pure functions and one incremental parser; no I/O. Wire reference: engine.io-parser
    (`decodePacket.ts`, `encodePacket.ts`, `index.ts`) and `docs/protocol.md` "Packets".

    - A text packet is `<type digit><data>`, e.g. `4hello`, `2probe`, `6`.
    - A binary message travels as raw bytes in a WebSocket binary frame (no type prefix, not
      handled here), or as `b<base64>` text wherever only text can go: polling payloads, SSE,
      and WebSocket text frames of `b64=1` clients.
    - A polling payload is packets joined by the record separator `\x1e`, e.g.
      `4hello\x1ebAQIDBA==`.
*/
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace sb::eio {

/// Engine.IO packet types; the value is the digit on the wire (`commons.ts`).
enum class packet_type : std::uint8_t { open = 0, close, ping, pong, message, upgrade, noop };

/// The character that separates packets in a polling payload (`String.fromCharCode(30)`).
inline constexpr char payload_separator = '\x1e';

/// The wire digit of `t`, e.g. `'4'` for `packet_type::message`.
constexpr char to_char(packet_type t) noexcept
{
    return static_cast<char>('0' + static_cast<int>(t));
}

/** A decoded packet that refers to the input it was decoded from.

    `binary` marks a binary message. Its bytes are in `data`, except for a `b` packet decoded
    by decode_text(), where `data` is still the (validated) base64 text after the `b` and
    `base64` is set: decode it with `sb::base64::decode_append`, or use the owning
    decode_text() overload.
*/
struct packet_view {
    packet_type type = packet_type::message;
    bool binary = false;
    std::string_view data{};
    /// `data` is base64 text still to be decoded (only ever set together with `binary`).
    bool base64 = false;
};

/// An owning decoded packet; for binary messages `data` holds the decoded bytes.
struct packet {
    packet_type type = packet_type::message;
    bool binary = false;
    std::string data{};

    friend bool operator==(const packet&, const packet&) = default;
};

/** Decode one text packet, as carried by a WebSocket text frame or an SSE event.

    `in` is `<digit 0-6><data>` or `b<base64>` (a binary message sent as text).

    @param in  the whole packet; `out.data` points into it.
    @param out set on success (for a `b` packet: `binary` and `base64` set, `data` the base64
               text), unspecified on failure.
    @return `sb::error::bad_packet` if `in` is empty, starts with anything else, or is a `b`
            packet whose base64 is invalid (Node closes the session with "parse error").
*/
boost::system::error_code decode_text(std::string_view in, packet_view& out);

/** Decode one text packet into an owning packet, decoding base64 for `b` packets.

    @param in  the whole packet.
    @param out set on success, unspecified on failure.
    @return as the packet_view overload.
*/
boost::system::error_code decode_text(std::string_view in, packet& out);

/** Incremental parser for a polling POST body (packets joined by `\x1e`).

    The body can be fed in pieces of any size, in the style of Beast's `basic_parser`: call
    put() for each piece as it arrives, finish() at the end of the body, and take() the
    packets as they become available (each packet is available as soon as the separator
    after it has been seen, the last one after finish()).

    Every packet must be valid (see decode_text()), so an empty body, an empty record
    (`4a\x1e\x1e4b`) or a trailing separator are errors, as in engine.io-parser's
    `decodePayload`. On the first invalid packet the parser fails for good; the packets
    decoded before it stay available, as Node processes them before closing the session
    with "parse error".

    @par Thread safety
    Distinct objects: safe. Shared objects: unsafe.
*/
class payload_parser {
public:
    /** Consume the next piece of the body.

        @param bytes the next bytes of the body, in order; not retained after the call.
        @param ec    cleared on success; `sb::error::bad_packet` if a packet completed by
                     `bytes` is invalid, if the parser already failed, or if finish() was
                     called (bytes after the end of the body).
        @return the number of bytes consumed: `bytes.size()` on success, `0` on failure.
    */
    std::size_t put(std::string_view bytes, boost::system::error_code& ec);

    /** Signal the end of the body and decode the last packet.

        @param ec cleared on success; `sb::error::bad_packet` if the body was empty, ends
                  with a separator, its last packet is invalid, or the parser already failed.
    */
    void finish(boost::system::error_code& ec);

    /// `true` while a decoded packet is waiting for take().
    bool has_packet() const noexcept { return !ready_.empty(); }

    /// Remove and return the oldest decoded packet. @pre has_packet().
    packet take();

    /// `true` once finish() succeeded or an error occurred.
    bool done() const noexcept { return finished_ || failed_; }

    /// Forget everything, including undelivered packets, to parse a new body.
    void reset() noexcept;

private:
    void fail(boost::system::error_code& ec);
    bool complete_record(std::string_view record);

    std::string partial_; // the current record while it spans several put() calls
    std::deque<packet> ready_;
    bool finished_ = false;
    bool failed_ = false;
};

/** Decode a whole polling payload.

    @param body the complete POST body.
    @param out  the decoded packets are appended to it, including, on failure, those decoded
                before the invalid one.
    @return `sb::error::bad_packet` on the first invalid packet (see payload_parser).
*/
boost::system::error_code decode_payload(std::string_view body, std::vector<packet>& out);

/** Append one packet to a polling payload (or to an SSE `data:` body).

    Adds the `\x1e` separator first when `body` is not empty.

    @param body   the payload being built.
    @param t      packet type; must be `message` when `binary` is set.
    @param data   text for a text packet, raw bytes for a binary one.
    @param binary encode `data` as `b<base64>`, as `encodePayload` always does for binary.
    @pre `data` contains no `\x1e` when `binary` is false (Engine.IO has no escaping).
*/
void append_payload(std::string& body, packet_type t, std::string_view data, bool binary = false);

/** Append one text packet `<digit><data>`, e.g. for a WebSocket text frame.

    @param out  string to append to.
    @param t    packet type.
    @param data the packet data (may be empty, e.g. for ping `2`).
*/
void append_text(std::string& out, packet_type t, std::string_view data);

/** Append a binary message in its text form `b<base64>`, for WebSocket text frames and SSE
    events of clients that cannot take binary frames (`b64=1`).

    @param out   string to append to.
    @param bytes the raw message bytes.
*/
void append_base64_text(std::string& out, std::string_view bytes);

/// The handshake data of the open packet; the defaults are Node's.
struct open_info {
    std::string_view sid{};                 ///< the Engine.IO session id
    bool upgrade_to_websocket = true;       ///< advertise `["websocket"]` (false gives `[]`)
    std::uint32_t ping_interval_ms = 25000; ///< `pingInterval`
    std::uint32_t ping_timeout_ms = 20000;  ///< `pingTimeout`
    std::size_t max_payload = 1000000;      ///< `maxPayload`: the server's maxHttpBufferSize
};

/** The open packet, byte for byte as Node's `socket.ts` `onOpen` writes it, e.g.
    @code
    0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,
    "pingTimeout":20000,"maxPayload":1000000}
    @endcode
    (one line on the wire). The keys are always in this order.

    @param info the handshake data; `sid` is JSON-escaped as `JSON.stringify` would.
    @return the packet text, type digit included.
*/
std::string open_packet(const open_info& info);

} // namespace sb::eio
