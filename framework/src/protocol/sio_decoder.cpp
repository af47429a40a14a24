// Socket.IO packet decoding, after socket.io-parser 4.2.x: Decoder.decodeString,
// Decoder.isPayloadValid, BinaryReconstructor and binary.ts _reconstructPacket.
#include <switchboard/error.hpp>
#include <switchboard/protocol/sio_packet.hpp>

#include "js_text.hpp"
#include "json_compat.hpp"

#include <boost/assert.hpp>

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <utility>

namespace sb::sio {
namespace {

using boost::system::error_code;
namespace dom = simdjson::dom;

constexpr std::array<std::string_view, 6> reserved_events{
    "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener",
};

bool is_digit(char c) noexcept
{
    return c >= '0' && c <= '9';
}

/// Parses `json` as JSON.parse would accept it, rewriting it in the two cases where
/// simdjson is stricter (see json_compat.hpp). The result lives until the thread's next parse.
simdjson::simdjson_result<dom::element> parse_json(std::string& json, std::size_t max_depth)
{
    // One parser per thread: a connection's decoder then costs nothing while idle, and
    // memory follows the largest message of the thread rather than of every connection.
    thread_local dom::parser parser;
    const std::size_t levels = max_depth + 1; // simdjson counts the root as a level: [[1]] takes 3
    if (parser.max_depth() != levels) {
        if (const auto error = parser.allocate(parser.capacity(), levels)) {
            return error;
        }
    }
    auto root = parser.parse(json);
    if (root.error() == simdjson::NUMBER_ERROR || root.error() == simdjson::STRING_ERROR) {
        std::string rewritten;
        if (protocol::detail::rewrite_for_simdjson(json, rewritten)) {
            auto retry = parser.parse(rewritten);
            if (!retry.error()) {
                json = std::move(rewritten);
            }
            return retry;
        }
    }
    return root;
}

/// binary.ts _reconstructPacket's check: `num` indexes one of `attachments` buffers.
bool is_attachment_index(dom::element num, std::size_t attachments)
{
    switch (num.type()) {
    case dom::element_type::INT64: {
        const std::int64_t v = num.get_int64().value_unsafe();
        return v >= 0 && static_cast<std::uint64_t>(v) < attachments;
    }
    case dom::element_type::UINT64: return num.get_uint64().value_unsafe() < attachments;
    case dom::element_type::DOUBLE: {
        // 1.0 and 1e0 are the integer 1 to JavaScript. A fraction passes Node's check and
        // yields an undefined buffer; it is rejected here.
        const double v = num.get_double().value_unsafe();
        return v >= 0 && v < static_cast<double>(attachments) && std::trunc(v) == v;
    }
    default: return false;
    }
}

/// Every `{"_placeholder":true,...}` object in `e` has a valid `num` (_reconstructPacket).
bool placeholders_valid(dom::element e, std::size_t attachments)
{
    if (e.is_array()) {
        const dom::array array = e.get_array().value_unsafe();
        for (const dom::element child : array) {
            if (!placeholders_valid(child, attachments)) {
                return false;
            }
        }
        return true;
    }
    if (!e.is_object()) {
        return true;
    }
    const dom::object object = e.get_object().value_unsafe();
    // JSON.parse keeps the last of duplicate keys.
    std::optional<dom::element> placeholder, num;
    for (const dom::key_value_pair field : object) {
        if (field.key == "_placeholder") {
            placeholder = field.value;
        }
        else if (field.key == "num") {
            num = field.value;
        }
    }
    if (placeholder && placeholder->is_bool() && placeholder->get_bool().value_unsafe()) {
        return num && is_attachment_index(*num, attachments);
    }
    for (const dom::key_value_pair field : object) {
        if (!placeholders_valid(field.value, attachments)) {
            return false;
        }
    }
    return true;
}

/// Decoder.isPayloadValid for an EVENT's arguments; sets the event name.
error_code check_event(dom::element root, packet& p)
{
    if (!root.is_array()) {
        return error::bad_payload;
    }
    const dom::array args = root.get_array().value_unsafe();
    if (args.begin() == args.end()) {
        return error::bad_payload;
    }
    const dom::element name = *args.begin();
    if (name.is_string()) {
        const std::string_view s = name.get_string().value_unsafe();
        if (is_reserved_event(s)) {
            return error::bad_payload;
        }
        p.event.assign(s);
        return {};
    }
    if (name.is_number()) {
        // The name JavaScript listeners are keyed by: String(number).
        p.event.clear();
        protocol::detail::append_js_number(p.event, name.get_double().value_unsafe());
        return {};
    }
    return error::bad_payload;
}

/// Validates `p.data` (present) for the type, as JSON.parse then Decoder.isPayloadValid.
error_code check_payload(packet& p, const decoder_options& options)
{
    if (p.type == packet_type::disconnect) {
        return error::bad_payload; // no payload allowed, whatever it is
    }
    auto root = parse_json(p.data, options.max_json_depth);
    if (root.error()) {
        return error::bad_sio_packet;
    }
    const dom::element json = root.value_unsafe();
    switch (p.type) {
    case packet_type::connect:
        if (!json.is_object()) {
            return error::bad_payload;
        }
        break;
    case packet_type::connect_error:
        if (!json.is_object() && !json.is_string()) {
            return error::bad_payload;
        }
        break;
    case packet_type::event:
    case packet_type::binary_event:
        if (const error_code ec = check_event(json, p)) {
            return ec;
        }
        break;
    case packet_type::ack:
    case packet_type::binary_ack:
        if (!json.is_array()) {
            return error::bad_payload;
        }
        break;
    case packet_type::disconnect: break;
    }
    if (is_binary(p.type) && !placeholders_valid(json, p.attachments)) {
        return error::bad_sio_packet; // "illegal attachments"
    }
    return {};
}

/// Decoder.decodeString (with the strictness documented in sio_packet.hpp).
error_code decode_string(std::string_view str, const decoder_options& options, packet& p)
{
    if (str.empty() || str[0] < '0' || str[0] > '6') {
        return error::bad_sio_packet; // "unknown packet type"
    }
    p.type = static_cast<packet_type>(str[0] - '0');
    std::size_t i = 1;

    if (is_binary(p.type)) {
        const std::size_t dash = str.find('-', i);
        if (dash == std::string_view::npos || dash == i) {
            return error::bad_sio_packet; // "Illegal attachments"
        }
        std::size_t n = 0;
        for (const char c : str.substr(i, dash - i)) {
            if (!is_digit(c)) {
                return error::bad_sio_packet; // "Illegal attachments"
            }
            n = std::min(n * 10 + static_cast<std::size_t>(c - '0'), options.max_attachments + 1);
        }
        if (n == 0) {
            return error::bad_sio_packet; // "Illegal attachments"
        }
        if (n > options.max_attachments) {
            return error::too_many_attachments;
        }
        p.attachments = n;
        i = dash + 1;
    }

    if (i < str.size() && str[i] == '/') {
        const std::size_t comma = str.find(',', i);
        const std::size_t end = comma == std::string_view::npos ? str.size() : comma;
        p.nsp.assign(str.substr(i, end - i));
        i = comma == std::string_view::npos ? str.size() : comma + 1;
    }

    if (i < str.size() && is_digit(str[i])) {
        std::size_t end = i;
        while (end < str.size() && is_digit(str[end])) {
            ++end;
        }
        std::uint64_t id = 0;
        if (std::from_chars(str.data() + i, str.data() + end, id).ec != std::errc{}) {
            return error::bad_sio_packet; // beyond 64 bits
        }
        p.id = id;
        i = end;
    }

    if (i == str.size()) {
        // Node accepts a missing payload for every type; an EVENT needs one to be meaningful.
        const bool is_event = p.type == packet_type::event || p.type == packet_type::binary_event;
        return is_event ? error_code{error::bad_payload} : error_code{};
    }
    // Spare capacity lets simdjson (here and in whoever re-parses `data`) parse in place.
    p.data.reserve(str.size() - i + simdjson::SIMDJSON_PADDING);
    p.data.assign(str.substr(i));
    return check_payload(p, options);
}

} // namespace

bool is_reserved_event(std::string_view name) noexcept
{
    return std::find(reserved_events.begin(), reserved_events.end(), name) != reserved_events.end();
}

error_code decoder::put_text(std::string_view message)
{
    BOOST_ASSERT(!ready());
    if (state_ != state::idle) {
        reset();
        return error::unexpected_text; // "got plaintext data when reconstructing a packet"
    }
    auto p = std::make_unique<packet>();
    if (const error_code ec = decode_string(message, options_, *p)) {
        return ec;
    }
    if (is_binary(p->type)) {
        p->buffers.reserve(p->attachments);
        state_ = state::reconstructing;
    }
    else {
        state_ = state::ready;
    }
    packet_ = std::move(p);
    return {};
}

error_code decoder::put_binary(std::string_view message)
{
    BOOST_ASSERT(!ready());
    if (state_ != state::reconstructing) {
        reset();
        return error::unexpected_binary; // "got binary data when not reconstructing a packet"
    }
    packet_->buffers.emplace_back(message);
    if (packet_->buffers.size() == packet_->attachments) {
        state_ = state::ready;
    }
    return {};
}

packet decoder::take()
{
    BOOST_ASSERT(ready());
    state_ = state::idle;
    packet out = std::move(*packet_);
    packet_.reset();
    return out;
}

void decoder::reset()
{
    packet_.reset();
    state_ = state::idle;
}

} // namespace sb::sio
