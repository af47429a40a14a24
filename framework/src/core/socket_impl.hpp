#pragma once
// The implementation behind `sb::socket`.
#include "core/client.hpp"
#include "core/event_log.hpp"
#include "core/inline_string.hpp"
#include "core/socket_sink.hpp"

#include <switchboard/socket.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace sb::detail {

class namespace_state;
class shard;

/// Where the socket of a plain EventSource endpoint writes (net/eventsource_endpoint.cpp).
class event_stream {
public:
    virtual ~event_stream() = default;
    /// Queues one SSE frame. `key` (may be null) conflates: a queued, unwritten frame with
    /// an equal key is dropped. Volatile frames are dropped when the stream is behind.
    virtual send_status push(std::shared_ptr<const std::string> frame, std::uint64_t offset,
                             const std::shared_ptr<const std::string>& key, bool is_volatile) = 0;
    /// Ends the stream (the browser will reconnect by itself).
    virtual void end(std::string_view reason) = 0;
    virtual const handshake_info& handshake() const noexcept = 0;
};

/// Completes a pending server→client ack: with the client's args, or an error
/// (closed at disconnect). Called once.
using ack_callback = std::function<void(boost::system::error_code, payload&&)>;

class socket_impl final : public sb::socket, public std::enable_shared_from_this<socket_impl> {
public:
    socket_impl(client& c, namespace_state& ns, shard& sh, std::string_view id, boost::json::object auth);
    /// The socket of a plain EventSource stream (receive-only).
    socket_impl(event_stream& es, namespace_state& ns, shard& sh, std::string_view id, boost::json::object auth);
    ~socket_impl() override;

    static socket_impl& of(sb::socket& s) noexcept { return static_cast<socket_impl&>(s); }
    static const socket_impl& of(const sb::socket& s) noexcept { return static_cast<const socket_impl&>(s); }

    // state read by sb::socket's members
    std::string_view id_ref() const noexcept { return id_; }
    namespace_state& ns() noexcept { return ns_; }
    shard& owner() noexcept { return shard_; }
    client* conn() noexcept { return eventsource_ ? nullptr : static_cast<client*>(peer_); }
    event_stream* stream() noexcept { return eventsource_ ? static_cast<event_stream*>(peer_) : nullptr; }
    bool is_eventsource() const noexcept { return eventsource_; }
    bool is_connected() const noexcept { return connected_; }
    const boost::json::object& auth_ref() const noexcept { return auth_; }
    /// Its rooms, sorted, its own room (its id) included while it is in it. A copy.
    std::vector<std::string> room_list() const;
    /// In the room named after its id (local_namespace answers that room from this).
    bool in_own_room() const noexcept { return in_own_room_; }

    /// Joins the namespace on this shard (own room included) after the middleware passed.
    void on_connected();
    /// An EVENT/BINARY_EVENT from the client: dispatch to its handler.
    void on_event(sio::packet p);
    /// An ACK/BINARY_ACK from the client: complete the pending ack (unknown ids ignored).
    void on_ack(sio::packet p);
    /// Leaves everything: disconnecting hook, rooms, pending acks (closed), disconnect hook.
    void on_disconnect(std::string_view reason);

    void join_room(const std::string& room);
    void leave_room(const std::string& room);
    /// Its rooms or data changed: where the cluster keeps sessions (adapter::numbers),
    /// the session is written there soon, so that a crash of this node does not lose it.
    void session_changed();
    /// Writes the session to the cluster's store now (the adapter's periodic refresh,
    /// which keeps a connected socket's session from expiring there).
    void save_session_now();

