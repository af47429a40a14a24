#include <switchboard/rtdl/tick_registry.hpp>

namespace sb_rtdl {

bool tick_registry::demand(const std::string& key)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, fresh] = loops_.try_emplace(key, 0);
    ++it->second;
    return fresh;
}

std::uint64_t tick_registry::epoch(const std::string& key)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = loops_.find(key);
    return it == loops_.end() ? 0 : it->second;
}

bool tick_registry::finish(const std::string& key, std::uint64_t epoch)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = loops_.find(key);
    if (it != loops_.end() && it->second != epoch)
        return false;
    if (it != loops_.end())
        loops_.erase(it);
    return true;
}

} // namespace sb_rtdl
