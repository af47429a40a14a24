#pragma once
/// @file The load generator's one clock.
#include <chrono>
#include <cstdint>

namespace loadgen {

/** Nanoseconds since the process's first call, on the steady clock. Timestamps travel through
    the server as JSON numbers; starting near zero keeps them exact in a JavaScript double. */
inline std::uint64_t now_ns() noexcept
{
    static const auto epoch = std::chrono::steady_clock::now();
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - epoch)
            .count());
}

} // namespace loadgen
