#include "core/namespace_state.hpp"

namespace sb::detail {

namespace_state::namespace_state(server_impl& srv, std::string name, std::size_t index, namespace_state* parent)
    : srv_(srv), name_(std::move(name)), index_(index), parent_(parent)
{
}

namespace_state::namespace_state(server_impl& srv, std::string description,
                                 std::function<bool(std::string_view)> admits)
    : srv_(srv), name_(std::move(description)), admits_(std::move(admits))
{
}

const event_handler* namespace_state::find_handler(const std::string& event) const
{
    const auto& h = parent_ ? parent_->handlers_ : handlers_;
    if (auto it = h.events.find(event); it != h.events.end()) {
        return &it->second;
    }
    return h.catch_all ? &h.catch_all : nullptr;
}

std::vector<namespace_state*> namespace_state::targets()
{
    if (!is_dynamic()) {
        return {this};
    }
    std::lock_guard lock(children_mutex_);
    return children_;
}

void namespace_state::add_child(namespace_state* child)
{
    std::lock_guard lock(children_mutex_);
    children_.push_back(child);
}

} // namespace sb::detail
