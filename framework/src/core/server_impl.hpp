#pragma once
// The server's shared, mostly read-only state: options, shards, namespaces, counters.
#include "core/adapter.hpp"
#include "core/local_adapter.hpp"
#include "core/namespace_state.hpp"
#include "core/shard.hpp"

#include <switchboard/options.hpp>

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sb::detail {

/// Counters exported at /metrics. Relaxed atomics: they are statistics, not state.
struct server_metrics {
    std::atomic<std::uint64_t> sessions_opened{0};
    std::atomic<std::uint64_t> sessions_closed{0};
    std::atomic<std::uint64_t> packets_received{0};
    std::atomic<std::uint64_t> events_dispatched{0};
    std::atomic<std::uint64_t> broadcasts{0};
    std::atomic<std::uint64_t> volatile_dropped{0};
    std::atomic<std::uint64_t> slow_client_disconnects{0};
    std::atomic<std::uint64_t> bad_requests{0};
};

/// Counters of a cluster adapter, exported at /metrics beside the server's.
struct cluster_metrics {
    std::atomic<std::uint64_t> published{0};         ///< messages sent to other nodes
    std::atomic<std::uint64_t> received{0};          ///< messages from other nodes acted on
    std::atomic<std::uint64_t> publish_dropped{0};   ///< not sent: the bus was down
    std::atomic<std::uint64_t> bad_messages{0};      ///< undecodable or oversized, dropped
    std::atomic<std::uint64_t> reconnects{0};        ///< connections re-established
    std::atomic<std::uint64_t> request_timeouts{0};  ///< requests answered partially
    std::atomic<int> connected{0};                   ///< 1 while the subscriber is up
};

class session;

class server_impl {
public:
    explicit server_impl(server_options opts);
    ~server_impl();

    const server_options& options() const noexcept { return opts_; }
    /// This run's epoch: the first part of every event id (`<epoch>:<offset>`), so that
    /// ids from an earlier run of the server are told apart (lowercase base 36).
    const std::string& epoch() const noexcept { return epoch_; }
    server_metrics& metrics() noexcept { return metrics_; }
    cluster_metrics& cluster() noexcept { return cluster_; }
    /// Whether a cluster adapter is configured (its counters appear at /metrics).
    bool clustered() const noexcept { return adapter_ != &local_; }

    /// Every operation that may reach other nodes goes through here (core/adapter.hpp).
    sb::detail::adapter& adapter() noexcept { return *adapter_; }
    /// This node's part of every operation.
    sb::detail::local_adapter& local() noexcept { return local_; }

    std::vector<std::unique_ptr<shard>>& shards() noexcept { return shards_; }
    shard& shard_at(std::size_t i) { return *shards_.at(i); }

    namespace_state& static_namespace(std::string_view name);
    namespace_state& dynamic_namespace(std::string description, std::function<bool(std::string_view)> admits);
    /// The namespace a CONNECT for `name` joins: a static one, or a (new) child of the
    /// first dynamic namespace that admits it; nullptr when none ("Invalid namespace").
    /// Called from any shard.
    namespace_state* resolve(std::string_view name);
    std::size_t namespace_count();
    /// The static (or already admitted) namespace called `name`; nullptr if none. Never
    /// creates one. Called from any shard.
    namespace_state* find_namespace(std::string_view name);

    /// Gives a new Engine.IO session its Socket.IO layer (core/client.hpp).
    void attach_client(session& s);

    /// Runs `f(shard&)` on every shard: inline on the current one, posted to the others.
    template <typename F>
    void on_every_shard(F f);

    void start();
    void stop();
    void wait();
    std::uint16_t port() const noexcept { return port_; }
    bool stopping() const noexcept { return stopping_.load(std::memory_order_relaxed); }

private:
    server_options opts_;
    std::string epoch_;
    server_metrics metrics_;
    cluster_metrics cluster_;
    std::vector<std::unique_ptr<shard>> shards_;
    std::mutex ns_mutex_;  // guards namespaces_ growth and static_ lookups made after start
    std::deque<std::unique_ptr<namespace_state>> namespaces_;
    std::map<std::string, namespace_state*, std::less<>> static_;
    std::vector<namespace_state*> dynamic_;
    sb::detail::local_adapter local_{*this};
    std::unique_ptr<sb::detail::adapter> cluster_adapter_;  // null: one node
    sb::detail::adapter* adapter_ = &local_;
    std::uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    bool started_ = false;
};

} // namespace sb::detail

#include "core/impl/server_impl.hpp"
