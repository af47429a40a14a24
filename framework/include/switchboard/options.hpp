#pragma once
/** @file
    Configuration aggregates. Every tunable has Socket.IO's default unless noted; build
    them with designated initialisers:

    @code
    sb::server server{sb::server_options{.port = 3000, .threads = 2,
                                         .engine = {.ping_interval = std::chrono::seconds{10}}}};
    @endcode
*/
#include <switchboard/task.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb {

/// How much a log line matters.
enum class log_level : std::uint8_t { debug, info, warning, error };

/// One line the server wants an operator to see (`server_options::log`).
struct log_record {
    log_level level;
    std::string_view component;  ///< "handler", "middleware", "shard", "redis", "drain", ...
    std::string_view message;    ///< for humans; exception texts stay here, never reach clients
    std::string_view socket_id;  ///< the socket concerned ("" if none)
    std::string_view nsp;        ///< its namespace ("" if none)
};

struct handshake_info;  // switchboard/handshake.hpp

/// Why `engine_options::allow_request` refuses a handshake: answered 403
/// `{"code":4,"message":<message>}`, as Node answers `allowRequest`'s `callback(message, false)`.
struct request_refusal {
    std::string message = "Forbidden";
};

/// Engine.IO session settings (the `engine.io` server options of the Node implementation).
struct engine_options {
    /// The server sends a ping this often (`pingInterval`).
    std::chrono::milliseconds ping_interval{25000};
    /// ...and closes the session if no pong comes back within this (`pingTimeout`).
    std::chrono::milliseconds ping_timeout{20000};
    /// A polling→websocket upgrade must complete within this (`upgradeTimeout`).
    std::chrono::milliseconds upgrade_timeout{10000};
    /// Largest HTTP POST body and WebSocket message accepted (`maxHttpBufferSize`); also
    /// announced as `maxPayload` so clients batch below it.
    std::size_t max_payload = 1'000'000;
    /// Transports accepted. Known: "polling", "websocket" and "sse" (Switchboard's own:
    /// an event stream down, POSTs up; clients/sse-transport.js plugs it into
    /// socket.io-client). Polling and sse sessions are offered the upgrade to websocket.
    std::vector<std::string> transports{"polling", "websocket", "sse"};
    /// Offer the upgrade from polling to websocket.
    bool allow_upgrades = true;
    /// Per-session bound on bytes queued for the client but not yet written. Past it,
    /// volatile packets are dropped and anything else disconnects the client with
    /// reason "send buffer full". (Switchboard only; Node has no bound.)
    std::size_t max_send_buffer = 4 * 1024 * 1024;
    /** Decides whether a handshake may open a session (Node's `allowRequest`): return
        `std::nullopt` to allow, a `request_refusal` to answer 403. It is a coroutine, so it
        may ask a database or another service first; it sees the whole request (headers,
        url, query, address) before any session exists, after the origin check and before
        the connection caps. Runs on the shard that accepted the connection; an exception
        refuses with "Forbidden" and is logged. Empty: every handshake is allowed. */
    std::function<task<std::optional<request_refusal>>(const handshake_info&)> allow_request{};
};

/** Connection state recovery (Socket.IO's `connectionStateRecovery`, v4.6+).

    When on, the CONNECT reply carries a private `pid`; every event sent without an ack
    id and not volatile (`socket::emit` and broadcasts) gets an offset appended as its
    last argument and is kept for `max_disconnection_duration`; a socket that drops for
    a recoverable reason ("transport close", "transport error", "ping timeout", "forced
    close", "server shutting down", "forced server close") is kept as {id, pid, rooms,
    data}. A CONNECT whose auth carries that `{pid, offset}` in time gets the same socket
    id, its rooms and data back, and the events it missed, before any new one;
    `socket::recovered()` is then true. The official client does its part by itself.
*/
struct recovery_options {
    /// How long a disconnected socket (and every event it may have missed) is kept.
    std::chrono::milliseconds max_disconnection_duration{120000};
    /// A recovered socket skips the connect middlewares.
    bool skip_middlewares = true;
};

