#pragma once
/// @file Many clients spread over the shards, connected a bounded number at a time.
#include "shards.hpp"
#include "sio_client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace loadgen {

/// What each client of a launch does.
struct client_plan {
    /// Runs once the client is connected; the connector waits for it before opening another
    /// client, so it bounds the join storm too. May be empty.
    std::function<boost::asio::awaitable<boost::system::error_code>(sio_client&)> setup;
    /// Then spawned on the client's shard; it owns the client's traffic until the client is closed.
    std::function<boost::asio::awaitable<void>(std::shared_ptr<sio_client>, std::size_t shard)> run;
    /// The CONNECT packet of client `index` (0, 1, … in launch order), when not `0` (the
    /// `/` namespace without auth). May be empty.
    std::function<std::string(std::size_t index)> connect{};
};

/** The clients of one run.

    Handshakes are bounded (`concurrency` in flight) because a burst of thousands of SYNs
    overflows a listen backlog (Node's is 511), and the retransmits would then take seconds.
*/
class fleet {
  public:
    fleet(shards& s, boost::asio::ip::tcp::endpoint ep,
          sio_client::transport transport = sio_client::transport::websocket);
    /// Client i connects to `eps[i % eps.size()]` (the nodes of a cluster).
    fleet(shards& s, std::vector<boost::asio::ip::tcp::endpoint> eps,
          sio_client::transport transport = sio_client::transport::websocket);

    /// Opens `count` more clients following `plan`, round-robin over the shards. Returns at once.
    void launch(std::size_t count, std::size_t concurrency, client_plan plan);

    /// Blocks until every launched client is ready or has failed, or `timeout` passes;
    /// true when all are ready.
    bool wait_ready(std::chrono::milliseconds timeout) const;

    std::size_t ready() const noexcept { return ready_.load(); }
    std::size_t failed() const noexcept { return failed_.load(); }
    /// What went wrong with the first client that failed to open or set up.
    std::string first_error() const;

    /// Closes every client on its own shard; their reads and writes end with `operation_aborted`.
    void close_all();

  private:
    boost::asio::awaitable<void> connector(std::shared_ptr<std::atomic<std::size_t>> next, std::size_t count,
                                           std::size_t shard, std::shared_ptr<const client_plan> plan);

    shards& shards_;
    std::vector<boost::asio::ip::tcp::endpoint> endpoints_;
    sio_client::transport transport_;
    std::atomic<std::size_t> launched_{0};
    std::atomic<std::size_t> ready_{0};
    std::atomic<std::size_t> failed_{0};
    std::atomic<std::uint64_t> seed_{1};
    std::vector<std::vector<std::shared_ptr<sio_client>>> clients_; // per shard, touched on that shard only
    mutable std::mutex error_mutex_;
    std::string first_error_;
};

} // namespace loadgen
