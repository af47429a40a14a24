#pragma once
// The arena sample: game.rtdl's service, mounted at "/arena".
#include <switchboard.hpp>

#include <cstddef>
#include <string>

namespace game {

struct options {
    /// In-process bots seated in `bot_match` (they play whenever someone is watching:
    /// a room ticks while it has members).
    std::size_t bots = 0;
    std::string bot_match = "ARENA1";
    /// Seconds players get to answer the ready check before a round.
    std::uint32_t ready_seconds = 10;
};

/// The contract's connection-wide settings (heartbeat, idle timeout, buffers) into
/// `opts.engine`; call before constructing the server, which `mount` then accepts.
void configure(sb::server_options& opts);
void mount(sb::server& server, options o = {});

} // namespace game
