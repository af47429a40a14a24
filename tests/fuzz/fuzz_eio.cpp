// libFuzzer over the Engine.IO codecs (framework/src/protocol/eio_*.cpp): what any client
// can send as a WebSocket text frame, an SSE-transport POST or a polling POST body.
//
// Invariants beyond "no crash, no sanitizer report":
//   - the two decode_text() overloads agree, and a decoded packet encodes back to its input
//     (text) or to base64 that decodes to the same bytes (binary);
//   - a polling body gives the same packets and the same verdict whether it arrives whole or
//     split at any point (payload_parser fed in pieces);
//   - a decoded payload, encoded again, decodes to the same packets.
#include <switchboard/protocol/base64.hpp>
#include <switchboard/protocol/eio_packet.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

void check(bool ok)
{
    if (!ok) {
        std::abort();
    }
}

std::vector<sb::eio::packet> parse_in_pieces(std::string_view body, std::size_t piece, bool& ok)
{
    sb::eio::payload_parser p;
    std::vector<sb::eio::packet> out;
    boost::system::error_code ec;
    ok = true;
    for (std::size_t at = 0; at < body.size() && ok; at += piece) {
        p.put(body.substr(at, piece), ec);
        ok = !ec;
        while (p.has_packet()) {
            out.push_back(p.take());
        }
    }
    if (ok) {
        p.finish(ec);
        ok = !ec;
    }
    while (p.has_packet()) {
        out.push_back(p.take());
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    using namespace sb::eio;

    packet_view view;
    packet owned;
    const bool view_ok = !decode_text(in, view);
    const bool owned_ok = !decode_text(in, owned);
    check(view_ok == owned_ok);
    if (owned_ok) {
        check(owned.type == view.type && owned.binary == view.binary);
        std::string again;
        if (owned.binary) {
            append_base64_text(again, owned.data);
            packet back;
            check(!decode_text(again, back) && back == owned);
        } else {
            append_text(again, owned.type, owned.data);
            check(again == in);
        }
    }

    std::vector<packet> whole;
    const bool whole_ok = !decode_payload(in, whole);
    for (std::size_t piece : {std::size_t{1}, std::size_t{3}, size / 2 + 1}) {
        bool ok = false;
        const auto split = parse_in_pieces(in, piece, ok);
        check(ok == whole_ok);
        check(split == whole);
    }
    if (whole_ok) {
        std::string body;
        for (const auto& p : whole) {
            append_payload(body, p.type, p.data, p.binary);
        }
        std::vector<packet> back;
        check(!decode_payload(body, back) && back == whole);
    }
    return 0;
}