/** Presence (`namespace_::presence`): who is in each room of the namespace, across the
    cluster. With Redis, every node writes its sockets' memberships there and beats every
    `heartbeat`; a node silent for `node_timeout` is dead: its members are dropped from
    every answer at once, and removed (with `on_members_lost`) by the first node to
    notice. Without a cluster: this node's sockets. */
struct presence_options {
    std::chrono::milliseconds heartbeat{1000};
    std::chrono::milliseconds node_timeout{5000};
};

/// What a room keeps of its `resumable` events, for EventSource `Last-Event-ID`
/// resumption and `GET /<ns>/history` (see `namespace_::history`).
struct history_options {
    /// Events kept per room (a ring: the oldest goes first). 0 keeps none.
    std::size_t capacity = 0;
    /// Events older than this are dropped (RTDL's `history_ttl`, 5 minutes by default).
    std::chrono::milliseconds ttl{300000};
};

/// Socket.IO-level settings.
struct socketio_options {
    /// A client must connect to a namespace within this, or its session is closed (`connectTimeout`).
    std::chrono::milliseconds connect_timeout{45000};
    /// BINARY_* packets may announce at most this many attachments (`maxAttachments`).
    std::size_t max_attachments = 10;
    /// An event that carries an ack id is answered at the latest after this, with a
    /// `timeout` error if the handler has not finished (its coroutine is then cancelled).
    /// Zero disables the deadline. (Switchboard only: Node never answers for a handler.)
    std::chrono::milliseconds handler_deadline{30000};
    /// An event nobody handles that asks for an ack is answered with an `unknown_event`
    /// error at once (so a client with `retries` does not stall its queue). false: it is
    /// not answered, as Node does (the client's own timeout decides).
    bool ack_unknown_events = true;
    /// Namespaces that CONNECTs to dynamic namespaces (`server::of(std::regex)`) may create,
    /// all patterns together. Each costs a few KiB and lives as long as the server (Node's
    /// default, without `cleanupEmptyChildNamespaces`); past the bound, a CONNECT naming a
    /// new one gets CONNECT_ERROR `{"message":"Invalid namespace","data":{"code":
    /// "namespace_limit"}}` while existing ones keep working. Zero: no bound. (Switchboard only.)
    std::size_t max_dynamic_namespaces = 10000;
    /// Connection state recovery for every namespace; off (std::nullopt) by default, as
    /// in Socket.IO. `namespace_::connection_state_recovery` turns it on for one namespace.
    std::optional<recovery_options> connection_state_recovery{};
};

/** A cluster through Redis, wire-compatible with Node's `@socket.io/redis-adapter` 8.x
    (its classic pub/sub mode) and `@socket.io/redis-emitter` 5.x: Node servers with that
    adapter, emitters and Switchboard nodes can share one Redis. Every broadcast, room
    change, disconnect, `fetch_sockets`, `rooms`, `server_side_emit` and broadcast ack
    then spans all nodes, unless `local()`.

    While Redis is unreachable the node keeps serving its own clients: what it would have
    sent to other nodes is dropped and counted (`switchboard_cluster_publish_dropped_total` at /metrics),
    cluster requests answer with this node's part (`partial`), and it reconnects with
    backoff and subscribes again by itself. */
struct redis_options {
    /// `redis://[user:password@]host[:port][/db]` (only `redis://`: no TLS yet).
    std::string url = "redis://127.0.0.1:6379";
    /// Channel prefix (`key` of the Node adapter): channels are `<key>#<nsp>#`,
    /// `<key>-request#<nsp>#`, `<key>-response#<nsp>#`.
    std::string key = "socket.io";
    /// How long a request to other nodes (fetch_sockets, rooms, count,
    /// server_side_emit_with_ack) waits for their answers (`requestsTimeout`).
    std::chrono::milliseconds requests_timeout{5000};
    /// Messages from the bus larger than this are dropped and counted.
    std::size_t max_message = 16 * 1024 * 1024;
    /// Reconnect backoff: from `min_backoff`, doubling up to `max_backoff`.
    std::chrono::milliseconds min_backoff{100};
    std::chrono::milliseconds max_backoff{5000};

