#pragma once
/** @file
    `sb::socket`: one client connected to one namespace.
*/
#include <switchboard/ack.hpp>
#include <switchboard/broadcast.hpp>
#include <switchboard/handshake.hpp>
#include <switchboard/payload.hpp>
#include <switchboard/task.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sb {

/// Options of a single emit.
struct emit_options {
    /// May be dropped if the client is behind (its queue is not empty, or over the bound).
    bool is_volatile = false;
};

/** A client's connection to one namespace (Socket.IO's server-side `Socket`).

    Handlers receive it as `std::shared_ptr<socket>`; it stays valid after the client
    leaves, and operations on a disconnected socket do nothing (`emit_with_ack` answers
    `sb::error::closed`).

    @par Thread safety
    A socket lives on one shard. Call its members from handlers running for it (they
    run on that shard); from elsewhere, post to `executor()` first.
*/
class socket {
public:
    virtual ~socket();
    socket(const socket&) = delete;
    socket& operator=(const socket&) = delete;

    /// Socket id: random, distinct from the Engine.IO session id, and the name of the
    /// socket's own room. Valid as long as the socket (take a std::string to keep it longer).
    std::string_view id() const noexcept;
    /// The namespace name, e.g. "/chat".
    const std::string& nsp() const noexcept;
    /// The `auth` object of the CONNECT packet (empty if none).
    const boost::json::object& auth() const noexcept;
    /// Query parameters of the handshake request (`EIO`, `transport`, and the app's own);
    /// short for `handshake().query()` (decoded on each call).
    boost::json::object query() const;
    /** The request that opened the connection (Node's `socket.handshake`): headers, url,
        address, time, secure, xdomain, query; `auth()` is the namespace's part. Shared by
        the connection's sockets in every namespace; after the socket disconnected, an
        empty one. `handshake().to_json(auth())` is Node's object, key for key. */
    const handshake_info& handshake() const noexcept;
    /// Name of the transport in use now: "polling", "websocket", "sse", or "eventsource"
    /// for a plain EventSource endpoint's socket (receive-only).
    std::string_view transport() const noexcept;
    /// True until the socket disconnects.
    bool connected() const noexcept;
    /// True when connection state recovery restored this socket: same id, rooms and
    /// `data` as before the drop, and the events it missed were sent again.
    bool recovered() const noexcept;

    /// Application data attached to the socket (Socket.IO's `socket.data`).
    boost::json::value data;

    /// The client's IP address as seen on the Engine.IO handshake request: the TCP peer,
    /// or what a proxy in `limit_options::trusted_proxies` put in X-Forwarded-For; ""
    /// when unknown or after the socket disconnected.
    /// Short for `handshake().address`.
    const std::string& remote_address() const noexcept;
    /// The executor of the socket's shard: `co_spawn` or `post` here to work with the
    /// socket from a callback that is not a coroutine.
    boost::asio::any_io_executor executor() const noexcept;
    /** Opaque per-socket state for layers built over the socket (the rtdlc-generated
        dispatch keeps the connection's identity, claims and rate buckets here). The
        runtime never reads it; it lives as long as the socket. Touch it on the socket's
        shard only. */
    std::shared_ptr<void> extension;

    /// Sends an event to this client. Does not suspend.
    void emit(std::string_view event, payload args = {}, emit_options opts = {});

    /** Sends an event that the client must acknowledge within `timeout`.
        @return the client's ack arguments, or `ec` = `sb::error::timeout`, or
        `sb::error::closed` if the socket disconnects first (never left pending).
    */
    task<ack_result> emit_with_ack(std::string_view event, payload args, std::chrono::milliseconds timeout);

    /// Joins a room (no effect if already a member).
    void join(std::string room);
    void join(const std::vector<std::string>& rooms);
    /// Leaves a room (no effect if not a member).
    void leave(std::string_view room);
    /// Rooms the socket is in, its own room (its id) included.
    std::vector<std::string> rooms() const;

    /// Broadcast to a room, excluding this socket (`socket.to(room)` in Socket.IO).
    broadcast_operator to(std::string room) const;
    broadcast_operator to(std::vector<std::string> rooms) const;
    broadcast_operator in(std::string room) const { return to(std::move(room)); }
    broadcast_operator in(std::vector<std::string> rooms) const { return to(std::move(rooms)); }
    /// Broadcast to every socket of the namespace except this one.
    broadcast_operator broadcast() const;
    /// Broadcast to every socket except those in `room` and this one.
    broadcast_operator except(std::string room) const;
    broadcast_operator except(std::vector<std::string> rooms) const;

    /** Disconnects from this namespace: the client gets DISCONNECT and does not
        reconnect ("io server disconnect"). With `close_connection` the whole Engine.IO
        session is closed as well. */
    void disconnect(bool close_connection = false);

protected:
    socket() = default;
};

using socket_ptr = std::shared_ptr<socket>;

} // namespace sb
