#pragma once
// A map for the few entries one connection has (the namespaces it joined, or is
// joining): a vector of pairs searched in order. A std::map cost every connection 48 B
// empty and a tree node of ~80 B per entry; here one namespace is one pair in a vector.
// Iterates in insertion order, as socket.io's Map does.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sb::detail {

template <typename V>
class small_map {
public:
    using value_type = std::pair<std::string, V>;
    using iterator = typename std::vector<value_type>::iterator;
    using const_iterator = typename std::vector<value_type>::const_iterator;

    iterator begin() noexcept { return items_.begin(); }
    iterator end() noexcept { return items_.end(); }
    const_iterator begin() const noexcept { return items_.begin(); }
    const_iterator end() const noexcept { return items_.end(); }
    bool empty() const noexcept { return items_.empty(); }
    std::size_t size() const noexcept { return items_.size(); }
    void clear() noexcept { items_.clear(); }

    iterator find(std::string_view key)
    {
        return std::find_if(items_.begin(), items_.end(), [&](const value_type& e) { return e.first == key; });
    }
    bool contains(std::string_view key) const
    {
        return std::any_of(items_.begin(), items_.end(), [&](const value_type& e) { return e.first == key; });
    }
    /// Adds `key` unless present (as std::map::emplace); true if added.
    bool emplace(std::string key, V value)
    {
        if (contains(key)) {
            return false;
        }
        items_.emplace_back(std::move(key), std::move(value));
        return true;
    }
    void erase(iterator it) { items_.erase(it); }
    std::size_t erase(std::string_view key)
    {
        auto it = find(key);
        if (it == items_.end()) {
            return 0;
        }
        items_.erase(it);
        return 1;
    }

private:
    std::vector<value_type> items_;
};

} // namespace sb::detail
