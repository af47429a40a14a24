#pragma once
// A shard as core sees it: one io_context and this shard's part of every namespace (its
// local sockets and rooms) and its plain EventSource streams. Nothing here is touched
// from another thread: other shards reach it by posting to `context()`. The thread that
// runs it, its acceptor and its Engine.IO sessions belong to the runtime
// (runtime/worker.hpp) and the engine (engine/engine_shard.hpp).
#include "core/local_namespace.hpp"
#include "core/shard_timers.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace sb::detail {

class node;
class namespace_state;
class event_stream;

/// An io_context whose shutdown (which destroys every pending handler) can run apart from
/// its destruction: handlers queued on one shard may own I/O objects of another (a
/// broadcast job owns its ack collector's timer, on the emitter's shard), so every
/// shard's handlers must be gone before any shard's io_context is.
class shard_context : public boost::asio::io_context {
public:
    using io_context::io_context;
    using boost::asio::execution_context::shutdown;
};

class shard {
public:
    shard(node& srv, std::size_t index) : srv_(srv), index_(index) {}

    node& server() noexcept { return srv_; }
    std::size_t index() const noexcept { return index_; }
    shard_context& context() noexcept { return ctx_; }
    boost::asio::any_io_executor executor() { return ctx_.get_executor(); }

    /// The shard whose thread is running now, or nullptr off-shard.
    static shard* current() noexcept;
    /// Called by the thread that runs this shard (nullptr when it stops).
    static void set_current(shard* s) noexcept;

    /// Plain EventSource streams served here (they have no Engine.IO session); the
    /// runtime ends them with "server shutting down".
    void add_stream(event_stream* s) { streams_.push_back(s); }
    void remove_stream(event_stream* s) { std::erase(streams_, s); }
    const std::vector<event_stream*>& streams() const noexcept { return streams_; }

    /// This shard's part of a namespace (created on first use).
    local_namespace& local(const namespace_state& ns);
    /// ...or nullptr if no socket of that namespace ever lived here.
    local_namespace* find_local(const namespace_state& ns) noexcept;

    /// Handlers, connection handlers and middlewares running on this shard now. A graceful
    /// stop waits for them (timeout_options::drain). Each holds a `task_guard`.
    std::size_t tasks_in_flight() const noexcept { return in_flight_; }
    class task_guard {
    public:
        explicit task_guard(shard& s) noexcept : s_(&s) { ++s.in_flight_; }
        task_guard(task_guard&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
        task_guard(const task_guard&) = delete;
        task_guard& operator=(const task_guard&) = delete;
        task_guard& operator=(task_guard&&) = delete;
        ~task_guard()
        {
            if (s_) {
                --s_->in_flight_;
            }
        }

    private:
        shard* s_;
    };

    /// Every deadline on this shard (core/shard_timers.hpp): sessions' heartbeats,
    /// transports' writes and closes, handlers that owe an ack.
    shard_timers& timers() noexcept { return timers_; }

    /// A fresh value for broadcast de-duplication (see local_namespace::for_each_target).
    std::uint64_t next_mark() noexcept { return ++mark_; }

    /// After the io_context stopped and its handlers were destroyed: drops the rooms.
    void clear() { locals_.clear(); }

private:
    node& srv_;
    std::size_t index_;
    shard_context ctx_{1};
    // After ctx_: its timer goes before the io_context. What is on it leaves when destroyed:
    // the handlers' frames at shard_context::shutdown, sessions with the engine's shard
    // (runtime/worker.hpp destroys that first), both before this.
    shard_timers timers_{ctx_.get_executor()};
    std::vector<std::unique_ptr<local_namespace>> locals_;
    std::vector<event_stream*> streams_;
    std::uint64_t mark_ = 0;
    std::size_t in_flight_ = 0;
};

} // namespace sb::detail
