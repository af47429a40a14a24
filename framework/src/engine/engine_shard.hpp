#pragma once
// A shard as the engine sees it: the Engine.IO sessions it owns, the corking of their
// writes, and what the engine needs of the server around it (`engine_host`, which the
// runtime implements). Touched only from the shard's thread.
#include "core/metrics.hpp"
#include "core/shard.hpp"
#include "core/shard_timers.hpp"
#include "engine/poll_waiter.hpp"
#include "net/http.hpp"

#include <switchboard/options.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sb::detail {

class session;
class deferred_flush;
class client_limits;
class engine_shard;

/// What the engine needs of the server: options, counters, the other shards, and the
/// two acts that belong to the layers around it.
class engine_host {
public:
    virtual const server_options& options() const noexcept = 0;
    virtual server_metrics& metrics() noexcept = 0;
    virtual std::size_t shard_count() const noexcept = 0;
    virtual engine_shard& engine_shard_at(std::size_t i) = 0;
    /// The caps on sessions and streams, shared by every shard.
    virtual client_limits& limits() noexcept = 0;
    /// Gives a new session its Socket.IO layer.
    virtual void attach_client(session& s) = 0;
    /// Moves a connection to the shard that owns the session it asks for.
    virtual void hand_over(engine_shard& target, boost::asio::ip::tcp::socket& sock, boost::beast::flat_buffer& buffer,
                           http_request req) = 0;
    /// This node's tag in session ids ("" when requests are never forwarded).
    virtual const std::string& node_tag() const noexcept = 0;
    /// Where the node tagged `tag` takes forwarded requests ("host:port"), if known.
    virtual boost::asio::awaitable<std::optional<std::string>> node_address(std::string tag) = 0;

protected:
    ~engine_host() = default;
};

class engine_shard {
public:
    engine_shard(engine_host& host, shard& exec) : host_(host), exec_(exec) {}

    engine_host& server() noexcept { return host_; }
    /// The core shard this one runs on (its io_context, its sockets and rooms).
    shard& core() noexcept { return exec_; }
    std::size_t index() const noexcept { return exec_.index(); }
    shard_context& context() noexcept { return exec_.context(); }

    // Engine.IO sessions owned by this shard, by sid.
    std::shared_ptr<session> find_session(std::string_view sid) const;
    void add_session(std::shared_ptr<session> s);
    void remove_session(std::string_view sid);
    std::size_t session_count() const noexcept { return sessions_.size(); }
    std::vector<std::shared_ptr<session>> sessions() const;

    /** Flushes `t` once the handlers already queued on this shard have run, so that what
        several consecutive broadcasts queue for one client leaves in one write (corking,
        as uWebSockets does): on loopback most of a fan-out's cost is the kernel's send
        path, paid per write, not per message. One post per shard per batch. */
    void defer_flush(std::shared_ptr<deferred_flush> t);

    /** Has `w` answer `s`'s long poll where defer_flush would flush: with what the rest of
        the turn queues, in the batch that already runs, without a post of its own. */
    void defer_resume(std::unique_ptr<poll_waiter> w, std::shared_ptr<session> s);

    /// After the io_context's handlers were destroyed: the waiting polls, whose coroutine
    /// frames hold their sessions (their destruction is posted: run the loop's shutdown
    /// again after this).
    void drop_waiters();

    /// Then: drops the sessions.
    void clear() { sessions_.clear(); }

    /** The shard's one receive buffer (uWebSockets' idea): a websocket waits for
        readability with no buffer of its own and reads into this one, then keeps only an
        incomplete frame's bytes; an HTTP connection's first read of a request lands here too
        (runtime/http_connection.cpp). An idle connection holds no receive memory. Valid on
        the shard's thread, until the next suspension. */
    std::span<char> receive_buffer() noexcept { return {receive_.get(), receive_size}; }

    /// The core shard's timers (core/shard_timers.hpp), which outlive every session.
    shard_timers& timers() noexcept { return exec_.timers(); }

private:
    static constexpr std::size_t receive_size = 64 * 1024;
    std::unique_ptr<char[]> receive_ = std::make_unique_for_overwrite<char[]>(receive_size);
    engine_host& host_;
    shard& exec_;
    // Keyed by a view of the session's own sid: a key copy was ~64 B of every connection
    // (a 20-character id is past the short-string buffer).
    std::unordered_map<std::string_view, std::shared_ptr<session>> sessions_;
    std::vector<std::shared_ptr<deferred_flush>> dirty_;  // awaiting a deferred flush
    std::vector<std::shared_ptr<deferred_flush>> flushing_;
    struct due_poll {
        std::unique_ptr<poll_waiter> waiter;
        std::shared_ptr<session> s;
    };
    std::vector<due_poll> resumes_;  // awaiting defer_resume's turn
    std::vector<due_poll> resuming_;
    bool flush_posted_ = false;
    void post_flush();
};

} // namespace sb::detail
