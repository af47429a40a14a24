#pragma once
/// @file Per-shard counters: written by the shard's thread alone, read by the main thread.
#include "latency_histogram.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace loadgen {

/// Counts one shard's traffic. A cache line apart from the others' so the shards never share one.
struct alignas(64) shard_stats {
    std::atomic<std::uint64_t> events{0};      ///< messages delivered (fanout) or acks received (echo)
    std::atomic<std::uint64_t> gaps{0};        ///< fanout: a sequence number that did not follow the last
    std::atomic<std::uint64_t> disconnects{0}; ///< clients the server dropped during the run
    latency_histogram latency;                 ///< read only after the shard's thread has stopped

    /// Adds to a counter. Only the shard's own thread writes, so a relaxed load and store is
    /// enough and avoids a locked instruction per message.
    static void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) noexcept
    {
        counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
};

/// One `shard_stats` per shard.
class stats_table {
  public:
    explicit stats_table(std::size_t shards)
    {
        for (std::size_t i = 0; i < shards; ++i) {
            rows_.push_back(std::make_unique<shard_stats>());
        }
    }

    shard_stats& operator[](std::size_t shard) noexcept { return *rows_[shard]; }

    /// Sums one counter over the shards.
    std::uint64_t sum(std::atomic<std::uint64_t> shard_stats::*counter) const noexcept
    {
        std::uint64_t total = 0;
        for (const auto& row : rows_) {
            total += ((*row).*counter).load(std::memory_order_relaxed);
        }
        return total;
    }

    /// All shards' latencies; call after the shards have stopped.
    latency_histogram merged_latency() const
    {
        latency_histogram all;
        for (const auto& row : rows_) {
            all.merge(row->latency);
        }
        return all;
    }

  private:
    std::vector<std::unique_ptr<shard_stats>> rows_;
};

} // namespace loadgen
