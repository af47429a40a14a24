#pragma once
// What a namespace keeps so that clients can catch up after a drop:
//  - the connection state recovery buffer (every offset-carrying event, for
//    max_disconnection_duration) and the sessions of sockets that dropped;
//  - the room histories of `resumable` events (EventSource Last-Event-ID, /history).
//
// Shared by all shards, so it is guarded by one mutex per namespace. That is a lock on
// the emit path, but only for namespaces that asked for recovery or history: the plain
// broadcast path (broadcast.cpp) never touches this. The lock also orders: offsets are
// assigned and jobs posted to the shards under it, so every shard sees offset-carrying
// events in offset order (a client's "last offset" is then a true high-water mark).
#include "core/socket_sink.hpp"

#include <switchboard/options.hpp>

#include <boost/json/value.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sb::detail {

using log_clock = std::chrono::steady_clock;

/// One emitted event as kept for replay; immutable once logged.
struct logged_event {
    std::uint64_t offset = 0;
    log_clock::time_point at{};
    std::vector<std::string> rooms;   ///< empty: the whole namespace
    std::vector<std::string> except;
    std::vector<out_packet> packets;  ///< Socket.IO wire form (offset appended under recovery)
    std::string event;
    std::string data;                        ///< first argument as JSON ("" when none)
    std::shared_ptr<const std::string> sse;  ///< the EventSource frame, if any endpoint
    std::shared_ptr<const std::string> conflation_key;
    bool resumable = false;
};
using logged_ptr = std::shared_ptr<const logged_event>;

/// A socket that dropped for a recoverable reason (Socket.IO's persisted session).
struct persisted_session {
    std::string sid;
    std::string pid;
    std::vector<std::string> rooms;
    boost::json::value data;
    log_clock::time_point expires{};
};

/// What a replay request found.
struct replay_result {
    enum class status { ok, resync } state = status::ok;
    std::string reason;              ///< why a resync ("unknown epoch", "too old", ...)
    std::vector<logged_ptr> events;  ///< in offset order, conflated, filtered by rooms/except
    std::uint64_t upto = 0;          ///< the newest offset assigned when the snapshot was taken
};

/// The result of parsing an event id `<epoch>:<offset>`.
struct parsed_id {
    enum class status { malformed, other_epoch, ok } state = status::malformed;
    std::uint64_t offset = 0;
};

class event_log {
public:
    event_log(std::size_t shards, std::string epoch);

    std::mutex& mutex() noexcept { return mutex_; }

    // ---- under mutex() --------------------------------------------------------------
    std::uint64_t next_offset() noexcept { return ++last_offset_; }
    /** Cluster mode (set_external): takes an offset the cluster assigned. A new epoch
        empties the log (nothing from the old one can be resumed); an offset that leaves
        a hole marks everything before it as gone, so a claim from before it fails.
        False when `offset` is not newer than the last one (a duplicate). */
    bool adopt(std::string_view epoch, std::uint64_t offset);
    std::uint64_t last_offset() const noexcept { return last_offset_; }
    /// Keeps `e` in the recovery buffer (`recovery`: its duration) and, if resumable, in
    /// the history of each target room that `rule_for` gives options for.
    template <typename RuleFor>
    void record(const logged_ptr& e, const recovery_options* recovery, RuleFor&& rule_for);
    /// Jobs posted to shard `i` and not yet run there (for the inline-delivery decision).
    std::atomic<std::uint32_t>& pending(std::size_t i) noexcept { return pending_[i]; }

    /// Offsets come from the cluster (adopt), never from next_offset: set once, before
    /// the first event.
    void set_external() noexcept { external_ = true; }
    bool external() const noexcept { return external_; }

    // ---- taking the lock themselves -------------------------------------------------
    std::string epoch() const { return *epoch_.load(std::memory_order_acquire); }
    std::string id(std::uint64_t offset) const;
    parsed_id parse_id(std::string_view id) const;

    /// Keeps a dropped socket for `ttl`.
    void persist(persisted_session s, std::chrono::milliseconds ttl);
    /// Takes the session `pid` if it is known, not expired, and `offset` can still be
    /// resumed from (recovery's restoreSession); the offset is parsed into `after`.
    std::optional<persisted_session> claim(std::string_view pid, std::string_view offset, std::uint64_t& after);
    /// True when the recovery buffer holds everything after the id `offset` (parsed into
    /// `after`): a session kept elsewhere (another node) can be resumed here.
    bool covers(std::string_view offset, std::uint64_t& after);
    /// Recovery: the buffered events after `after` that a socket in `rooms` would have got.
    replay_result missed(std::uint64_t after, const std::vector<std::string>& rooms);
    /// History: the events after `after` kept by the histories of `rooms`, merged, in
    /// order, conflated (newest per key). `after` absent: everything kept. A resync when
    /// a history dropped events after `after`, or `after` is newer than the log.
    replay_result history(std::optional<std::uint64_t> after, const std::vector<std::string>& rooms,
                          bool filter_except);
    /// One room's history after the id `after` ("": everything kept), as `GET /history`
    /// and `namespace_::room_history` answer it: a resync (another epoch, a malformed
    /// id, older than kept, newer than the log) comes with everything kept, to start over.
    replay_result history_after(std::string_view after, const std::string& room);

private:
    struct ring {
        std::deque<logged_ptr> events;
        std::uint64_t evicted_upto = 0;  // highest offset dropped (capacity or ttl)
        history_options opts;
    };
    void prune_ring(ring& r, log_clock::time_point now);

    bool covers_locked(std::uint64_t offset) const noexcept
    {
        return offset >= pruned_upto_ && offset <= last_offset_;
    }

    std::mutex mutex_;
    // Read without the lock by id()/parse_id(); replaced (under it) only in cluster mode.
    std::atomic<std::shared_ptr<const std::string>> epoch_;
    bool external_ = false;
    std::uint64_t last_offset_ = 0;
    std::unique_ptr<std::atomic<std::uint32_t>[]> pending_;

    // recovery
    std::deque<logged_ptr> buffer_;
    std::uint64_t pruned_upto_ = 0;
    std::chrono::milliseconds buffer_ttl_{0};
    std::unordered_map<std::string, persisted_session> sessions_;
    std::size_t persists_since_sweep_ = 0;

    // histories
    std::unordered_map<std::string, ring> rings_;
};

template <typename RuleFor>
void event_log::record(const logged_ptr& e, const recovery_options* recovery, RuleFor&& rule_for)
{
    if (recovery) {
        buffer_ttl_ = recovery->max_disconnection_duration;
        while (!buffer_.empty() && buffer_.front()->at + buffer_ttl_ < e->at) {
            pruned_upto_ = buffer_.front()->offset;
            buffer_.pop_front();
        }
        buffer_.push_back(e);
    }
    if (!e->resumable) {
        return;
    }
    for (const auto& room : e->rooms) {
        auto it = rings_.find(room);
        if (it == rings_.end()) {
            const history_options* o = rule_for(room);
            if (!o || o->capacity == 0) {
                continue;
            }
            it = rings_.emplace(room, ring{}).first;
            it->second.opts = *o;
        }
        auto& r = it->second;
        r.events.push_back(e);
        while (r.events.size() > r.opts.capacity) {
            r.evicted_upto = r.events.front()->offset;
            r.events.pop_front();
        }
        prune_ring(r, e->at);
    }
}

} // namespace sb::detail