    /** The durable layer, for namespaces with connection state recovery, room histories
        or an EventSource endpoint: every offset-carrying emit is numbered by Redis (one
        Lua script assigns the namespace offset, appends the event to the namespace's
        stream and to each history room's capped stream, and publishes it as a plain
        Node-compatible broadcast), and every node, the sender's included, delivers it
        when it comes back from Redis, so all nodes log the same `<epoch>:<offset>` ids.
        Sessions of such namespaces are kept in Redis too, so a client recovers on any
        node, even after its node was killed. While Redis is away these emits wait, in
        order, in a queue of at most `durable_queue` (the rest are dropped and counted);
        a Redis that lost its data (restart, flush) starts a new epoch, and clients that
        come back with an older one are told to resync rather than silently missing
        events. Off: such namespaces number events per node, as on one machine. */
    bool durable = true;
    std::size_t durable_queue = 10000;
    /** Where other nodes reach this one ("host:port") to forward polling and `sse`
        requests of sessions it owns, so a balancer needs no sticky sessions. Empty: the
        listen address (127.0.0.1 when that is 0.0.0.0 or ::) and port. Nodes must reach
        each other over plain HTTP: with `server_options::tls` set, nothing is forwarded
        (sticky sessions are then needed for polling). */
    std::string advertise{};
    /// Entries kept in a namespace's stream (trimmed approximately beyond it): how far a
    /// node that missed messages can catch up.
    std::size_t stream_length = 10000;
};

/** Deadlines on connections, so that a peer that stops reading, or never finishes what it
    started, cannot hold a file descriptor or memory for ever. (Node leaves most of these to
    the operating system; the defaults are generous.) */
struct timeout_options {
    /// An HTTP request (head and body) must arrive whole within this of its first bytes,
    /// and a keep-alive connection idle this long since its last answer is closed.
    std::chrono::milliseconds http_read{60000};
    /// Any one write (an HTTP response, websocket frames, an event-stream chunk) must be
    /// taken by the peer within this, or the connection is cut (counted at /metrics as
    /// `switchboard_connections_timed_out_total`).
    std::chrono::milliseconds write{30000};
    /// Once the server ends a websocket or an event stream, the peer has this long to take
    /// the rest and answer the close before the connection is cut.
    std::chrono::milliseconds close{5000};
    /// A graceful stop (`server::stop()`, SIGTERM or SIGINT under `server::run()`) refuses
    /// new sessions at once (503; /healthz too), lets the handlers, connection handlers and
    /// middlewares already running finish (their acks still go out) for up to this long, then closes every
    /// session with "server shutting down" (clients see "transport close" and reconnect,
    /// to another node behind a balancer) and every EventSource stream.
    std::chrono::milliseconds drain{10000};
};

/** Caps on what clients may hold open, and how fast they may open it. 0 turns a cap off
    (all are off by default, as in Node). "Connections" are Engine.IO sessions (any
    transport) and plain EventSource streams; TCP connections that never become one are
    bounded by `timeouts.http_read`. A refused handshake is answered before any session
    exists: 503 `{"code":4,"message":"Server full"}`, 503 `{"code":4,"message":"Too many
    connections from this address"}`, or 429 `{"code":4,"message":"Too many handshakes"}`;
    Socket.IO clients retry with their reconnection backoff. */
struct limit_options {
    /// Sessions and streams open at once on this server.
    std::size_t max_connections = 0;
    /// ...from one client address (see `trusted_proxies`).
    std::size_t max_connections_per_address = 0;
    /// New sessions and streams per second from one address (a token bucket holding two
    /// seconds' worth, so a burst of reconnecting tabs passes).
    double handshakes_per_second = 0;
    /// Proxies whose `X-Forwarded-For` is believed (exact addresses, e.g. "127.0.0.1" for
    /// an nginx beside the server). The client address is then the rightmost address in
    /// the header that is not one of these; it is what per-address caps count and what
    /// `socket::remote_address()` says. A peer not listed is the client, whatever
    /// header it sends.
    std::vector<std::string> trusted_proxies{};
};

