#include <switchboard/error.hpp>
#include <switchboard/protocol/base64.hpp>
#include <switchboard/protocol/ws_frame.hpp>

#include <openssl/evp.h>
#include <simdjson.h>

#include <algorithm>
#include <cstring>

namespace sb::ws {

namespace {

constexpr std::uint8_t fin_bit = 0x80;
constexpr std::uint8_t rsv_bits = 0x70;
constexpr std::uint8_t opcode_bits = 0x0F;
constexpr std::uint8_t mask_bit = 0x80;
constexpr std::uint8_t length_bits = 0x7F;

// Past this, a parser's buffer is released after each message rather than kept: one large
// message must not pin its size in memory for the life of an otherwise quiet connection.
constexpr std::size_t retained_capacity = 64 * 1024;

bool is_control(opcode op) noexcept
{
    return static_cast<std::uint8_t>(op) >= 8;
}

bool is_known(std::uint8_t op) noexcept
{
    return op <= 2 || (op >= 8 && op <= 10);
}

std::string_view as_chars(const std::uint8_t* p, std::size_t n) noexcept
{
    return {reinterpret_cast<const char*>(p), n};
}

void release_or_clear(std::string& s)
{
    if (s.capacity() > retained_capacity) {
        std::string{}.swap(s);
    }
    else {
        s.clear();
    }
}

} // namespace

std::size_t write_header(std::uint8_t* out, opcode op, std::uint64_t len,
                         const std::uint8_t* mask_key) noexcept
{
    std::size_t n = 0;
    out[n++] = fin_bit | static_cast<std::uint8_t>(op);
    const std::uint8_t mask = mask_key ? mask_bit : 0;
    if (len < 126) {
        out[n++] = mask | static_cast<std::uint8_t>(len);
    }
    else if (len <= 0xFFFF) {
        out[n++] = mask | 126;
        out[n++] = static_cast<std::uint8_t>(len >> 8);
        out[n++] = static_cast<std::uint8_t>(len);
    }
    else {
        out[n++] = mask | 127;
        for (int shift = 56; shift >= 0; shift -= 8) {
            out[n++] = static_cast<std::uint8_t>(len >> shift);
        }
    }
    if (mask_key) {
        std::memcpy(out + n, mask_key, 4);
        n += 4;
    }
    return n;
}

void apply_mask(std::uint8_t* data, std::size_t n, const std::uint8_t key[4], std::size_t offset) noexcept
{
    // The key rotated to `offset` and repeated over 8 bytes: byte i of the payload is XORed
    // with key[(offset + i) % 4], which is rotated[i % 8] for every i.
    std::uint8_t rotated[8];
    for (std::size_t i = 0; i < 8; ++i) {
        rotated[i] = key[(offset + i) & 3];
    }
    std::uint64_t word_key;
    std::memcpy(&word_key, rotated, 8);

    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, data + i, 8);
        w ^= word_key;
        std::memcpy(data + i, &w, 8);
    }
    for (; i < n; ++i) {
        data[i] ^= rotated[i & 7];
    }
}

void append_frame(std::string& out, opcode op, std::string_view payload, const std::uint8_t* mask_key)
{
    std::uint8_t header[max_header_size];
    const std::size_t header_len = write_header(header, op, payload.size(), mask_key);
    const std::size_t start = out.size();
    out.append(as_chars(header, header_len));
    out.append(payload);
    if (mask_key) {
        apply_mask(reinterpret_cast<std::uint8_t*>(out.data() + start + header_len), payload.size(),
                   mask_key);
    }
}

// --- parser --------------------------------------------------------------------------------------

parser::parser(role r, std::size_t max_message_size) : max_message_size_(max_message_size), role_(r) {}

std::size_t parser::put(std::string_view bytes, boost::system::error_code& ec)
{
    ec = error_;
    std::size_t used = 0;
    while (!ec && state_ != state::ready) {
        if (state_ == state::header) {
            used += take_header(bytes.substr(used), ec);
            if (state_ == state::header) {
                break; // out of input mid-header
            }
        }
        else {
            used += take_payload(bytes.substr(used));
            if (frame_left_ > 0) {
                break; // out of input mid-payload
            }
            end_frame(ec);
        }
    }
    return used;
}

