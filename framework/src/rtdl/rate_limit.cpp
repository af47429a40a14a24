#include <switchboard/rtdl/rate_limit.hpp>

#include <iterator>

namespace sb_rtdl {

bool shared_buckets::take(const std::string& key, double rate_per_ms, double burst)
{
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mutex_);
    // Past 1024 keys, every 256th take forgets the full buckets: bounded memory under
    // many one-off users or addresses, and no sweep on the common path.
    if (buckets_.size() >= 1024 && ++since_prune_ >= 256) {
        since_prune_ = 0;
        for (auto it = buckets_.begin(); it != buckets_.end();)
            it = it->second.full(rate_per_ms, burst, now) ? buckets_.erase(it) : std::next(it);
    }
    return buckets_[key].take(rate_per_ms, burst, now);
}

} // namespace sb_rtdl
