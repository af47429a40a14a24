#pragma once
/** @file
    Socket.IO v5 packet codec, behaving as socket.io-parser 4.2.x (`lib/index.ts`,
    `lib/binary.ts`).

    A packet is `<type>[<attachments>-][<nsp>,][<ack id>][<JSON>]`, carried in one Engine.IO
    `message` (the caller adds or strips the Engine.IO `4`), e.g. `2/chat,12["ev",1]`. A
    BINARY_EVENT or BINARY_ACK is followed by its attachments, one Engine.IO binary message
    each, which its JSON refers to with `{"_placeholder":true,"num":<i>}` objects.
*/
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::sio {

/// Socket.IO packet types; the value is the digit on the wire.
enum class packet_type : std::uint8_t {
    connect = 0,
    disconnect,
    event,
    ack,
    connect_error,
    binary_event,
    binary_ack,
};

/// `true` for `binary_event` and `binary_ack`, the types followed by attachments.
constexpr bool is_binary(packet_type t) noexcept
{
    return t == packet_type::binary_event || t == packet_type::binary_ack;
}

/// A Socket.IO packet, as decoded by `decoder` or to be written by `encode()`.
struct packet {
    packet_type type = packet_type::connect;
    /// The namespace, `"/"` when the packet names none.
    std::string nsp = "/";
    /// The ack id, when the packet has one.
    std::optional<std::uint64_t> id{};
    /// BINARY_*: the announced number of attachments (decoded packets only; see `encode()`).
    std::size_t attachments = 0;
    /// The JSON payload as received (see `decoder` for the one exception), empty when the
    /// packet has none. Placeholders are left in place: `buffers[num]` is their content.
    std::string data{};
    /// EVENT and BINARY_EVENT: the event name. A name sent as a number (socket.io allows
    /// them) is the number as JavaScript's `String()` writes it, e.g. `"1"`, `"1.5"`, `"1e+21"`.
    std::string event{};
    /// BINARY_*: the attachments, `buffers[i]` being placeholder `num` `i`.
    std::vector<std::string> buffers{};

    friend bool operator==(const packet&, const packet&) = default;
};

/** `true` if `name` is an event name that a peer must not send (socket.io-parser's
    `RESERVED_EVENTS`): `connect`, `connect_error`, `disconnect`, `disconnecting`,
    `newListener`, `removeListener`. An EVENT carrying one is rejected by the decoder.
*/
bool is_reserved_event(std::string_view name) noexcept;

/// Decoder limits.
struct decoder_options {
    /// The most attachments a BINARY_* packet may announce (socket.io-parser's
    /// `maxAttachments`, default 10); more gives `sb::error::too_many_attachments`.
    std::size_t max_attachments = 10;
    /// The deepest JSON nesting of arrays and objects accepted (`["a",[1]]` is 2 deep; an
    /// empty innermost `[]` or `{}` does not count); deeper gives `sb::error::bad_sio_packet`.
    /// JSON.parse has no such bound but the stack's.
    std::size_t max_json_depth = 64;
};

/** Decoder for the Socket.IO packets of one connection, as socket.io-parser's `Decoder`.

    Feed it every Engine.IO message of the connection in order: text messages with
    put_text(), binary messages with put_binary(). When ready(), take() the packet. A
    BINARY_* packet becomes ready after its last attachment.

    It checks what socket.io-parser checks, with the same outcome for every packet that a
    Socket.IO encoder can produce:
    - the type is one digit `0`-`6`;
    - BINARY_* announce `1` to `max_attachments` attachments as decimal digits before `-`;
    - the namespace is present when the next character is `/` and runs to the first `,`
      or to the end (`1/admin` is valid); it may contain any other character;
    - the ack id is the run of decimal digits that follows;
    - the rest, if any, is JSON that JSON.parse accepts, and fits the type (`isPayloadValid`):
      CONNECT an object, DISCONNECT nothing, EVENT a non-empty array whose first element is a
      number or a non-reserved string, ACK an array, CONNECT_ERROR an object or a string;
    - in BINARY_* packets, every object whose `_placeholder` is `true` has a `num` that
      indexes an attachment.

    Errors; after any of them the decoder is back to its initial state, and the caller is
    expected to close the connection, as the Node server does:
    - `sb::error::bad_sio_packet`: bad type, attachment count, ack id, JSON, or placeholder;
    - `sb::error::bad_payload`: valid JSON that does not fit the packet type;
    - `sb::error::too_many_attachments`: more attachments than `max_attachments`;
    - `sb::error::unexpected_text`: a text message while attachments are awaited;
    - `sb::error::unexpected_binary`: a binary message while none is awaited.

    Where socket.io-parser is looser than any encoder ever is, this decoder does not follow
    it (each case makes Node build a packet that no client meant to send):
    - an empty message, or one starting with whitespace, is rejected (JavaScript reads the
      type with `Number()`, which makes them CONNECT to `/`);
    - attachment counts and ack ids are decimal digits only (`Number()` also takes spaces,
      signs, `0x1`, `1e0`, `1.0`; `2 ["a"]` gets ack id 0 in Node and no ack id here);
    - an ack id beyond 2^64 - 1 is rejected (JavaScript rounds it to a double);
    - an EVENT or BINARY_EVENT without JSON is rejected (Node emits an `undefined` event);
    - a placeholder `num` that is not an integer is rejected (Node substitutes `undefined`);
    - a bad placeholder is reported with the header, not after the last attachment;
    - the JSON must be UTF-8 and at most `max_json_depth` deep. Two kinds of JSON that
      JSON.parse accepts and simdjson 3.0.1 does not are still accepted, and `data` then
      holds an equivalent rewrite that simdjson parses: an integer beyond 64 bits gets a
      `.0` (JavaScript reads every number as a double anyway), and an unpaired UTF-16
      surrogate escape such as `\ud800` becomes `\ufffd` (what the string turns into the
      moment it is written as UTF-8). Numbers beyond the double range (`1e400`, which no
      JSON encoder emits) are rejected.

    @par Thread safety
    Distinct objects: safe. Shared objects: unsafe. The JSON parser is reused per thread,
    so memory follows the largest message parsed on a thread, not per connection.
*/
class decoder {
public:
    /// Construct a decoder. It holds a packet only from put_text() to take() (or while
    /// attachments are awaited), so the decoder of an idle connection is a few words.
    explicit decoder(decoder_options options = {}) : options_(options) {}

    /** Decode a text message (an Engine.IO `message` payload, without its `4`).

        @param message the Socket.IO packet text; copied as needed, not retained.
        @return the error, if any (see the class description).
        @pre `!ready()`: the previous packet was taken.
    */
    boost::system::error_code put_text(std::string_view message);

    /** Add a binary message: the next attachment of the pending BINARY_* packet.

        @param message the attachment bytes; copied.
        @return `sb::error::unexpected_binary` if no attachment is awaited.
        @pre `!ready()`: the previous packet was taken.
    */
    boost::system::error_code put_binary(std::string_view message);

    /// `true` when a packet is complete and waiting for take().
    bool ready() const noexcept { return state_ == state::ready; }

    /// `true` while a BINARY_* packet waits for attachments (text would be an error).
    bool awaiting_binary() const noexcept { return state_ == state::reconstructing; }

    /// Remove and return the complete packet. @pre ready().
    packet take();

    /// Drop any partial or complete packet (socket.io-parser's `destroy()`).
    void reset();

private:
    enum class state : std::uint8_t { idle, reconstructing, ready };

    decoder_options options_;
    std::unique_ptr<packet> packet_;  // a packet is ~150 B; most connections hold none
    state state_ = state::idle;
};

/** Append the wire text of `p`: `<type>[<n>-][<nsp>,][<id>][<data>]`.

    As socket.io-parser's `Encoder`: the namespace is omitted when it is `/` (or empty), and
    EVENT and ACK packets with attachments are written as BINARY_EVENT and BINARY_ACK
    (and BINARY_* without attachments as EVENT and ACK). The attachment count `n` is
    `p.buffers.size()`, or `p.attachments` when `buffers` is empty. The attachments
    themselves are not written: send each of `p.buffers` as its own binary message.

    @param out the string to append to (the caller prepends the Engine.IO `4`).
    @param p   the packet; `p.data` is written verbatim and must be valid JSON or empty.
    @pre `p.nsp` is empty or starts with `/`, and contains no `,` (socket.io-parser throws).
*/
void encode(std::string& out, const packet& p);

/** Append an EVENT, e.g. `2/chat,12["ev",1]`, or a BINARY_EVENT when `attachments > 0`,
    e.g. `51-/chat,["ev",{"_placeholder":true,"num":0}]`. The fast path for broadcasts.

    @param out         the string to append to (the caller prepends the Engine.IO `4`).
    @param nsp         the namespace; omitted when `/` or empty.
    @param id          the ack id, if an ack is requested.
    @param json_array  the arguments, event name first, as a JSON array; written verbatim.
    @param attachments the number of placeholders in `json_array`.
    @pre as encode().
*/
void encode_event_text(std::string& out, std::string_view nsp, std::optional<std::uint64_t> id,
                       std::string_view json_array, std::size_t attachments = 0);

/** Append an ACK, e.g. `3/chat,12["ok"]`, or a BINARY_ACK when `attachments > 0`.

    @param out         the string to append to (the caller prepends the Engine.IO `4`).
    @param nsp         the namespace; omitted when `/` or empty.
    @param id          the ack id being answered.
    @param json_array  the ack arguments as a JSON array (`[]` for none); written verbatim.
    @param attachments the number of placeholders in `json_array`.
    @pre as encode().
*/
void encode_ack_text(std::string& out, std::string_view nsp, std::uint64_t id, std::string_view json_array,
                     std::size_t attachments = 0);

} // namespace sb::sio
