#include "core/node.hpp"

#include "core/ids.hpp"

#include <algorithm>
#include <chrono>

namespace sb::detail {


node::node(server_options opts) : opts_(std::move(opts)), epoch_(make_epoch()) {}

node::~node() = default;

void node::set_cluster_adapter(std::unique_ptr<sb::detail::adapter> a)
{
    cluster_adapter_ = std::move(a);
    adapter_ = cluster_adapter_ ? cluster_adapter_.get() : &local_;
}

void node::drop_adapter()
{
    adapter_ = &local_;
    cluster_adapter_.reset();
}

void node::start_adapter()
{
    std::lock_guard lock(ns_mutex_);
    for (auto& ns : namespaces_) {
        if (!ns->is_dynamic()) {
            adapter_->namespace_created(*ns);
        }
    }
    adapter_started_ = true;
    adapter_->start();
}

namespace_state& node::static_namespace(std::string_view name)
{
    std::lock_guard lock(ns_mutex_);
    if (auto it = static_.find(name); it != static_.end()) {
        return *it->second;
    }
    auto& ns = namespaces_.emplace_back(std::make_unique<namespace_state>(*this, std::string(name), namespaces_.size()));
    static_.emplace(std::string(name), ns.get());
    if (adapter_started_) {
        adapter_->namespace_created(*ns);
    }
    return *ns;
}

namespace_state& node::dynamic_namespace(std::string description, std::function<bool(std::string_view)> admits)
{
    std::lock_guard lock(ns_mutex_);
    auto& ns = namespaces_.emplace_back(std::make_unique<namespace_state>(*this, std::move(description), std::move(admits)));
    dynamic_.push_back(ns.get());
    return *ns;
}

namespace_state* node::resolve(std::string_view name, bool* limited)
{
    std::lock_guard lock(ns_mutex_);
    if (auto it = static_.find(name); it != static_.end()) {
        return it->second;
    }
    for (auto* parent : dynamic_) {
        if (parent->admits(name)) {
            const auto cap = opts_.socketio.max_dynamic_namespaces;
            if (cap != 0 && dynamic_children_ >= cap) {
                // Children are never freed: without a bound, clients naming ever new
                // namespaces would grow the server without end.
                if (limited) {
                    *limited = true;
                }
                return nullptr;
            }
            ++dynamic_children_;
            // A child joins the static map, so later CONNECTs find it directly.
            auto& child = namespaces_.emplace_back(
                std::make_unique<namespace_state>(*this, std::string(name), namespaces_.size(), parent));
            static_.emplace(std::string(name), child.get());
            parent->add_child(child.get());
            adapter_->namespace_created(*child);
            return child.get();
        }
    }
    return nullptr;
}

std::vector<namespace_state*> node::concrete_namespaces()
{
    std::lock_guard lock(ns_mutex_);
    std::vector<namespace_state*> out;
    for (const auto& ns : namespaces_) {
        if (!ns->is_dynamic()) {
            out.push_back(ns.get());
        }
    }
    return out;
}

namespace_state* node::find_namespace(std::string_view name)
{
    std::lock_guard lock(ns_mutex_);
    auto it = static_.find(name);
    return it == static_.end() ? nullptr : it->second;
}

} // namespace sb::detail

