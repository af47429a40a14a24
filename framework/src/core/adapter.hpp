#pragma once
// The cluster seam. Every operation that may reach sockets beyond this node goes through
// the server's adapter, as in Socket.IO (`Adapter`) and socketioxide (`CoreAdapter`):
// broadcasts (with or without acks), room changes of selected sockets, disconnects,
// fetching sockets, listing rooms, and events between servers.
//
// `local_adapter` (core/local_adapter.hpp) is the one node's per-shard fan-out. A
// cluster adapter (framework/src/adapters/<name>/) forwards an operation to the other
// nodes unless it is `local()`, and calls the local adapter for this node's part. Adding
// an adapter means adding one folder there and one line where the server picks it.
#include <switchboard/broadcast.hpp>
#include <switchboard/cluster.hpp>
#include <switchboard/payload.hpp>
#include <switchboard/task.hpp>

#include "core/event_log.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sb::detail {

class namespace_state;
struct ack_collector;

using room_sizes = std::vector<std::pair<std::string, std::size_t>>;

class adapter {
public:
    virtual ~adapter() = default;

    /// The shards are running: connect, subscribe. Called once.
    virtual void start() {}
    /// The server stops: close connections, fail what is pending. Called once.
    virtual void stop() {}
    /// A concrete namespace came to exist (every static one before `start`, children of
    /// dynamic namespaces when a client first connects to them, from any shard).
    virtual void namespace_created(namespace_state&) {}

    // Every member below may be called from any shard. `op` selects the sockets: its
    // rooms (none: all), except rooms, and flags (volatile, local = this node only).

    /// Sends `event` to the selected sockets. Does not suspend.
    virtual void broadcast(namespace_state& ns, const broadcast_operator& op, std::string_view event,
                           const payload& args) = 0;
    /** Sends `event` with an ack id. Each part (a shard here, another node) reports how
        many clients it reached, then their first ack arguments, to `c`, by posting to
        `c->origin`. The caller awaits `c` and applies the timeout. */
    virtual void broadcast_with_ack(namespace_state& ns, const broadcast_operator& op, std::string_view event,
                                    const payload& args, const std::shared_ptr<ack_collector>& c) = 0;
    /// The selected sockets join / leave `rooms`.
    virtual void add_sockets(namespace_state& ns, const broadcast_operator& op, std::vector<std::string> rooms) = 0;
    virtual void del_sockets(namespace_state& ns, const broadcast_operator& op, std::vector<std::string> rooms) = 0;
    virtual void disconnect_sockets(namespace_state& ns, const broadcast_operator& op, bool close) = 0;
    /// The selected sockets, with their rooms, data and handshake.
    virtual task<fetch_result> fetch_sockets(namespace_state& ns, const broadcast_operator& op) = 0;
    /// How many sockets `op` selects.
    virtual task<std::size_t> count(namespace_state& ns, const broadcast_operator& op) = 0;
    /// Every room with members and its size (sockets' own rooms left out).
    virtual task<room_sizes> rooms(namespace_state& ns) = 0;
    /// Sends `event` to the other servers' handlers (`namespace_::on_server_event`).
    virtual void server_side_emit(namespace_state& ns, std::string_view event, const payload& args) = 0;
    /// ...and collects each other server's first ack argument within `timeout`.
    virtual task<server_ack_result> server_side_emit_with_ack(namespace_state& ns, std::string_view event,
                                                              const payload& args,
                                                              std::chrono::milliseconds timeout) = 0;
    /// Servers in the cluster, this one included.
    virtual task<std::size_t> server_count() = 0;

    // ---- nothing lost across nodes (a cluster adapter with a durable layer) ----------
    // Where these are not overridden, offsets, sessions and logs stay on this node.

    /// True when the cluster numbers the offset-carrying events of `ns` (its log is
    /// external): a socket's own emit then goes out as a broadcast to its room.
    virtual bool numbers(const namespace_state&) const { return false; }
    /// Keeps a socket's session where any node can claim it, for `ttl` (called while it
    /// is connected, so that a crash of this node does not lose it, and at a
    /// recoverable disconnect). Does not suspend. False when it could not (the store is
    /// unreachable): the node then keeps the session itself.
    virtual bool save_session(namespace_state&, const persisted_session&, std::chrono::milliseconds)
    {
        return false;
    }
    /// The session ended for good (a clean disconnect).
    virtual void drop_session(namespace_state&, const std::string&) {}
    // ---- finding a session's node (polling and sse without sticky sessions) ----------
    /// This node's tag in Engine.IO session ids ("" alone: requests are never forwarded).
    virtual std::string node_tag() const { return {}; }
    /// Where the node tagged `tag` takes forwarded requests ("host:port"), if known.
    virtual task<std::optional<std::string>> node_address(std::string /*tag*/) { co_return std::nullopt; }

    /// True on one node of the cluster at a time (`server::leads`). Any thread.
    virtual bool leads() const noexcept { return true; }

    // ---- presence (namespace_::presence) -------------------------------------------
    /// A socket of a presence namespace joined / left `room` (not its own). Does not suspend.
    virtual void member_joined(namespace_state&, const std::string& /*room*/, const std::string& /*sid*/,
                               const boost::json::value& /*data*/)
    {
    }
    virtual void member_left(namespace_state&, const std::string& /*room*/, const std::string& /*sid*/) {}
    /// Who is in `room` (default: the sockets `fetch_sockets` finds there).
    virtual task<std::vector<presence_member>> members(namespace_state& ns, std::string room);

    /// Takes (once, cluster-wide) the session `pid` kept by any node.
    virtual task<std::optional<persisted_session>> take_session(namespace_state&, std::string)
    {
        co_return std::nullopt;
    }
};

} // namespace sb::detail