std::size_t parser::take_header(std::string_view bytes, boost::system::error_code& ec)
{
    std::size_t used = 0;
    while (header_have_ < header_need_ && used < bytes.size()) {
        const std::size_t n = std::min<std::size_t>(header_need_ - header_have_, bytes.size() - used);
        std::memcpy(header_ + header_have_, bytes.data() + used, n);
        header_have_ = static_cast<std::uint8_t>(header_have_ + n);
        used += n;
        if (header_have_ == 2) {
            // The first two bytes tell how long the header is, and already allow most checks,
            // so a bad frame fails before we wait for the rest of it.
            const std::uint8_t b0 = header_[0];
            const std::uint8_t b1 = header_[1];
            if ((b0 & rsv_bits) || !is_known(b0 & opcode_bits)) {
                fail(ec, error::bad_frame);
                return used;
            }
            frame_fin_ = b0 & fin_bit;
            frame_op_ = static_cast<opcode>(b0 & opcode_bits);
            masked_ = b1 & mask_bit;
            // RFC 6455 §5.1: a server fails unmasked frames, a client fails masked ones.
            if (masked_ != (role_ == role::server)) {
                fail(ec, error::bad_frame);
                return used;
            }
            const std::uint8_t len7 = b1 & length_bits;
            header_need_ = static_cast<std::uint8_t>(2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked_ ? 4 : 0));
        }
    }
    if (header_have_ == header_need_) {
        begin_frame(ec);
    }
    return used;
}

void parser::begin_frame(boost::system::error_code& ec)
{
    const std::uint8_t len7 = header_[1] & length_bits;
    std::size_t pos = 2;
    std::uint64_t len = len7;
    if (len7 == 126) {
        len = (std::uint64_t{header_[2]} << 8) | header_[3];
        pos = 4;
        if (len < 126) {
            return fail(ec, error::bad_frame); // §5.2: the minimal number of bytes MUST be used
        }
    }
    else if (len7 == 127) {
        len = 0;
        for (pos = 2; pos < 10; ++pos) {
            len = (len << 8) | header_[pos];
        }
        if (len <= 0xFFFF || (len >> 63)) {
            return fail(ec, error::bad_frame); // not minimal, or the most significant bit set
        }
    }
    if (masked_) {
        std::memcpy(mask_key_, header_ + pos, 4);
    }

    if (is_control(frame_op_)) {
        if (!frame_fin_ || len > max_control_payload) {
            return fail(ec, error::bad_frame); // §5.5
        }
        control_.clear();
    }
    else {
        const bool in_message = message_op_ != opcode::continuation;
        if (in_message != (frame_op_ == opcode::continuation)) {
            // §5.4: a continuation with no message started, or a new message before the last ended.
            return fail(ec, error::bad_frame);
        }
        if (len > max_message_size_ - message_.size()) {
            return fail(ec, error::payload_too_large);
        }
        if (!in_message) {
            message_op_ = frame_op_;
        }
    }
    frame_left_ = len;
    frame_offset_ = 0;
    header_have_ = 0;
    header_need_ = 2;
    state_ = state::payload;
}

std::size_t parser::take_payload(std::string_view bytes)
{
    // Grow the buffer only by what has arrived: the length in a header is a claim, and trusting
    // it would let a peer make every connection reserve `max_message_size` without sending it.
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(frame_left_, bytes.size()));
    if (n == 0) {
        return 0;
    }
    std::string& target = is_control(frame_op_) ? control_ : message_;
    const std::size_t start = target.size();
    target.append(bytes.data(), n);
    if (masked_) {
        apply_mask(reinterpret_cast<std::uint8_t*>(target.data() + start), n, mask_key_, frame_offset_);
    }
    frame_left_ -= n;
    frame_offset_ += n;
    return n;
}

