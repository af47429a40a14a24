#pragma once
/** @file
    WebSocket framing (RFC 6455 §5), free of I/O.

    Switchboard frames WebSocket messages itself (Beast is used for HTTP only) so that a
    connection's writer can gather many queued frames into one write: a frame is just
    `write_header()` bytes followed by the payload, and the header of a server frame
    depends only on the opcode and the length. Reading goes through `parser`, an
    incremental parser in the style of Beast's `basic_parser`: feed it whatever bytes
    arrived, take out whole messages.

    No extensions are negotiated (no permessage-deflate), so every RSV bit must be zero.
*/
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sb::ws {

/// Frame opcodes (RFC 6455 §5.2). The values not listed are reserved and rejected.
enum class opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

/// Which end of the connection we are; it decides the masking rule (RFC 6455 §5.1).
enum class role : std::uint8_t {
    server, ///< expects masked input, writes unmasked frames
    client, ///< expects unmasked input, writes masked frames
};

/// The largest frame header: 2 bytes, an 8-byte extended length and a 4-byte mask key.
constexpr std::size_t max_header_size = 14;

/// The largest payload of a control frame (close, ping, pong), RFC 6455 §5.5.
constexpr std::size_t max_control_payload = 125;

/// Close status codes (RFC 6455 §7.4.1) that Switchboard sends.
namespace close_code {
constexpr std::uint16_t normal = 1000;         ///< normal closure
constexpr std::uint16_t going_away = 1001;     ///< server shutting down
constexpr std::uint16_t protocol_error = 1002; ///< framing violation
constexpr std::uint16_t no_status = 1005;      ///< never sent: a received close had no code
constexpr std::uint16_t bad_payload = 1007;    ///< text that is not UTF-8
constexpr std::uint16_t policy_error = 1008;   ///< generic refusal
constexpr std::uint16_t too_big = 1009;        ///< message over the size limit
constexpr std::uint16_t internal_error = 1011; ///< the server failed
} // namespace close_code

/** Returns the size of the header `write_header()` produces for these arguments.

    @param len the payload length.
    @param masked whether a mask key follows the length (client role).
    @return between 2 and `max_header_size`.
*/
constexpr std::size_t header_size(std::uint64_t len, bool masked) noexcept
{
    return 2 + (len < 126 ? 0 : len <= 0xFFFF ? 2 : 8) + (masked ? 4 : 0);
}

/** Writes the header of a final (FIN) frame carrying `len` payload bytes.

    The length uses the shortest encoding, as RFC 6455 §5.2 requires. With a mask key the
    MASK bit is set and the key appended; the caller then masks the payload itself with
    `apply_mask(payload, len, mask_key)`.

    @param out where to write; must have room for `max_header_size` bytes.
    @param op the frame's opcode.
    @param len the payload length.
    @param mask_key 4 bytes of mask key (client role), or null for an unmasked frame.
    @return the number of bytes written, equal to `header_size(len, mask_key != nullptr)`.
*/
std::size_t write_header(std::uint8_t* out, opcode op, std::uint64_t len,
                         const std::uint8_t* mask_key = nullptr) noexcept;

/** XORs `data` with the mask key in place (RFC 6455 §5.3); applying it twice restores the data.

    Works a machine word at a time, so unmasking large payloads costs about as much as a copy.

    @param data the bytes to (un)mask.
    @param n how many bytes.
    @param key the frame's 4-byte mask key.
    @param offset the position of `data[0]` within the frame's payload, so that a payload can be
        unmasked in pieces as it arrives.
*/
void apply_mask(std::uint8_t* data, std::size_t n, const std::uint8_t key[4],
                std::size_t offset = 0) noexcept;

/** Appends one complete final frame (header and payload) to `out`.

    A convenience for small frames and tests; the server's writer uses `write_header()` and
    gathers the payload instead of copying it.

    @param out the buffer to append to.
    @param op the frame's opcode.
    @param payload the payload, copied and masked when `mask_key` is given.
    @param mask_key 4 bytes of mask key (client role), or null for an unmasked frame.
*/
void append_frame(std::string& out, opcode op, std::string_view payload,
                  const std::uint8_t* mask_key = nullptr);

/** Incremental WebSocket parser: bytes in, whole messages out.

    Feed it bytes with `put()` as they arrive, split anywhere. When `ready()` is true a whole
    message is available through `message_opcode()` and `payload()`; `next()` discards it
    and lets parsing carry on. Fragmented data messages are reassembled; control frames
    (close, ping, pong) that arrive between the fragments are handed out on their own, in
    order, while the data message keeps being assembled.

    Memory grows with the data that actually arrives, never with the length a header
    claims, and a message longer than `max_message_size` is refused as soon as its header
    says so.

    An error is final: the connection must be failed (RFC 6455 §7.1.7), with the close
    code `close_code_for(ec)` when a close frame can still be sent.

    @par Thread safety
    None; one parser per connection, used on the connection's strand.
*/
class parser {
  public:
    /** Creates a parser for one connection.

        @param r our role: a server requires masked frames, a client refuses them.
        @param max_message_size the largest data message, summed over its fragments, in bytes.
    */
    parser(role r, std::size_t max_message_size);

    /** Consumes bytes until one complete message is ready or the input runs out.

        Running out of input is not an error: `ec` stays clear and the bytes are kept
        (everything not returned as consumed must be offered again). While `ready()` is true
        nothing is consumed.

        @param bytes the input.
        @param ec set on failure, and from then on by every call:
            - `sb::error::bad_frame`: a reserved bit or opcode, wrong masking for our role, a
              length in more bytes than needed or with its top bit set, a control frame that is
              fragmented or over 125 bytes, a continuation with no message started, a new data
              frame in the middle of a message, or a close payload of one byte or with a code
              that may not be sent;
            - `sb::error::payload_too_large`: a data message over `max_message_size`;
            - `sb::error::bad_utf8`: a text message, or a close reason, that is not UTF-8.
        @return the number of bytes consumed from the front of `bytes`.
    */
    std::size_t put(std::string_view bytes, boost::system::error_code& ec);

    /// True when a whole message is available.
    bool ready() const noexcept { return state_ == state::ready; }

    /// The ready message's opcode: text, binary, close, ping or pong. Only valid when `ready()`.
    opcode message_opcode() const noexcept { return ready_op_; }

    /// The ready message's payload, unmasked and reassembled. Valid until `next()`.
    std::string_view payload() const noexcept;

    /// For a ready close message: its status code, or `close_code::no_status` (1005) if it had none.
    std::uint16_t close_code() const noexcept { return close_code_; }

    /// For a ready close message: its reason (UTF-8, possibly empty). Valid until `next()`.
    std::string_view close_reason() const noexcept;

    /// Discards the ready message so that `put()` can produce the next one. Does nothing when not `ready()`.
    void next();

    /// True between messages: no frame or message begun, none ready, no failure. A parser
    /// in this state holds nothing a fresh one would not (a connection may drop it then).
    bool idle() const noexcept
    {
        return state_ == state::header && header_have_ == 0 && message_op_ == opcode::continuation;
    }

  private:
    enum class state : std::uint8_t { header, payload, ready, failed };

    std::size_t take_header(std::string_view bytes, boost::system::error_code& ec);
    void begin_frame(boost::system::error_code& ec);
    std::size_t take_payload(std::string_view bytes);
    void end_frame(boost::system::error_code& ec);
    void fail(boost::system::error_code& ec, boost::system::error_code why);

    // Largest first, the small fields packed at the end: a parser lives in every
    // connection (176 bytes in declaration order, 144 like this).
    // A data message being assembled (`message_op_` is continuation when none) and the
    // latest control frame, kept apart so that a ping can overtake a fragmented message.
    std::string message_;
    std::string control_;
    boost::system::error_code error_;
    std::size_t max_message_size_;
    // The frame being read.
    std::uint64_t frame_left_ = 0;
    std::size_t frame_offset_ = 0;
    std::uint8_t header_[max_header_size];
    std::uint8_t header_have_ = 0;
    std::uint8_t header_need_ = 2;
    std::uint8_t mask_key_[4] = {};
    role role_;
    state state_ = state::header;
    opcode frame_op_ = opcode::continuation;
    bool frame_fin_ = false;
    bool masked_ = false;
    opcode message_op_ = opcode::continuation;
    opcode ready_op_ = opcode::continuation;
    std::uint16_t close_code_ = close_code::no_status;
};

/** Builds a close frame payload: the code in network byte order, then the reason.

    The reason is cut, at a character boundary, to the 123 bytes a control frame has room for.

    @param code the status code; should satisfy `is_valid_close_code()`.
    @param reason a UTF-8 reason, usually short or empty.
*/
std::string close_payload(std::uint16_t code, std::string_view reason);

/** Tells whether `code` may appear in a close frame (RFC 6455 §7.4, IANA registry).

    Refused: below 1000, 1004–1006 and 1015 (reserved, never sent), 1016–2999 (unassigned)
    and 5000 and above (undefined).
*/
bool is_valid_close_code(std::uint16_t code) noexcept;

/** The close code to send when failing a connection because `put()` reported `ec`.

    @return 1002 for `bad_frame`, 1007 for `bad_utf8`, 1009 for `payload_too_large`, else 1011.
*/
std::uint16_t close_code_for(const boost::system::error_code& ec) noexcept;

/** Computes Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (RFC 6455 §4.2.2).

    base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).

    @param client_key the key as received, without surrounding whitespace.
*/
std::string accept_key(std::string_view client_key);

} // namespace sb::ws
