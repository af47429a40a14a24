#pragma once
/** @file
    `sb::namespace_`: handlers and broadcasts of one Socket.IO namespace.
*/
#include <switchboard/broadcast.hpp>
#include <switchboard/cluster.hpp>
#include <switchboard/event.hpp>
#include <switchboard/options.hpp>
#include <switchboard/payload.hpp>
#include <switchboard/socket.hpp>
#include <switchboard/task.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sb {

/// Why a connect middleware refuses: sent as CONNECT_ERROR `{"message":..,"data":..}`.
struct connect_error {
    std::string message;
    boost::json::value data = nullptr;  ///< omitted on the wire when null
};

/// A connect middleware: return `std::nullopt` to let the socket in.
using middleware = std::function<task<std::optional<connect_error>>(socket_ptr)>;
/// Runs once a socket has connected (after its CONNECT reply was queued).
using connection_handler = std::function<task<void>(socket_ptr)>;
/// Runs for each client→server event; its `co_return` value is the ack.
using event_handler = std::function<task<reply>(socket_ptr, event)>;
/** Runs for an event another server of the cluster sent with `server_side_emit`
    (Socket.IO's `io.on(event)` for `serverSideEmit`). Its `co_return` value's first
    argument is the answer, if the sender asked for one. */
using server_event_handler = std::function<task<reply>(payload)>;
/// Told, on one node of the cluster, of members of `room` that vanished without leaving
/// (their node died): nobody else will announce it. Runs on a shard, as handlers do.
using members_lost_handler = std::function<task<void>(std::string room, std::vector<presence_member> lost)>;
/// Runs when a socket leaves: `disconnecting` while it still has its rooms,
/// `disconnect` after. `reason` is Socket.IO's ("client namespace disconnect",
/// "server namespace disconnect", "transport close", "transport error",
/// "ping timeout", "parse error", "forced close", "server shutting down",
/// and Switchboard's "send buffer full").
using disconnect_handler = std::function<void(socket_ptr, std::string_view reason)>;

/** Decodes the query of a plain EventSource request (`GET /<ns>/sse?...`) into the
    socket's handshake, which handlers see as `socket::auth()` (the raw query stays in
    `socket::query()`). Return a `connect_error` to refuse: HTTP 400 with
    `{"message":..,"data":..}`. Runs on the shard that accepted the request. */
using handshake_decoder =
    std::function<std::optional<connect_error>(const boost::json::object& query, boost::json::object& handshake)>;

/// What a room's history holds (`namespace_::room_history`), oldest first.
struct room_history_page {
    struct entry {
        std::string id;     ///< "<epoch>:<offset>"
        std::string event;  ///< the event name
        std::string data;   ///< its first argument as JSON text ("" when none)
    };
    std::vector<entry> events;
    /// True when `after` could not be resumed from (another epoch, or older than the
    /// history keeps): `events` is then everything kept, to start over from.
    bool resync = false;
    std::string last_id;  ///< the newest id assigned in the namespace
};

/// A plain EventSource endpoint of a namespace (see `namespace_::eventsource`).
struct eventsource_options {
    /// Query → handshake; empty: the handshake is the query itself (string values).
    handshake_decoder handshake{};
    /// A `:` comment line is written after this much silence; 0: the engine's ping interval.
    std::chrono::milliseconds heartbeat{0};
    /// Sent as `retry:` first: how long the browser waits before reconnecting.
    std::chrono::milliseconds retry{2000};
    /// Also serve `GET /<ns>/history?room=..&after=<id>` (short polling).
    bool history_endpoint = true;
    /// Decides whether a `history` request may read `room` (given the request's query);
    /// empty: every room that keeps a history may be read.
    std::function<bool(std::string_view room, const boost::json::object& query)> allow_history{};
};

namespace detail {
class namespace_state;
}

/** One namespace: its connect middleware, its event routes, its broadcasts.

    Configure it (use, on, ...) before `server::run()`/`start()`; configuration is not
    synchronised with running shards. Broadcast members may be called any time, from
    any thread. For a dynamic namespace (`server::of(std::regex)`) the handlers apply
    to every namespace the pattern admits, and broadcasts reach all of them.
*/
class namespace_ {
public:
    explicit namespace_(detail::namespace_state* st) noexcept : st_(st) {}

    /// The name ("/chat"), or the pattern text for a dynamic namespace.
    const std::string& name() const noexcept;

