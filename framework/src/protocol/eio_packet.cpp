#include <switchboard/error.hpp>
#include <switchboard/protocol/base64.hpp>
#include <switchboard/protocol/eio_packet.hpp>

#include "js_text.hpp"

#include <boost/assert.hpp>

#include <charconv>

namespace sb::eio {
namespace {

void append_uint(std::string& out, std::uint64_t v)
{
    char buf[20];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

} // namespace

boost::system::error_code decode_text(std::string_view in, packet_view& out)
{
    if (in.empty()) {
        return error::bad_packet;
    }
    const char c = in.front();
    const std::string_view data = in.substr(1);
    if (c == 'b') {
        // decodePacket.ts: a leading 'b' is a base64 binary message, on any text transport.
        if (!base64::is_valid(data)) {
            return error::bad_packet;
        }
        out = {packet_type::message, true, data, true};
        return {};
    }
    if (c < to_char(packet_type::open) || c > to_char(packet_type::noop)) {
        return error::bad_packet;
    }
    out = {static_cast<packet_type>(c - '0'), false, data};
    return {};
}

boost::system::error_code decode_text(std::string_view in, packet& out)
{
    packet_view view;
    if (const auto ec = decode_text(in, view)) {
        return ec;
    }
    out.type = view.type;
    out.binary = view.binary;
    out.data.clear();
    if (view.base64) {
        base64::decode_append(out.data, view.data); // cannot fail: validated above
    }
    else {
        out.data.assign(view.data);
    }
    return {};
}

void append_payload(std::string& body, packet_type t, std::string_view data, bool binary)
{
    if (!body.empty()) {
        body.push_back(payload_separator);
    }
    if (binary) {
        BOOST_ASSERT(t == packet_type::message);
        append_base64_text(body, data);
    }
    else {
        BOOST_ASSERT(data.find(payload_separator) == std::string_view::npos);
        append_text(body, t, data);
    }
}

void append_text(std::string& out, packet_type t, std::string_view data)
{
    out.push_back(to_char(t));
    out.append(data);
}

void append_base64_text(std::string& out, std::string_view bytes)
{
    out.push_back('b');
    base64::encode_append(out, bytes);
}

std::string open_packet(const open_info& info)
{
    // Same keys, same order as socket.ts onOpen's JSON.stringify.
    std::string out;
    out.reserve(128 + info.sid.size());
    out += R"(0{"sid":)";
    protocol::detail::append_json_string(out, info.sid);
    out += info.upgrade_to_websocket ? R"(,"upgrades":["websocket"],"pingInterval":)"
                                     : R"(,"upgrades":[],"pingInterval":)";
    append_uint(out, info.ping_interval_ms);
    out += R"(,"pingTimeout":)";
    append_uint(out, info.ping_timeout_ms);
    out += R"(,"maxPayload":)";
    append_uint(out, info.max_payload);
    out.push_back('}');
    return out;
}

} // namespace sb::eio
