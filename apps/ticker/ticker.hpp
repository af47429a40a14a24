#pragma once
// The ticker sample: ticker.rtdl's service at "/ticker". A simulated market pushes
// quotes and trades to symbol rooms; browsers read them with a bare EventSource
// (`/ticker/sse?symbols=AAPL,MSFT`) or the Socket.IO client (`subscribe`).
#include <switchboard.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace ticker {

struct options {
    std::size_t symbols = 50;
    std::uint64_t seed = 42;
    /// How often the market moves.
    std::chrono::milliseconds interval{200};
};

/// Mounts the namespace and returns the market's publisher, which runs until the
/// returned handle is destroyed (keep it alive as long as the server).
/// The contract's connection-wide settings (heartbeat, idle timeout, buffers) into
/// `opts.engine`; call before constructing the server, which `mount` then accepts.
void configure(sb::server_options& opts);
std::shared_ptr<void> mount(sb::server& server, options o = {});

} // namespace ticker