    /// Appends a connect middleware; they run in order until one refuses.
    namespace_& use(middleware m);
    /// The connection handler. One per namespace: a second call replaces the first (the
    /// generated `mount()` sets it, and `on_any`, `on_disconnecting` the same way).
    namespace_& on_connection(connection_handler h);
    /// Routes `event` to `h`. An event without route goes to the catch-all, if any;
    /// otherwise an ack-carrying event is answered with an `unknown_event` error.
    namespace_& on(std::string event, event_handler h);
    /// The catch-all handler (Socket.IO's `onAny`, but it also answers acks). Replaces an
    /// earlier one.
    namespace_& on_any(event_handler h);
    /// Before the socket leaves its rooms. Replaces an earlier one.
    namespace_& on_disconnecting(disconnect_handler h);
    /// After it left them. Replaces an earlier one.
    namespace_& on_disconnect(disconnect_handler h);
    /// Routes `event` from other servers (`server_side_emit`) to `h`.
    namespace_& on_server_event(std::string event, server_event_handler h);

    /// Turns connection state recovery on for this namespace (see `recovery_options`;
    /// `socketio_options::connection_state_recovery` does it for every namespace).
    namespace_& connection_state_recovery(recovery_options o = {});
    /** Rooms matching `room_pattern` keep their `resumable` events (RTDL's room
        `history`/`history_ttl`). The pattern is a room name, or a glob whose `*` matches
        any run of characters ("sym:*"). The first matching rule applies. */
    namespace_& history(std::string room_pattern, history_options o);
    /** Serves a plain EventSource endpoint, `GET /<ns>/sse?<query>` (`/sse` for "/"),
        for a bare browser `new EventSource(url)`: receive-only, no client library.

        The query goes through `o.handshake`, then the connect middlewares (refusal:
        HTTP 403 `{"message","data"}`), then the connection handler, which joins rooms.
        The stream starts when the connection handler returns: `retry:`, then (given a
        `Last-Event-ID`) what the socket's rooms' histories hold after it — merged, in
        order, conflated events newest per key only — then live events as
        `event: <name>`, `id: <epoch>:<offset>` (resumable ones), `data: <first argument
        as JSON>`. A well-formed id the server cannot resume from (another epoch, older
        than a history keeps, or newer than anything sent) gets a `resync` event instead
        of the replay; a malformed one is refused with HTTP 400. Heartbeats are `:`
        comment lines. Binary attachments are not carried. */
    namespace_& eventsource(eventsource_options o = {});
    /** The `resumable` events `room`'s history keeps (see `history`), after the id
        `after` if given, conflated (newest per key). In a cluster every node keeps the
        same ones (the durable layer numbers them), so any node answers the same. */
    room_history_page room_history(std::string_view room, std::string_view after = {}) const;
    /** Presence for the rooms of this namespace (sockets' own rooms left out): `members`
        answers who is in a room on every live node, and a dead node's members drop out
        within `o.node_timeout` (see `presence_options`). */
    namespace_& presence(presence_options o = {});
    /// The handler told of a dead node's members (on one node). Replaces an earlier one.
    namespace_& on_members_lost(members_lost_handler h);
    /// The members of `room` on every live node (this node's alone without a cluster, or
    /// without presence: then from `fetch_sockets`, whose `data` is the current one).
    task<std::vector<presence_member>> members(std::string room) const;

    /// Broadcast operators over this namespace (see `broadcast_operator`).
    broadcast_operator to(std::string room) const;
    broadcast_operator to(std::vector<std::string> rooms) const;
    broadcast_operator in(std::string room) const { return to(std::move(room)); }
    broadcast_operator in(std::vector<std::string> rooms) const { return to(std::move(rooms)); }
    broadcast_operator except(std::string room) const;
    broadcast_operator except(std::vector<std::string> rooms) const;
    broadcast_operator local() const;
    broadcast_operator volatile_() const;
    broadcast_operator timeout(std::chrono::milliseconds t) const;
    broadcast_operator resumable() const;
    broadcast_operator conflate(std::string key) const;
    /// Sends to every socket of the namespace.
    void emit(std::string_view event, payload args = {}) const;

    /// Number of members of `room` across all shards. Suspends while shards answer.
    task<std::size_t> room_size(std::string room) const;
    /// Every room that has members, with its size, on every node (sockets' own rooms
    /// excluded). Suspends while shards and nodes answer.
    task<std::vector<std::pair<std::string, std::size_t>>> rooms() const;
    /// Every socket of the namespace on every node (see `broadcast_operator::fetch_sockets`).
    task<fetch_result> fetch_sockets() const;

    /** Sends `event` to the `on_server_event` handlers of every *other* server of the
        cluster (Socket.IO's `serverSideEmit`). A no-op on a single node. */
    void server_side_emit(std::string_view event, payload args = {}) const;
    /// ...and collects each other server's answer within `timeout`.
    task<server_ack_result> server_side_emit_with_ack(std::string_view event, payload args,
                                                      std::chrono::milliseconds timeout) const;
    /// Servers in the cluster, this one included (1 without a cluster adapter).
    task<std::size_t> server_count() const;

    detail::namespace_state* state() const noexcept { return st_; }

private:
    detail::namespace_state* st_;
};

} // namespace sb
