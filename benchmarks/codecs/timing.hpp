#pragma once
/** @file
    Timing for the codec benchmark: warm up, then time rounds of a fixed iteration count
    and keep the fastest (the host is shared, so the best round is the least disturbed one).
    Rounds are timed in this thread's CPU time, so time spent descheduled by other load on
    the host does not count against either side. Results feed a volatile sink so the work
    cannot be optimised away.
*/
#include <cstdint>
#include <ctime>

namespace bench {

inline volatile std::uint64_t g_sink = 0;

/// CPU time consumed by the calling thread, in seconds.
inline double thread_cpu_seconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct measurement {
    double seconds = 0;
    std::uint64_t bytes = 0;
    std::uint64_t messages = 0; ///< or calls
    double mb_per_s() const { return static_cast<double>(bytes) / seconds / 1e6; }
    double msg_per_s() const { return static_cast<double>(messages) / seconds; }
    double ns_per_call() const { return seconds * 1e9 / static_cast<double>(messages); }
};

/// Runs `op(i)` (returning bytes processed) for a warm-up of `iterations / 10 + 1` calls.
template <class Op>
void warm_up(std::uint64_t iterations, Op&& op)
{
    for (std::uint64_t i = 0, n = iterations / 10 + 1; i < n; ++i)
        g_sink = g_sink + op(i);
}

/// One timed round of `iterations` calls of `op(i)`; `best` keeps the fastest round.
template <class Op>
void timed_round(std::uint64_t iterations, measurement& best, Op&& op)
{
    std::uint64_t bytes = 0;
    const double t0 = thread_cpu_seconds();
    for (std::uint64_t i = 0; i < iterations; ++i)
        bytes += op(i);
    const double seconds = thread_cpu_seconds() - t0;
    g_sink = g_sink + bytes;
    if (best.messages == 0 || seconds < best.seconds)
        best = measurement{seconds, bytes, iterations};
}

constexpr int rounds = 5; // rounds interleave the paths compared; the fastest round of each is kept

} // namespace bench
