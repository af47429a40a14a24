// libFuzzer over the Server-Sent Events framing (framework/src/protocol/sse_frame.cpp and
// eio_sse.cpp). The framing is ours to write, not to read; what must hold is that a
// browser's EventSource parser reads back exactly what we framed, whatever the data. The
// parser below follows WHATWG HTML §9.2.6 ("Interpreting an event stream").
//
// The input is split at the first NUL into data and an id (event names are fixed).
// Invariants beyond "no crash, no sanitizer report":
//   - data without CR arrives as one event with exactly that data, event name and id;
//   - an Engine.IO text packet without CR, and any binary packet, arrive as one event whose
//     data is the packet text (binary: `b<base64>` of the bytes); a text packet with a CR
//     is refused with nothing appended.
#include <switchboard/protocol/base64.hpp>
#include <switchboard/protocol/eio_sse.hpp>
#include <switchboard/protocol/sse_frame.hpp>

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

struct event {
    std::string type, data, id;
    friend bool operator==(const event&, const event&) = default;
};

// WHATWG's stream interpretation: lines end at CRLF, LF or CR; a blank line dispatches.
std::vector<event> read_stream(std::string_view s)
{
    std::vector<event> out;
    std::string type, data, id, last_id;
    bool has_data = false;
    while (!s.empty()) {
        const auto end = s.find_first_of("\r\n");
        if (end == std::string_view::npos) {
            break; // an unterminated last line is discarded
        }
        const auto line = s.substr(0, end);
        s.remove_prefix(end + (s[end] == '\r' && end + 1 < s.size() && s[end + 1] == '\n' ? 2 : 1));
        if (line.empty()) {
            if (has_data) {
                out.push_back({type.empty() ? "message" : type, data, last_id});
            }
            type.clear();
            data.clear();
            has_data = false;
            continue;
        }
        if (line[0] == ':') {
            continue;
        }
        const auto colon = line.find(':');
        const auto field = line.substr(0, colon);
        auto value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') {
            value.remove_prefix(1);
        }
        if (field == "data") {
            if (has_data) {
                data += '\n';
            }
            data += value;
            has_data = true;
        } else if (field == "event") {
            type = value;
        } else if (field == "id" && value.find('\0') == std::string_view::npos) {
            last_id = value;
        }
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    const std::string_view in(reinterpret_cast<const char*>(bytes), size);
    const auto nul = in.find('\0');
    const auto data = in.substr(0, nul);
    std::string id;
    if (nul != std::string_view::npos) {
        for (char c : in.substr(nul + 1)) {
            if (c != '\r' && c != '\n' && c != '\0') {
                id += c; // ids are single printable lines (the callers' contract)
            }
        }
    }

    if (!sb::sse::has_cr(data)) {
        std::string out;
        sb::sse::append_comment(out, "hb");
        sb::sse::append_event(out, data, "chat", id);
        const auto events = read_stream(out);
        check(events.size() == 1 && events[0] == event{"chat", std::string(data), id});
    }

    std::string out;
    const bool ok = sb::eio::append_sse_packet(out, data);
    check(ok == !sb::sse::has_cr(data));
    if (!ok) {
        check(out.empty());
    } else {
        const auto events = read_stream(out);
        check(events.size() == 1 && events[0].data == data);
    }
    std::string bin;
    check(sb::eio::append_sse_packet(bin, in, true));
    const auto events = read_stream(bin);
    check(events.size() == 1 && events[0].data == "b" + sb::base64::encode(in));
    return 0;
}
