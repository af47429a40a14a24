#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>

namespace loadgen {

namespace {

constexpr unsigned sub_bits = 6; // 64 buckets per power of two
constexpr std::uint64_t sub_count = 1u << sub_bits;
constexpr std::size_t bucket_count = sub_count * (64 - sub_bits + 1);

std::size_t index_of(std::uint64_t v) noexcept
{
    if (v < 2 * sub_count) {
        return static_cast<std::size_t>(v);
    }
    // Shift v into [64, 128); the shift picks the row, the remaining bits the column.
    const unsigned shift = static_cast<unsigned>(std::bit_width(v)) - (sub_bits + 1);
    return (shift + 1) * sub_count + static_cast<std::size_t>((v >> shift) - sub_count);
}

/// The middle of a bucket's range, the best single guess for any sample in it.
std::uint64_t value_of(std::size_t index) noexcept
{
    if (index < 2 * sub_count) {
        return index;
    }
    const unsigned shift = static_cast<unsigned>(index / sub_count) - 1;
    const std::uint64_t low = (index % sub_count + sub_count) << shift;
    return low + ((std::uint64_t{1} << shift) >> 1);
}

} // namespace

latency_histogram::latency_histogram() : buckets_(bucket_count, 0) {}

void latency_histogram::record(std::uint64_t ns) noexcept
{
    ++buckets_[index_of(ns)];
    ++count_;
    max_ = std::max(max_, ns);
}

void latency_histogram::merge(const latency_histogram& other)
{
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        buckets_[i] += other.buckets_[i];
    }
    count_ += other.count_;
    max_ = std::max(max_, other.max_);
}

std::uint64_t latency_histogram::quantile(double q) const noexcept
{
    if (count_ == 0) {
        return 0;
    }
    const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count_ - 1)) + 1;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        seen += buckets_[i];
        if (seen >= rank) {
            return std::min(value_of(i), max_);
        }
    }
    return max_;
}

} // namespace loadgen
