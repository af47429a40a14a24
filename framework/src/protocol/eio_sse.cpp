#include <switchboard/protocol/eio_sse.hpp>

#include <switchboard/protocol/base64.hpp>
#include <switchboard/protocol/sse_frame.hpp>

namespace sb::eio {

bool append_sse_packet(std::string& out, std::string_view packet, bool binary)
{
    if (binary) {
        std::string text = "b";
        base64::encode_append(text, packet);
        sse::append_event(out, text);
        return true;
    }
    if (sse::has_cr(packet)) {
        return false;
    }
    sse::append_event(out, packet);
    return true;
}

} // namespace sb::eio
