#pragma once
/** @file
    Plain Engine.IO (the npm `engine.io` server): sessions of text and binary messages, with
    Engine.IO's heartbeat, transports (polling, websocket, sse) and upgrades, but no
    Socket.IO on top: no namespaces, events, rooms or acks. For clients that speak Engine.IO
    only (`engine.io-client`, or a device with an Engine.IO library).

    @code
    server.engine_io("/engine.io/", [](sb::engine_socket_ptr s) {
        s->on_message([s](std::string_view data, bool binary) { s->send(data, binary); });  // echo
        s->on_close([](std::string_view reason) {});
    });
    @endcode
*/
#include <switchboard/handshake.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace sb {

/** One Engine.IO session (the npm `engine.io` `Socket`).

    @par Thread safety
    A session lives on one shard and its callbacks run there; call its members from those
    callbacks, or post to the shard first. Held by the application as a shared pointer;
    after the session closed, send() and close() do nothing.
*/
class engine_socket {
public:
    virtual ~engine_socket() = default;

    /// The session id (`sid`).
    virtual const std::string& id() const noexcept = 0;
    /// "websocket" once the session runs on a websocket (upgraded or not), else "polling"
    /// (an sse session too: it sends upward by polling POSTs).
    virtual std::string_view transport() const noexcept = 0;
    /// The request that opened the session.
    virtual const handshake_info& handshake() const noexcept = 0;
    /// True until the session closed.
    virtual bool open() const noexcept = 0;

    /** Sends one message: text (UTF-8) or binary bytes. Copied; queued under
        `engine_options::max_send_buffer` (past it the session closes with "send buffer
        full"). A text message must not contain `\x1e`, the polling payload separator that
        Engine.IO cannot escape: such a message is refused on every transport (so that what
        works does not depend on the transport in use) and the session carries on.
        @return false if the message was not queued (closed, refused, or over the bound). */
    virtual bool send(std::string_view data, bool binary = false) = 0;
    /// Closes the session (the client sees a close packet, reason "forced close").
    virtual void close() = 0;

    /// Called for every message from the client, in order (`binary` for binary messages).
    virtual void on_message(std::function<void(std::string_view data, bool binary)> f) = 0;
    /// Called once when the session ends, with Engine.IO's reason ("transport close",
    /// "ping timeout", "parse error", "forced close", "server shutting down", ...).
    virtual void on_close(std::function<void(std::string_view reason)> f) = 0;
};

using engine_socket_ptr = std::shared_ptr<engine_socket>;

/// Called on the session's shard for every new session, before any message arrives.
using engine_connection_handler = std::function<void(engine_socket_ptr)>;

} // namespace sb
