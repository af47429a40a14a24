#pragma once
/// @file A fixed-size log-linear histogram of latencies in nanoseconds (HdrHistogram's layout, simplified).
#include <cstdint>
#include <vector>

namespace loadgen {

/** Records latencies in O(1) with no allocation, about 1.6% relative precision.

    Values below 128 ns are exact; above, every power of two is split into 64 buckets. Millions
    of samples per second cost one increment each, which a sorted vector could not afford.
*/
class latency_histogram {
  public:
    latency_histogram();

    void record(std::uint64_t ns) noexcept;
    void merge(const latency_histogram& other);

    std::uint64_t count() const noexcept { return count_; }
    std::uint64_t max() const noexcept { return max_; }
    /// The value at or below which a fraction `q` (0..1) of the samples lie; 0 when empty.
    std::uint64_t quantile(double q) const noexcept;

  private:
    std::vector<std::uint64_t> buckets_;
    std::uint64_t count_ = 0;
    std::uint64_t max_ = 0;
};

} // namespace loadgen
