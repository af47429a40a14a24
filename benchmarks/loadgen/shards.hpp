#pragma once
/// @file One io_context per thread, so a client and everything it touches stay on one thread.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

namespace loadgen {

/** A fixed set of single-threaded io_contexts. A client lives on one shard for its whole life,
    so its state needs no locking; shards share only atomics. */
class shards {
  public:
    explicit shards(unsigned count);
    shards(const shards&) = delete;
    shards& operator=(const shards&) = delete;
    ~shards();

    std::size_t size() const noexcept { return contexts_.size(); }
    boost::asio::io_context& at(std::size_t i) noexcept { return *contexts_[i % contexts_.size()]; }

    /// Starts one thread per shard; they run until `finish()`.
    void start();

    /** Lets each shard's run() return once its work is done, waiting up to `grace_ms` for that,
        then stops whatever is left and joins the threads. Close the clients first. */
    void finish(int grace_ms);

  private:
    using guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;

    std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
    std::vector<guard> guards_;
    std::vector<std::thread> threads_;
};

} // namespace loadgen