    /// Delivers encoded packets (a broadcast's shared frames) to this client.
    send_status deliver(std::span<const out_packet> packets, bool is_volatile)
    {
        auto* c = conn();
        return c ? c->send(packets, is_volatile) : send_status::closed;
    }
    /// Delivers an SSE frame to an EventSource socket.
    send_status deliver_sse(std::shared_ptr<const std::string> frame, std::uint64_t offset,
                            const std::shared_ptr<const std::string>& key, bool is_volatile)
    {
        auto* es = stream();
        return es ? es->push(std::move(frame), offset, key, is_volatile) : send_status::closed;
    }
    void send_packet(const sio::packet& p)
    {
        if (auto* c = conn()) {
            c->send_packet(p);
        }
    }
    /// Registers a pending ack under `id` (broadcasts use the namespace's shared id).
    void expect_ack(std::uint64_t id, ack_callback cb)
    {
        if (!acks_) {
            acks_ = std::make_unique<pending_acks>();
        }
        acks_->emplace(id, std::move(cb));
    }
    void forget_ack(std::uint64_t id)
    {
        if (acks_) {
            acks_->erase(id);
        }
    }

    /// Stamp for broadcast de-duplication (local_namespace::for_each_target).
    std::uint64_t mark = 0;

    // ---- catching up (event_log.hpp) ---------------------------------------------------
    std::string_view pid() const noexcept { return pid_; }
    void set_pid(std::string_view pid) { pid_ = pid; }
    bool was_recovered() const noexcept { return recovered_; }
    void set_recovered() { recovered_ = true; }
    /** After a replay: the client had everything up to `after`, and `offsets` (sorted)
        were just sent from the log, which stood at `upto`. Jobs posted before the
        snapshot may still be on their way to this shard; those carrying an offset the
        client has (≤ `after`, or replayed) are skipped, so nothing arrives twice. Shards
        see offsets in order, so the first job past `upto` ends the check. */
    void set_replayed(std::uint64_t after, std::vector<std::uint64_t> offsets, std::uint64_t upto)
    {
        replayed_ = std::make_unique<replay_window>(replay_window{std::move(offsets), upto, after});
    }
    bool skip_replayed(std::uint64_t offset)
    {
        if (!replayed_) {
            return false;
        }
        if (offset > replayed_->upto) {
            replayed_.reset();
            return false;
        }
        return offset <= replayed_->after ||
               std::binary_search(replayed_->offsets.begin(), replayed_->offsets.end(), offset);
    }

private:
    friend struct handler_call;  // socket.cpp: one handler's run, which answers its ack
    void send_reply(std::uint64_t id, const reply& r);
    /// What recovery keeps of this socket (a persisted session) as it stands now.
    persisted_session session() const { return persisted_session{id_.str(), pid_.str(), room_list(), data, {}}; }
    /// Presence tracks `room` for this socket (on, and not its own room).
    bool tracks_presence(const std::string& room) const;

    // The connection: its Socket.IO client, or (eventsource_) the EventSource stream;
    // null once disconnected. One pointer for both: conn() and stream() tell them apart.
    void* peer_;
    // The flags side by side (one word, not one per neighbour), beside `mark` and
    // peer_: what a broadcast reads of each socket is in one cache line.
    bool eventsource_ = false;
    bool recovered_ = false;
    bool save_queued_ = false;
    bool in_own_room_ = false;  // its own room: a flag, not a copy of the id (~100 B)
    bool connected_ = false;
    bool joined_ = false;
    namespace_state& ns_;
    shard& shard_;
    inline_string id_;   // ids inline: 24 B each instead of a std::string and a heap block
    inline_string pid_;
    boost::json::object auth_;
    std::vector<std::string> rooms_;  // sorted; rooms joined by name, not its own
    // Rare state behind pointers: a connection that never replayed, nor awaits an ack,
    // pays 16 B for both instead of ~100.
    struct replay_window {
        std::vector<std::uint64_t> offsets;
        std::uint64_t upto = 0;
        std::uint64_t after = 0;
    };
    std::unique_ptr<replay_window> replayed_;  // set_replayed() until the check ends
    using pending_acks = std::unordered_map<std::uint64_t, ack_callback>;
    std::unique_ptr<pending_acks> acks_;  // made by the first expect_ack()
};

} // namespace sb::detail
