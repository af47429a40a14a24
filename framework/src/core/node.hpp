#pragma once
// What core knows of the server: its options, its shards (each one io_context with its
// share of every namespace), its namespaces, its adapter and its counters. Shared by all
// shards, mostly read-only. The runtime (runtime/node.hpp) derives from it and
// adds the threads, acceptors and Engine.IO sessions.
#include "core/adapter.hpp"
#include "core/local_adapter.hpp"
#include "core/metrics.hpp"
#include "core/namespace_state.hpp"
#include "core/observer.hpp"
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

class node {
public:
    explicit node(server_options opts);
    virtual ~node();
    node(const node&) = delete;
    node& operator=(const node&) = delete;

    const server_options& options() const noexcept { return opts_; }
    /// This run's epoch: the first part of every event id (`<epoch>:<offset>`), so that
    /// ids from an earlier run of the server are told apart (lowercase base 36).
    const std::string& epoch() const noexcept { return epoch_; }
    /// The port the server listens on (set before the adapter starts: it advertises it).
    std::uint16_t listen_port() const noexcept { return listen_port_; }
    void set_listen_port(std::uint16_t p) noexcept { listen_port_ = p; }
    server_metrics& metrics() noexcept { return metrics_; }
    cluster_metrics& cluster() noexcept { return cluster_; }
    /// The tool watching sockets (core/observer.hpp), or nullptr (the default).
    sb::detail::observer* observer() const noexcept { return observer_; }
    /// Set before start; the observer outlives the shards.
    void set_observer(sb::detail::observer* o) noexcept { observer_ = o; }
    /// Whether a cluster adapter is configured (its counters appear at /metrics).
    bool clustered() const noexcept { return adapter_ != &local_; }

    /// Every operation that may reach other nodes goes through here (core/adapter.hpp).
    sb::detail::adapter& adapter() noexcept { return *adapter_; }
    /// This node's part of every operation.
    sb::detail::local_adapter& local() noexcept { return local_; }

    /// Every shard, in index order (owned by the runtime; registered before any namespace).
    const std::vector<shard*>& shards() noexcept { return shards_; }
    shard& shard_at(std::size_t i) { return *shards_.at(i); }

    namespace_state& static_namespace(std::string_view name);
    namespace_state& dynamic_namespace(std::string description, std::function<bool(std::string_view)> admits);
    /// The namespace a CONNECT for `name` joins: a static one, or a (new) child of the
    /// first dynamic namespace that admits it; nullptr when none ("Invalid namespace").
    /// The namespace a CONNECT names, creating a dynamic namespace's child on first use;
    /// nullptr if none matches, or (`limited` set) if a new child would pass
    /// `socketio_options::max_dynamic_namespaces`. Called from any shard.
    namespace_state* resolve(std::string_view name, bool* limited = nullptr);
    std::size_t namespace_count();
    /// Every concrete namespace (static ones and admitted children of dynamic ones), in
    /// creation order. A snapshot: namespaces are never destroyed while the node lives.
    std::vector<namespace_state*> concrete_namespaces();
    /// The static (or already admitted) namespace called `name`; nullptr if none. Never
    /// creates one. Called from any shard.
    namespace_state* find_namespace(std::string_view name);

    /// Runs `f(shard&)` on every shard: inline on the current one, posted to the others.
    template <typename F>
    void on_every_shard(F f);

protected:
    void add_shard(shard& s) { shards_.push_back(&s); }
    /// A cluster adapter instead of the local one (set before start).
    void set_cluster_adapter(std::unique_ptr<sb::detail::adapter> a);
    /// Tells the adapter about every static namespace, then starts it (before the shards run).
    void start_adapter();
    void stop_adapter() { adapter_->stop(); }
    /// Destroys a cluster adapter: after the shards' handlers are gone, before their
    /// io_contexts are (its sockets and timers live on them).
    void drop_adapter();

private:
    server_options opts_;
    std::string epoch_;
    std::uint16_t listen_port_ = 0;
    server_metrics metrics_;
    cluster_metrics cluster_;
    std::vector<shard*> shards_;
    std::mutex ns_mutex_;  // guards namespaces_ growth and static_ lookups made after start
    std::deque<std::unique_ptr<namespace_state>> namespaces_;
    std::map<std::string, namespace_state*, std::less<>> static_;
    std::size_t dynamic_children_ = 0;  // created by resolve(), bounded by max_dynamic_namespaces
    std::vector<namespace_state*> dynamic_;
    sb::detail::local_adapter local_{*this};
    std::unique_ptr<sb::detail::adapter> cluster_adapter_;  // null: one node
    sb::detail::adapter* adapter_ = &local_;
    sb::detail::observer* observer_ = nullptr;
    bool adapter_started_ = false;
};

} // namespace sb::detail

#include "core/impl/node.hpp"
