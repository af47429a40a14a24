#include <switchboard/protocol/sse_frame.hpp>

namespace sb::sse {

void append_event(std::string& out, std::string_view data, std::string_view event, std::string_view id)
{
    if (!event.empty()) {
        out += "event: ";
        out += event;
        out += '\n';
    }
    if (!id.empty()) {
        out += "id: ";
        out += id;
        out += '\n';
    }
    // Every LF starts a new `data:` line; the client joins them back with LF. An empty
    // value is still one (empty) `data:` line, so the event is dispatched with "".
    for (;;) {
        const auto nl = data.find('\n');
        out += "data: ";
        out += data.substr(0, nl);
        out += '\n';
        if (nl == std::string_view::npos) {
            break;
        }
        data.remove_prefix(nl + 1);
    }
    out += '\n';
}

void append_comment(std::string& out, std::string_view text)
{
    out += ':';
    if (!text.empty()) {
        out += ' ';
        out += text;
    }
    out += '\n';
    // A lone comment line is not an event; the blank line is not needed, and leaving it
    // out keeps the comment from ending an event under construction (there never is one:
    // events are appended whole).
}

void append_retry(std::string& out, std::uint32_t milliseconds)
{
    out += "retry: ";
    out += std::to_string(milliseconds);
    out += "\n\n";
}

} // namespace sb::sse
