#pragma once
// One shard's thread and listener: the core shard (its io_context, sockets and rooms),
// the engine shard (its Engine.IO sessions), the acceptor and the thread that runs them.
// Every worker binds the same port (SO_REUSEPORT) and the kernel spreads connections.
#include "core/shard.hpp"
#include "engine/engine_shard.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <thread>

namespace sb::detail {

class server_impl;

class worker {
public:
    worker(server_impl& srv, std::size_t index);
    ~worker();

    server_impl& server() noexcept { return srv_; }
    std::size_t index() const noexcept { return core_.index(); }
    shard& core() noexcept { return core_; }
    engine_shard& engine() noexcept { return engine_; }
    shard_context& context() noexcept { return core_.context(); }

    /// Binds the acceptor. Throws (with the OS's reason) when the address cannot be bound.
    void listen(const boost::asio::ip::tcp::endpoint& ep);
    std::uint16_t local_port() const;
    /// Starts the thread: accept loop + io_context::run().
    void start();
    /// Asks the shard to close its sessions and streams and stop; returns at once.
    void stop();
    void join();
    /// After join(): destroys the pending handlers, then the sessions and rooms, while
    /// every shard's io_context still exists. The worker is then only fit to be destroyed.
    void teardown();

private:
    void accept_loop();
    /// Stopping: waits (polling) until no task runs here or `deadline` passes, then closes.
    void drain(std::chrono::steady_clock::time_point deadline);
    void close_everything();
    void stop_when_closed(std::chrono::steady_clock::time_point deadline);

    server_impl& srv_;
    shard core_;
    engine_shard engine_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer accept_pause_;  // backs off accepting at the fd limit
    bool fd_warned_ = false;
    std::thread thread_;
};

} // namespace sb::detail
