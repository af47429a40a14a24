#pragma once
// Emitting with the catching-up machinery (event_log.hpp): offsets for connection state
// recovery, room histories for resumable events, EventSource frames, conflation. The
// plain broadcast path stays in broadcast_operator::emit and takes no lock.
#include <switchboard/broadcast.hpp>
#include <switchboard/payload.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace sb::detail {

class namespace_state;
class shard;

/// True when an emit through `op` in `ns` must go through `publish`.
bool needs_publish(const namespace_state& ns, const broadcast_operator& op) noexcept;
/// True when such an emit carries an offset: recovery on and not volatile, or resumable
/// (what a cluster that numbers events must number).
bool carries_offset(const namespace_state& ns, const broadcast_operator& op) noexcept;

/// An offset assigned by the cluster (adapters/redis durable layer), not by this node.
struct given_offset {
    std::string_view epoch;
    std::uint64_t offset = 0;
    bool resumable = false;           ///< the emit was resumable (room histories)
    std::string_view conflation_key;  ///< the emit's conflation key, if any
    bool log_only = false;            ///< kept for replay, not delivered (a node catching up on the past)
};

/** Encodes once, and when the event carries an offset (recovery on and not volatile, or
    resumable): assigns it, logs the event, and hands the job to the shards in offset
    order — under the namespace's log mutex. `only`: deliver on that shard alone (a
    socket's own emit; it must be the current shard). In cluster mode (the log is
    external) offsets come only as `given`: without one the event carries none. A
    `given` offset not newer than the log's last is a duplicate and is dropped. */
void publish(namespace_state& ns, const broadcast_operator& op, std::string_view event, const payload& args,
             shard* only = nullptr, const given_offset* given = nullptr);

/// `event: <event>` / `id: <id>` / `data: <data>` as one shared SSE frame.
std::shared_ptr<const std::string> make_sse_frame(std::string_view event, std::string_view data, std::string_view id);

} // namespace sb::detail