void parser::end_frame(boost::system::error_code& ec)
{
    state_ = state::header;
    if (is_control(frame_op_)) {
        if (frame_op_ == opcode::close) {
            if (control_.size() == 1) {
                return fail(ec, error::bad_frame); // §5.5.1: a body starts with a 2-byte code
            }
            close_code_ = close_code::no_status;
            if (control_.size() >= 2) {
                close_code_ = static_cast<std::uint16_t>((static_cast<std::uint8_t>(control_[0]) << 8) |
                                                         static_cast<std::uint8_t>(control_[1]));
                if (!is_valid_close_code(close_code_)) {
                    return fail(ec, error::bad_frame);
                }
                if (!simdjson::validate_utf8(control_.data() + 2, control_.size() - 2)) {
                    return fail(ec, error::bad_utf8);
                }
            }
        }
        ready_op_ = frame_op_;
        state_ = state::ready;
        return;
    }
    if (!frame_fin_) {
        return; // more fragments to come
    }
    // UTF-8 is checked once the message is whole; a sequence split across fragments is legal.
    if (message_op_ == opcode::text && !simdjson::validate_utf8(message_)) {
        return fail(ec, error::bad_utf8);
    }
    ready_op_ = message_op_;
    state_ = state::ready;
}

void parser::fail(boost::system::error_code& ec, boost::system::error_code why)
{
    error_ = why;
    ec = why;
    state_ = state::failed;
}

std::string_view parser::payload() const noexcept
{
    if (state_ != state::ready) {
        return {};
    }
    return is_control(ready_op_) ? std::string_view{control_} : std::string_view{message_};
}

std::string_view parser::close_reason() const noexcept
{
    if (state_ != state::ready || ready_op_ != opcode::close || control_.size() < 2) {
        return {};
    }
    return std::string_view{control_}.substr(2);
}

void parser::next()
{
    if (state_ != state::ready) {
        return;
    }
    if (is_control(ready_op_)) {
        control_.clear();
    }
    else {
        release_or_clear(message_);
        message_op_ = opcode::continuation;
    }
    close_code_ = close_code::no_status;
    state_ = state::header;
}

// --- close and handshake helpers -------------------------------------------------------------------

std::string close_payload(std::uint16_t code, std::string_view reason)
{
    constexpr std::size_t max_reason = max_control_payload - 2;
    if (reason.size() > max_reason) {
        std::size_t cut = max_reason;
        while (cut > 0 && (static_cast<std::uint8_t>(reason[cut]) & 0xC0) == 0x80) {
            --cut; // back off a UTF-8 continuation byte so the reason stays valid
        }
        reason = reason.substr(0, cut);
    }
    std::string out;
    out.reserve(2 + reason.size());
    out += static_cast<char>(code >> 8);
    out += static_cast<char>(code & 0xFF);
    out += reason;
    return out;
}

bool is_valid_close_code(std::uint16_t code) noexcept
{
    if (code < 1000 || code >= 5000) {
        return false;
    }
    if (code >= 1004 && code <= 1006) {
        return false;
    }
    return code < 1015 || code >= 3000;
}

std::uint16_t close_code_for(const boost::system::error_code& ec) noexcept
{
    if (ec == error::bad_frame) {
        return close_code::protocol_error;
    }
    if (ec == error::bad_utf8) {
        return close_code::bad_payload;
    }
    if (ec == error::payload_too_large) {
        return close_code::too_big;
    }
    return close_code::internal_error;
}

std::string accept_key(std::string_view client_key)
{
    static constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    std::string input;
    input.reserve(client_key.size() + guid.size());
    input.append(client_key).append(guid);

    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (EVP_Digest(input.data(), input.size(), digest, &digest_len, EVP_sha1(), nullptr) != 1) {
        return {}; // only on allocation failure inside OpenSSL; the handshake then fails its check
    }
    return base64::encode({reinterpret_cast<const char*>(digest), digest_len});
}

} // namespace sb::ws
