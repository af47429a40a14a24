#pragma once
// A shard: one io_context, one thread, and everything that lives on it — the Engine.IO
// sessions it owns and, per namespace, its local sockets and rooms. Nothing here is
// touched from another thread: other shards reach it by posting to `ctx`.
#include "core/local_namespace.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace sb::detail {

class server_impl;
class session;
class namespace_state;
class deferred_flush;
class event_stream;

/// An io_context whose shutdown (which destroys every pending handler) can run apart from
/// its destruction: handlers queued on one shard may own I/O objects of another (a
/// broadcast job owns its ack collector's timer, on the emitter's shard), so every
/// shard's handlers must be gone before any shard's io_context is (server_impl::~server_impl).
class shard_context : public boost::asio::io_context {
public:
    using io_context::io_context;
    using boost::asio::execution_context::shutdown;
};

class shard {
public:
    shard(server_impl& srv, std::size_t index);
    ~shard();

    server_impl& server() noexcept { return srv_; }
    std::size_t index() const noexcept { return index_; }
    boost::asio::io_context& context() noexcept { return ctx_; }
    boost::asio::any_io_executor executor() { return ctx_.get_executor(); }

    /// The shard whose thread is running now, or nullptr off-shard.
    static shard* current() noexcept;

    // Engine.IO sessions owned by this shard, by sid.
    std::shared_ptr<session> find_session(const std::string& sid) const;
    void add_session(std::shared_ptr<session> s);
    void remove_session(const std::string& sid);
    std::size_t session_count() const noexcept { return sessions_.size(); }
    std::vector<std::shared_ptr<session>> sessions() const;

    /// Plain EventSource streams served here (they have no Engine.IO session); `stop()`
    /// ends them with "server shutting down".
    void add_stream(event_stream* s) { streams_.push_back(s); }
    void remove_stream(event_stream* s) { std::erase(streams_, s); }

    /// This shard's part of a namespace (created on first use).
    local_namespace& local(const namespace_state& ns);
    /// ...or nullptr if no socket of that namespace ever lived here.
    local_namespace* find_local(const namespace_state& ns) noexcept;

    /** Flushes `t` once the handlers already queued on this shard have run, so that what
        several consecutive broadcasts queue for one client leaves in one write (corking,
        as uWebSockets does): on loopback most of a fan-out's cost is the kernel's send
        path, paid per write, not per message. One post per shard per batch. */
    void defer_flush(std::shared_ptr<deferred_flush> t);

    /// A fresh value for broadcast de-duplication (see local_namespace::for_each_target).
    std::uint64_t next_mark() noexcept { return ++mark_; }

    /// Binds the shard's acceptor (SO_REUSEPORT: the kernel spreads connections).
    void listen(const boost::asio::ip::tcp::endpoint& ep);
    std::uint16_t local_port() const;
    /// Starts the thread: accept loop + io_context::run().
    void start();
    /// Asks the shard to close its sessions and stop; returns at once.
    void stop();
    void join();
    /// After join(): destroys the pending handlers, then the sessions and rooms, while
    /// every shard's io_context still exists. The shard is then only fit to be destroyed.
    void teardown();

private:
    void accept_loop();

    server_impl& srv_;
    std::size_t index_;
    shard_context ctx_{1};
    boost::asio::ip::tcp::acceptor acceptor_{ctx_};
    std::unordered_map<std::string, std::shared_ptr<session>> sessions_;
    std::vector<std::unique_ptr<local_namespace>> locals_;
    std::vector<event_stream*> streams_;
    std::uint64_t mark_ = 0;
    std::vector<std::shared_ptr<deferred_flush>> dirty_;  // awaiting a deferred flush
    std::vector<std::shared_ptr<deferred_flush>> flushing_;
    bool flush_posted_ = false;
    std::thread thread_;
};

} // namespace sb::detail
