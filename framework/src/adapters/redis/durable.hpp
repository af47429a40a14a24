#pragma once
// The Redis adapter's durable layer: nothing lost across nodes for the namespaces that
// catch clients up (connection state recovery, room histories, EventSource ids).
//
//   numbering  An offset-carrying emit is not delivered where it was made. It goes, in
//              order, through one queue on shard 0 to a Lua script that, atomically:
//              checks the epoch (a Redis that lost its data, or restarted, gets a new
//              one), increments the namespace offset, appends the event to the
//              namespace's stream (`stream_length`, trimmed approximately) and to each
//              history room's capped stream, and PUBLISHes it on the usual broadcast
//              channel, as the Node adapter's message, with its id in `flags.sbid`.
//   receiving  Every node, the sender's included, delivers a numbered event when it
//              comes back from the bus, with the id Redis gave it: all nodes log the
//              same `<epoch>:<offset>`. A hole in the offsets (a message missed while
//              the subscriber was away) is filled from the stream before going on. A
//              re-sent event (its reply was lost with the connection) is known by the
//              sender's sequence number and not delivered twice.
//   sessions   Kept in Redis under the pid while the socket is connected (so a kill -9
//              of its node loses nothing) and after a recoverable disconnect, for
//              `max_disconnection_duration`; any node takes one with GETDEL.
//
// Keys (standalone Redis): `<key>#<nsp>#sb:meta` (hash: run, epoch, offset),
// `...sb:s:<epoch>` (the namespace stream), `...sb:h:<epoch>:<room>` (a room's history),
// `...sb:p:<pid>` (a session, JSON). Streams carry their epoch in the name, so a new
// epoch starts empty and the old keys expire.
#include "adapters/redis/redis_link.hpp"
#include "adapters/redis/wire/messages.hpp"
#include "core/event_log.hpp"

#include <switchboard/broadcast.hpp>
#include <switchboard/options.hpp>
#include <switchboard/task.hpp>

#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sb::detail {

class namespace_state;
class node;

/// The local selection of a broadcast that came from the bus, and the reverse.
broadcast_operator selection(namespace_state& ns, const redis_wire::broadcast_opts& o);
redis_wire::broadcast_opts wire_opts(const broadcast_operator& op);

/// What one numbered namespace keeps on shard 0 to receive in order.
struct numbered_ns {
    namespace_state* ns = nullptr;
    std::string prefix;   ///< "<key>#<nsp>#sb:"
    std::string channel;  ///< the namespace's broadcast channel ("<key>#<nsp>#")
    std::string epoch;    ///< of the last event delivered ("" before the first)
    std::uint64_t last = 0;
    bool fetching = false;  ///< a fill or backfill runs: live events wait in `held`
    std::map<std::uint64_t, redis_wire::broadcast_message> held;  ///< past a hole, while filling it
};

class durable_layer {
public:
    durable_layer(node& srv, const redis_options& o, std::string uid);

    /// True when `ns` is numbered by the cluster (see redis_options::durable).
    static bool wanted(const namespace_state& ns, const redis_options& o) noexcept;

    /// Shard 0, once: the command link that numbers (shard 0's) and the subscriber.
    void start(std::shared_ptr<redis::link> numbering, std::shared_ptr<redis::link> sub);
    /// Link state changes of those two (shard 0).
    void numbering_state(bool up);
    void subscriber_state(bool up);

    /// From any shard: numbers, stores and publishes an emit of `n`'s namespace.
    void emit(numbered_ns& n, const broadcast_operator& op, std::string_view event, const payload& args);
    /// Shard 0: a broadcast with `flags.sbid` came from the bus.
    void on_numbered(numbered_ns& n, redis_wire::broadcast_message m);

    // Sessions, through the current shard's command link `l` (null: dropped).
    bool save_session(redis::link* l, const numbered_ns& n, const persisted_session& s, std::chrono::milliseconds ttl);
    void drop_session(redis::link* l, const numbered_ns& n, const std::string& pid);
    task<std::optional<persisted_session>> take_session(redis::link* l, const numbered_ns& n, std::string pid);

    /// Shard 0: every numbered namespace (for catching up after the subscriber was away).
    void track(numbered_ns& n) { all_.push_back(&n); }

private:
    struct queued {
        std::uint64_t seq;
        std::vector<std::string> args;  ///< EVALSHA <sha> 0 ARGV...
    };
    void enqueue(queued q);
    void pump();
    void on_reply(std::uint64_t generation, const redis::value& v);
    void reset(std::string_view why);
    void load_script();
    void deliver(numbered_ns& n, redis_wire::broadcast_message& m, std::uint64_t offset, std::string_view epoch,
                 bool log_only = false);
    /// Reads the hole after `n.last` from the namespace's stream, then delivers what is
    /// held; while Redis cannot be read, what is held waits.
    void fill(numbered_ns& n);
    /// Delivers what is held past `n.last`, in order, holes and all (`fetching` untouched).
    void flush_held(numbered_ns& n);
    /// A node that has heard nothing yet fills its log from the namespace's stream
    /// (logged, not delivered), so that it can replay and answer history like the others.
    void backfill(numbered_ns& n);
    /// Decodes a stream reply and hands each entry past `n.last` of `epoch` to `f`.
    template <typename F>
    void each_entry(numbered_ns& n, redis::value& v, std::string_view epoch, F&& f);
    void catch_up_all();
    bool seen(const std::string& uid, std::uint64_t seq);
    /// One of ours came back: it need not be sent again.
    void echoed(const redis_wire::broadcast_message& m);

    node& srv_;
    const redis_options& opts_;
    std::string uid_;
    std::string sha_;
    std::unique_ptr<std::uint64_t[]> seq_;  ///< per shard, touched by that shard only

    // shard 0
    std::shared_ptr<redis::link> numbering_;
    std::shared_ptr<redis::link> sub_;
    std::unique_ptr<boost::asio::steady_timer> retry_;
    bool numbering_up_ = false;
    bool sub_up_ = false;
    bool loaded_ = false;
    bool recovering_ = false;  ///< since a reset, until the queue is empty
    std::uint64_t generation_ = 0;  ///< replies of an older one are ignored
    std::deque<queued> queue_;
    /// Numbered (Redis answered) but not yet seen back on the bus. A Redis killed right
    /// after running the script may have answered its caller and never written the
    /// publish to the subscribers, and its new life has no stream to fill that from:
    /// these are sent again when the numbering link drops (receivers drop a copy).
    std::deque<queued> unechoed_;
    std::size_t sent_ = 0;  ///< of queue_'s front, sent and unanswered
    std::vector<numbered_ns*> all_;
    /// Per sender (uid and shard), the sequence numbers delivered: everything up to
    /// `floor`, and those above it.
    struct seen_window {
        std::uint64_t floor = 0;
        std::set<std::uint64_t> above;
    };
    std::unordered_map<std::string, seen_window> seen_;
    std::uint64_t dropped_logged_ = 0;
};

} // namespace sb::detail
