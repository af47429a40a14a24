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

/** Encodes once, and when the event carries an offset (recovery on and not volatile, or
    resumable): assigns it, logs the event, and hands the job to the shards in offset
    order — under the namespace's log mutex. `only`: deliver on that shard alone (a
    socket's own emit; it must be the current shard). */
void publish(namespace_state& ns, const broadcast_operator& op, std::string_view event, const payload& args,
             shard* only = nullptr);

/// `event: <event>` / `id: <id>` / `data: <data>` as one shared SSE frame.
std::shared_ptr<const std::string> make_sse_frame(std::string_view event, std::string_view data, std::string_view id);

} // namespace sb::detail
