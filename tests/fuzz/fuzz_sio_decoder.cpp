// libFuzzer over the Socket.IO decoder (framework/src/protocol/sio_decoder.cpp and the
// JSON rewrite for simdjson in json_compat.cpp): every Engine.IO message a client sends on
// any transport goes through it.
//
// The input is a sequence of messages separated by '\n'; a message that starts with '!'
// is a binary message (an attachment), the rest text. Invariants beyond "no crash, no
// sanitizer report":
//   - after an error the decoder is back to its initial state (a CONNECT then decodes);
//   - every decoded packet, encoded again (header text, then its attachments), decodes to
//     an equal packet.
#include <switchboard/protocol/sio_packet.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void check(bool ok)
{
    if (!ok) {
        std::abort();
    }
}

void round_trip(const sb::sio::packet& p)
{
    std::string text;
    sb::sio::encode(text, p);
    sb::sio::decoder d;
    check(!d.put_text(text));
    for (const auto& b : p.buffers) {
        check(d.awaiting_binary());
        check(!d.put_binary(b));
    }
    check(d.ready());
    const auto back = d.take();
    check(back == p);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view in(reinterpret_cast<const char*>(data), size);
    sb::sio::decoder d;
    while (true) {
        const auto nl = in.find('\n');
        const auto msg = in.substr(0, nl);
        const bool binary = !msg.empty() && msg[0] == '!';
        const auto ec = binary ? d.put_binary(msg.substr(1)) : d.put_text(msg);
        if (ec) {
            check(!d.ready() && !d.awaiting_binary());
        } else if (d.ready()) {
            round_trip(d.take());
        }
        if (nl == std::string_view::npos) {
            break;
        }
        in.remove_prefix(nl + 1);
    }
    // Whatever came before, a reset decoder takes a plain CONNECT.
    d.reset();
    check(!d.put_text("0") && d.ready());
    return 0;
}
