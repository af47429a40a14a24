// libFuzzer over the WebSocket frame parser (framework/src/protocol/ws_frame.cpp): the
// bytes every websocket client sends after the upgrade.
//
// Invariants beyond "no crash, no sanitizer report":
//   - the same bytes give the same messages and the same verdict whether they arrive whole
//     or one byte, or seven bytes, at a time;
//   - no data message is longer than the limit, no control payload longer than 125 bytes;
//   - each message, framed again (masked, as a client would), parses back to itself.
#include <switchboard/protocol/ws_frame.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::size_t limit = 4096;

void check(bool ok)
{
    if (!ok) {
        std::abort();
    }
}

struct message {
    sb::ws::opcode op;
    std::string payload;
    std::uint16_t code;
    friend bool operator==(const message&, const message&) = default;
};

struct outcome {
    std::vector<message> messages;
    boost::system::error_code ec;
};

outcome parse(std::string_view in, std::size_t piece, sb::ws::role r)
{
    sb::ws::parser p(r, limit);
    outcome out;
    std::size_t pos = 0;
    std::size_t end = 0;
    while (true) {
        if (p.ready()) {
            out.messages.push_back({p.message_opcode(), std::string(p.payload()), p.close_code()});
            p.next();
            continue;
        }
        if (pos == end) {
            if (end == in.size()) {
                break;
            }
            end = std::min(in.size(), end + piece);
        }
        const auto n = p.put(in.substr(pos, end - pos), out.ec);
        if (out.ec) {
            break;
        }
        pos += n;
        if (n == 0 && !p.ready()) {
            if (end == in.size()) {
                break;
            }
            end = std::min(in.size(), end + piece);
        }
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    using namespace sb::ws;
    for (role r : {role::server, role::client}) {
        const auto whole = parse(in, in.size() + 1, r);
        for (std::size_t piece : {std::size_t{1}, std::size_t{7}}) {
            const auto split = parse(in, piece, r);
            check(split.messages == whole.messages && split.ec == whole.ec);
        }
        for (const auto& m : whole.messages) {
            const bool control = m.op == opcode::close || m.op == opcode::ping || m.op == opcode::pong;
            check(m.payload.size() <= (control ? max_control_payload : limit));
            if (m.op == opcode::close) {
                continue; // the parser hands out the reason apart; the payload is checked above
            }
            const std::uint8_t key[4] = {0x12, 0x34, 0x56, 0x78};
            std::string frame;
            append_frame(frame, m.op, m.payload, r == role::server ? key : nullptr);
            const auto back = parse(frame, frame.size() + 1, r);
            check(!back.ec && back.messages.size() == 1 && back.messages[0] == m);
        }
    }
    return 0;
}
