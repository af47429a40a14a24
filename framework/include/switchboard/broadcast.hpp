#pragma once
/** @file
    The broadcast operator: `to(room).except(other).emit(...)`.
*/
#include <switchboard/ack.hpp>
#include <switchboard/cluster.hpp>
#include <switchboard/payload.hpp>
#include <switchboard/task.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace sb {

namespace detail {
class namespace_state;
}

/** Selects sockets of one namespace by room and sends to them.

    An empty room list means every socket of the namespace. A socket in several target
    rooms receives the packet once. The packet is encoded once and handed to each shard,
    which writes it to its local members: no lock is shared by all shards on this path.
    With a cluster adapter (`server_options::redis`) every operation also reaches the
    sockets of the other nodes, unless `local()`.

    `socket.to(...)` and `socket.broadcast()` exclude the sending socket.

    @par Thread safety
    A value type; `emit` may be called from any thread.
*/
class broadcast_operator {
public:
    explicit broadcast_operator(detail::namespace_state* ns) noexcept : ns_(ns) {}

    /// Adds a target room (`in` is the same).
    broadcast_operator to(std::string room) const;
    broadcast_operator to(std::vector<std::string> rooms) const;
    broadcast_operator in(std::string room) const { return to(std::move(room)); }
    broadcast_operator in(std::vector<std::string> rooms) const { return to(std::move(rooms)); }
    /// Excludes the members of a room (a socket id excludes that socket).
    broadcast_operator except(std::string room) const;
    broadcast_operator except(std::vector<std::string> rooms) const;
    /// This node only: not forwarded to other nodes by a cluster adapter (emits, room
    /// changes, disconnects and fetches alike).
    broadcast_operator local() const;
    /// May be dropped for clients that are behind (see engine_options::max_send_buffer).
    broadcast_operator volatile_() const;
    /// Deadline for `emit_with_ack` (mandatory there, as in Socket.IO).
    broadcast_operator timeout(std::chrono::milliseconds t) const;
    /// When `emit_with_ack` stops waiting: every answer (default), the first N, a quorum.
    broadcast_operator collect(collect_policy p) const;

    /** The event gets an id, `<epoch>:<offset>`, and is kept in the history of each
        target room that has one (`namespace_::history`), for EventSource clients'
        `Last-Event-ID` and `GET /<ns>/history`. With connection state recovery on, the
        same offset is the one Socket.IO clients receive. Not with `volatile_()`. An event
        sent to the whole namespace (no `to`) has an id but is kept in no history.

        @par Cost
        Offset-carrying emits (resumable ones, and all non-volatile ones under connection
        state recovery) take the namespace's log mutex while the offset is assigned and
        the job posted to the shards, so that every shard sees them in offset order. */
    broadcast_operator resumable() const;
    /** Latest value wins: a copy of an earlier event with the same `key` (and event
        name) still queued, unsent, for a client is replaced by this one, and a history
        replay keeps only the newest per key. Events with attachments are not conflated. */
    broadcast_operator conflate(std::string key) const;

    /// Sends `event` to every selected socket. Does not suspend.
    void emit(std::string_view event, payload args = {}) const;

    /** Sends `event` with one ack id and collects each client's first ack argument.
        Suspends until the collect policy is met (by default: every selected client
        answered), or the timeout passed (then the partial list is returned with
        `sb::error::timeout`). Recipients still silent when it returns are forgotten: their
        late answers are dropped. Without `timeout()` the deadline is zero and the result
        is an immediate timeout, as in Socket.IO.
    */
    task<broadcast_ack_result> emit_with_ack(std::string_view event, payload args = {}) const;

    /// Makes the selected sockets join `room`.
    void sockets_join(std::string room) const;
    /// Makes the selected sockets leave `room`.
    void sockets_leave(std::string room) const;
    /// Disconnects the selected sockets ("server namespace disconnect").
    void disconnect_sockets(bool close_connection = false) const;
    /// Counts the selected sockets on every node (every shard of this one). Suspends
    /// while they answer.
    task<std::size_t> count() const;
    /** The selected sockets on every node, with their rooms, `data` and handshake
        (Socket.IO's `fetchSockets`). In a cluster, a node that does not answer within the
        adapter's request timeout makes the result `partial` (with `sb::error::timeout`);
        it never hangs. */
    task<fetch_result> fetch_sockets() const;

    // Read access for the implementation.
    const std::vector<std::string>& rooms() const noexcept { return rooms_; }
    const std::vector<std::string>& except_rooms() const noexcept { return except_; }
    bool is_volatile() const noexcept { return volatile_flag_; }
    bool is_local() const noexcept { return local_; }
    std::chrono::milliseconds ack_timeout() const noexcept { return timeout_; }
    bool is_resumable() const noexcept { return resumable_; }
    const std::string& conflation_key() const noexcept { return conflate_; }

private:
    detail::namespace_state* ns_;
    std::vector<std::string> rooms_;
    std::vector<std::string> except_;
    std::chrono::milliseconds timeout_{0};
    collect_policy collect_{};
    bool volatile_flag_ = false;
    bool local_ = false;
    bool resumable_ = false;
    std::string conflate_{};  ///< empty: not conflated
};

} // namespace sb
