#pragma once
// What happens to sockets, told to a tool that watches the server (the Socket.IO Admin UI,
// runtime/admin_ui.cpp). Off by default: every call site is one pointer test, and there is
// at most one observer, set before start. Each call runs on the socket's shard, so the
// socket may be read there; an observer shared by shards locks what it keeps.
#include <switchboard/payload.hpp>
#include <switchboard/socket.hpp>

#include <string>
#include <string_view>

namespace sb::detail {

class observer {
public:
    virtual ~observer() = default;
    /// The socket joined its namespace (the CONNECT was accepted).
    virtual void connected(sb::socket& s) = 0;
    /// The socket's connection moved to another transport (an upgrade to websocket).
    virtual void upgraded(sb::socket& s) = 0;
    /// It is leaving its namespace; `left` follows for each of its rooms (Node's order).
    virtual void disconnected(sb::socket& s, std::string_view reason) = 0;
    virtual void joined(sb::socket& s, const std::string& room) = 0;
    virtual void left(sb::socket& s, const std::string& room) = 0;
    /// An event from the client (before any handler runs, whether or not one exists):
    /// `raw` is its JSON array as received, `["name", arg, …]`, attachments as placeholders.
    virtual void received(sb::socket& s, std::string_view raw) = 0;
    /// An event `socket::emit` sends to this one socket (broadcasts are not told per socket).
    virtual void sent(sb::socket& s, std::string_view event, const payload& args) = 0;
};

} // namespace sb::detail
