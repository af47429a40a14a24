#pragma once
// What a namespace is, shared by all shards: its name, handlers and ack-id counter.
// Configured before the server starts and read-only afterwards (dynamic namespaces'
// children are the one thing created later, under `children_mutex_`). Per-shard state
// (sockets, rooms) is in local_namespace.
#include "core/event_log.hpp"

#include <switchboard/namespace.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sb::detail {

class node;

struct namespace_handlers {
    std::vector<middleware> middlewares;
    connection_handler on_connection;
    std::unordered_map<std::string, event_handler> events;
    event_handler catch_all;
    disconnect_handler on_disconnecting;
    disconnect_handler on_disconnect;
    std::unordered_map<std::string, server_event_handler> server_events;
    members_lost_handler on_members_lost;
};

class namespace_state {
public:
    /// A concrete namespace. `parent` is the dynamic namespace that admitted it, if any.
    namespace_state(node& srv, std::string name, std::size_t index, namespace_state* parent = nullptr);
    /// A dynamic namespace (a "parent"): `admits(name)` decides membership.
    namespace_state(node& srv, std::string description, std::function<bool(std::string_view)> admits);

    node& server() noexcept { return srv_; }
    const std::string& name() const noexcept { return name_; }
    std::size_t index() const noexcept { return index_; }
    bool is_dynamic() const noexcept { return static_cast<bool>(admits_); }
    bool admits(std::string_view name) const { return admits_ && admits_(name); }

    /// Handlers: a child of a dynamic namespace uses its parent's.
    namespace_handlers& handlers() noexcept { return parent_ ? parent_->handlers_ : handlers_; }
    const event_handler* find_handler(const std::string& event) const;

    /// Ack ids are per namespace (as in Socket.IO), so a broadcast's one id is unique on every socket.
    std::uint64_t next_ack_id() noexcept { return next_ack_id_.fetch_add(1, std::memory_order_relaxed); }

    /// Children of a dynamic namespace (snapshot); a concrete namespace returns itself.
    std::vector<namespace_state*> targets();
    void add_child(namespace_state* child);

    // ---- catching up: recovery, room histories, EventSource (configured before start) --
    /// Connection state recovery: this namespace's (or its dynamic parent's) setting,
    /// else the server's; nullptr when off.
    const recovery_options* recovery() const noexcept;
    void set_recovery(recovery_options o) { recovery_ = o; }
    void add_history_rule(std::string pattern, history_options o);
    /// The options of the first history rule matching `room`; nullptr: no history.
    const history_options* history_rule(std::string_view room) const;
    bool has_history_rules() const noexcept;
    void set_eventsource(eventsource_options o) { eventsource_ = std::make_shared<eventsource_options>(std::move(o)); }
    /// The plain EventSource endpoint's options; nullptr when the namespace has none.
    const eventsource_options* eventsource() const noexcept;
    /// Presence: this namespace's (or its dynamic parent's); nullptr when off.
    const presence_options* presence() const noexcept
    {
        return presence_ ? &*presence_ : parent_ && parent_->presence_ ? &*parent_->presence_ : nullptr;
    }
    void set_presence(presence_options o) { presence_ = o; }
    /// The replay log, shared by all shards (mutex inside; see event_log.hpp).
    event_log& log() noexcept { return log_; }

    /// The cluster adapter's state for this namespace (set once, in
    /// `adapter::namespace_created`), read lock-free by every shard on every emit.
    void* adapter_slot() const noexcept { return adapter_slot_.load(std::memory_order_acquire); }
    void set_adapter_slot(void* p) noexcept { adapter_slot_.store(p, std::memory_order_release); }

private:
    node& srv_;
    std::string name_;
    std::size_t index_ = 0;
    namespace_state* parent_ = nullptr;
    std::function<bool(std::string_view)> admits_;
    namespace_handlers handlers_;
    std::atomic<std::uint64_t> next_ack_id_{0};
    std::mutex children_mutex_;
    std::vector<namespace_state*> children_;
    std::optional<recovery_options> recovery_;
    std::optional<presence_options> presence_;
    std::vector<std::pair<std::string, history_options>> history_rules_;
    std::shared_ptr<eventsource_options> eventsource_;
    event_log log_;
    std::atomic<void*> adapter_slot_{nullptr};
};

} // namespace sb::detail
