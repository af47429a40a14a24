// Socket.IO packet encoding, after socket.io-parser 4.2.x Encoder.encodeAsString.
#include <switchboard/protocol/sio_packet.hpp>

#include <boost/assert.hpp>

#include <charconv>

namespace sb::sio {
namespace {

void append_uint(std::string& out, std::uint64_t v)
{
    char buf[20];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

/// `<type>[<attachments>-][<nsp>,][<id>]`
void append_header(std::string& out, packet_type type, std::size_t attachments, std::string_view nsp,
                   std::optional<std::uint64_t> id)
{
    out.push_back(static_cast<char>('0' + static_cast<int>(type)));
    if (is_binary(type)) {
        append_uint(out, attachments);
        out.push_back('-');
    }
    if (!nsp.empty() && nsp != "/") {
        // Namespaces start with '/' and a comma would end them early on the wire.
        BOOST_ASSERT(nsp.front() == '/' && nsp.find(',') == std::string_view::npos);
        out.append(nsp);
        out.push_back(',');
    }
    if (id) {
        append_uint(out, *id);
    }
}

/// EVENT and ACK become BINARY_* when they carry attachments (Encoder.encode), and back.
packet_type wire_type(packet_type type, std::size_t attachments) noexcept
{
    switch (type) {
    case packet_type::event:
    case packet_type::binary_event: return attachments > 0 ? packet_type::binary_event : packet_type::event;
    case packet_type::ack:
    case packet_type::binary_ack: return attachments > 0 ? packet_type::binary_ack : packet_type::ack;
    default: return type;
    }
}

void append_packet(std::string& out, packet_type type, std::string_view nsp, std::optional<std::uint64_t> id,
                   std::string_view data, std::size_t attachments)
{
    constexpr std::size_t max_header = 1 + 20 + 1 + 1 + 20; // type, count, '-', ',', id
    out.reserve(out.size() + max_header + nsp.size() + data.size());
    append_header(out, wire_type(type, attachments), attachments, nsp, id);
    out.append(data);
}

} // namespace

void encode(std::string& out, const packet& p)
{
    const std::size_t attachments = p.buffers.empty() ? p.attachments : p.buffers.size();
    append_packet(out, p.type, p.nsp, p.id, p.data, attachments);
}

void encode_event_text(std::string& out, std::string_view nsp, std::optional<std::uint64_t> id,
                       std::string_view json_array, std::size_t attachments)
{
    append_packet(out, packet_type::event, nsp, id, json_array, attachments);
}

void encode_ack_text(std::string& out, std::string_view nsp, std::uint64_t id, std::string_view json_array,
                     std::size_t attachments)
{
    append_packet(out, packet_type::ack, nsp, id, json_array, attachments);
}

} // namespace sb::sio
