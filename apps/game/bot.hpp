#pragma once
// A bot player's brain: from the snapshot it would receive, the input it would send.
// Pure and deterministic (its only randomness is derived from the tick and its name), so
// in-process demo bots and tests behave the same on every run.
#include "game/arena.hpp"

namespace game {

/// The input bot `me` sends after seeing `s`: it closes in on the nearest enemy while
/// strafing, fires when in range, and heals when hurt. Nothing if `me` is not in `s`.
std::optional<arena::PlayerInput> bot_input(const arena::Snapshot& s, const user_id& me, std::uint32_t seq,
                                            const rules& r = {});

} // namespace game
