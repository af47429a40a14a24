#include "core/namespace_state.hpp"

#include "core/node.hpp"

namespace sb::detail {

namespace_state::namespace_state(node& srv, std::string name, std::size_t index, namespace_state* parent)
    : srv_(srv), name_(std::move(name)), index_(index), parent_(parent), log_(srv.shards().size(), srv.epoch())
{
}

namespace_state::namespace_state(node& srv, std::string description,
                                 std::function<bool(std::string_view)> admits)
    : srv_(srv), name_(std::move(description)), admits_(std::move(admits)), log_(srv.shards().size(), srv.epoch())
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

const recovery_options* namespace_state::recovery() const noexcept
{
    if (recovery_) {
        return &*recovery_;
    }
    if (parent_ && parent_->recovery_) {
        return &*parent_->recovery_;
    }
    const auto& o = srv_.options().socketio.connection_state_recovery;
    return o ? &*o : nullptr;
}

void namespace_state::add_history_rule(std::string pattern, history_options o)
{
    history_rules_.emplace_back(std::move(pattern), o);
}

namespace {

/// Glob match where `*` matches any run of characters (and nothing else is special).
bool glob(std::string_view pattern, std::string_view s)
{
    std::size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
    while (i < s.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = i;
        }
        else if (p < pattern.size() && pattern[p] == s[i]) {
            ++p;
            ++i;
        }
        else if (star != std::string_view::npos) {
            p = star + 1;
            i = ++mark;
        }
        else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

} // namespace

const history_options* namespace_state::history_rule(std::string_view room) const
{
    const auto& rules = parent_ ? parent_->history_rules_ : history_rules_;
    for (const auto& [pattern, o] : rules) {
        if (glob(pattern, room)) {
            return &o;
        }
    }
    return nullptr;
}

bool namespace_state::has_history_rules() const noexcept
{
    return !(parent_ ? parent_->history_rules_ : history_rules_).empty();
}

const eventsource_options* namespace_state::eventsource() const noexcept
{
    const auto& e = parent_ ? parent_->eventsource_ : eventsource_;
    return e.get();
}

} // namespace sb::detail
