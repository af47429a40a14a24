#pragma once
// Where the Socket.IO layer writes, and what it hears: the seam between core and the
// transports below it. An Engine.IO session (engine/session.hpp) is a `socket_sink`; the
// Socket.IO client over it (core/client.hpp) is its `sink_listener`. Core never knows
// which transport carries a connection.
#include <switchboard/handshake.hpp>

#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace sb::detail {

/// One Engine.IO packet ready for the wire, shared by every recipient of a broadcast.
/// Text: the whole packet with its type digit ("42[...]", "2", "6"). Binary: raw bytes
/// (a binary message; a websocket binary frame, or `b<base64>` on polling).
struct out_packet {
    std::shared_ptr<const std::string> data;
    bool binary = false;
    /// Conflation (`broadcast_operator::conflate`): when set on a lone text packet, the
    /// sink replaces a still-queued packet with an equal key instead of queueing another.
    std::shared_ptr<const std::string> conflation_key{};
};

/// What a sink did with a packet.
enum class send_status { queued, dropped, overflow, closed };

/// A connection the Socket.IO layer writes to.
class socket_sink {
public:
    /** Queues the packets of one Socket.IO packet (a text packet and its binary
        attachments: kept or dropped together). Volatile packets may be dropped when the
        client is behind; past the send bound anything else closes the connection. */
    virtual send_status send(std::span<const out_packet> packets, bool is_volatile = false) = 0;
    /// Closes the connection with `reason` (Socket.IO's vocabulary); idempotent. The
    /// listener's `on_close` follows.
    virtual void close(std::string_view reason) = 0;
    /// The request that opened the connection (headers, url, address, query, time).
    virtual const handshake_info& handshake() const noexcept = 0;
    /// "websocket" or "polling" (sse sessions report "polling", as they long-poll upward).
    virtual std::string_view transport_name() const noexcept = 0;
    /// Keeps the sink and its listener alive, for work that outlives a callback.
    virtual std::shared_ptr<void> keep_alive() = 0;
    /// The connection's id (the Engine.IO session id), for tools that group sockets by
    /// connection; empty when it has none.
    virtual std::string_view id() const noexcept { return {}; }

protected:
    ~socket_sink() = default;
};

/// Receives what a sink delivers upward.
class sink_listener {
public:
    virtual ~sink_listener() = default;
    /// A message (an Engine.IO `message` packet: text without its '4', or binary bytes).
    virtual void on_message(std::string_view data, bool binary) = 0;
    /// The connection closed; called once.
    virtual void on_close(std::string_view reason) = 0;
    /// The connection now runs over another transport (`transport_name()` says which).
    virtual void on_upgrade() {}
};

} // namespace sb::detail
