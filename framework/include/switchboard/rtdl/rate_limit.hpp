#pragma once
/** @file
    The token buckets behind `rate N per S per connection|user|ip`.
*/
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sb_rtdl {

/// A token bucket that starts full: `rate_per_ms` tokens per millisecond, at most `burst`.
/// One per connection and event (`per connection`), checked on the connection's shard.
class token_bucket {
public:
    bool take(double rate_per_ms, double burst, std::chrono::steady_clock::time_point now) noexcept
    {
        refill(rate_per_ms, burst, now);
        if (tokens_ < 1.0)
            return false;
        tokens_ -= 1.0;
        return true;
    }
    /// True when the bucket is full again at `now` (forgetting it changes nothing).
    bool full(double rate_per_ms, double burst, std::chrono::steady_clock::time_point now) const noexcept
    {
        return !started_ ||
               tokens_ + std::chrono::duration<double, std::milli>(now - last_).count() * rate_per_ms >=
                   burst;
    }

private:
    void refill(double rate_per_ms, double burst, std::chrono::steady_clock::time_point now) noexcept
    {
        if (!started_) {
            tokens_ = burst;
            started_ = true;
        }
        else
            tokens_ =
                std::min(burst, tokens_ + std::chrono::duration<double, std::milli>(now - last_).count() *
                                              rate_per_ms);
        last_ = now;
    }

    double tokens_ = 0;
    std::chrono::steady_clock::time_point last_{};
    bool started_ = false;
};

/// The buckets of one `rate … per user|ip`, shared by connections on every shard (locked).
/// Buckets that have refilled are forgotten, so idle keys do not accumulate.
class shared_buckets {
public:
    bool take(const std::string& key, double rate_per_ms, double burst);

private:
    std::mutex mutex_;
    std::unordered_map<std::string, token_bucket> buckets_;
    std::size_t since_prune_ = 0;
};

} // namespace sb_rtdl
