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

void mount(sb::server& server, options o = {});

} // namespace game