/** TLS: the server answers https and wss, on every transport, instead of http and ws.
    (docs/production.md "TLS" says how it is done and what it costs.) */
struct tls_options {
    /// PEM certificate chain: the server's certificate first, then intermediates.
    std::string cert_file;
    /// PEM private key of that certificate.
    std::string key_file;
};

/// A directory served under a path prefix (`static_mounts`).
struct static_mount {
    /// Starts and ends with '/', e.g. "/admin-ui/"; GET <prefix>x serves <directory>/x.
    std::string prefix;
    std::string directory;
};

/// Everything `sb::server` needs to start.
struct server_options {
    std::string address = "127.0.0.1";
    std::uint16_t port = 3000;  ///< 0 picks a free port; see `server::port()`
    /// Shards: one `io_context` and one thread each. 0 means one per hardware thread.
    unsigned threads = 0;
    /// Engine.IO endpoint path (with trailing slash).
    std::string path = "/socket.io/";
    /// Directory served for every other GET path (`index.html` for `/`); empty: none.
    std::string static_dir{};
    /// More directories, each under its own path prefix, looked up before `static_dir`
    /// (the first prefix that matches wins), e.g. the Admin UI's pages (admin_ui.hpp).
    std::vector<static_mount> static_mounts{};
    /// Directory holding the official browser client (`socket.io.min.js`), served at
    /// `<path>socket.io.min.js` as Socket.IO serves its own; empty: not served.
    std::string client_dir{};
    /// Pages allowed to open a session: exact origins (`https://app.example.com`) or
    /// patterns where `*` stands for one or more characters other than `/`
    /// (`https://*.example.com`, `http://localhost:*`). Checked on the handshake of every
    /// transport (websocket upgrades included, which CORS does not cover), on every
    /// Engine.IO request, and on EventSource streams and history: a browser request whose
    /// Origin is not allowed is answered 403 `{"code":4,"message":"Forbidden"}`. Requests
    /// without an Origin header (native and server-side clients) are allowed. Allowed
    /// origins get CORS with credentials and `Vary: Origin`. Empty, with no
    /// `allow_origin` either: every origin may connect (Socket.IO's default).
    std::vector<std::string> allowed_origins{};
    /// A predicate for origins not in `allowed_origins` (runs on the shard; keep it quick).
    std::function<bool(std::string_view origin)> allow_origin{};
    /// `Access-Control-Allow-Origin` for origins not in the allow-list: "*" sends a literal
    /// `*` without credentials (as Node's cors does); another value is sent as is, with
    /// `Vary: Origin`; empty: no CORS headers (Socket.IO's default).
    std::string cors_origin{};
    engine_options engine{};
    socketio_options socketio{};
    timeout_options timeouts{};
    limit_options limits{};
    /// Where the server's log lines go. Called on any shard's thread, possibly at the same
    /// time on several: make it thread-safe. Empty: one line each on stderr,
    /// `switchboard: <level>: <component>: [<nsp> <socket id>: ]<message>`.
    std::function<void(const log_record&)> log{};
    /// Lines below this level are not made at all.
    log_level min_log_level = log_level::info;
    /// Where Prometheus metrics are served; empty: not served.
    std::string metrics_path = "/metrics";
    /// When set, the metrics need `Authorization: Bearer <token>` (401 otherwise): they
    /// tell an outsider how busy the server is and how it fails.
    std::string metrics_token{};
    /// Serve TLS (see `tls_options`); std::nullopt: plain TCP. `server::start()` throws
    /// std::runtime_error when the files cannot be loaded or do not match.
    std::optional<tls_options> tls{};
    /// Join a cluster through Redis (see `redis_options`); std::nullopt: one node.
    std::optional<redis_options> redis{};
};

} // namespace sb
