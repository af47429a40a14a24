#pragma once
// The arena's rules: a deterministic world advanced one fixed tick at a time. No I/O and
// no clock: the room's tick handler feeds it inputs and `step()`s it, and what comes out
// (a snapshot, kills, the end of a round) is what the handler emits. Tests drive it the
// same way, so the game logic is tested without a socket.
//
// The types are the contract's (game.rtdl): a snapshot leaves as it is built.
#include "game.rtdl.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace game {

namespace arena = acme::arena;
using user_id = acme::common::UserId;

/// The world's fixed numbers. Units are arbitrary "pixels"; the page draws 1:1.
struct rules {
    float width = 960.f;
    float height = 540.f;
    float speed = 220.f;           ///< per second at full stick
    float radius = 14.f;           ///< of a player, for hits and walls
    float fire_range = 420.f;
    float fire_cooldown = 0.4f;    ///< seconds
    std::uint32_t fire_damage = 25;
    float heal_cooldown = 5.f;
    std::uint32_t heal_amount = 30;
    std::int32_t kills_to_win = 10;
    std::uint32_t tick_rate = 20;  ///< Hz; dt = 1 / tick_rate
};

/// What one tick produced besides the snapshot.
struct tick_events {
    std::vector<arena::Killed> kills;
    std::optional<arena::MatchOver> over;
};

class world {
public:
    explicit world(rules r = {}) : rules_(r) {}

    const rules& settings() const noexcept { return rules_; }

    /// Seats a player on the smaller team (ties: red) at that team's spawn; returns its
    /// team. Joining twice keeps the seat.
    arena::Team join(const user_id& user);
    void leave(const user_id& user);
    bool has(const user_id& user) const noexcept { return find(user) != nullptr; }
    std::size_t size() const noexcept { return players_.size(); }

    /// Queues a client's input for the next tick. An input whose `seq` is not newer than
    /// the last one applied is stale (a resend, or reordered) and is ignored.
    void input(const user_id& user, const arena::PlayerInput& in);

    /// Advances one tick (1 / tick_rate seconds): applies queued inputs in order, moves
    /// everyone, resolves shots and heals, and ends the round at `kills_to_win`.
    tick_events step();

    /// The whole world now, as the `snapshot` event carries it.
    arena::Snapshot snapshot() const;

    /// Starts a new round: scores to zero, everyone respawned at full health.
    void reset_round();

    std::uint32_t tick() const noexcept { return tick_; }
    /// True after `step()` produced a MatchOver, until `reset_round()`.
    bool round_over() const noexcept { return round_over_; }

private:
    struct player {
        user_id user;
        std::uint32_t id = 0;
        arena::Team team = arena::Team::red;
        arena::Vec2 pos{};
        arena::Vec2 vel{};
        std::uint32_t hp = 100;
        std::int32_t score = 0;
        std::uint32_t last_seq = 0;
        bool any_input = false;
        float fire_ready_at = 0.f;  ///< world time, seconds
        float heal_ready_at = 0.f;
        std::vector<arena::PlayerInput> pending;
    };

    player* find(const user_id& user) noexcept;
    const player* find(const user_id& user) const noexcept;
    arena::Vec2 spawn_point(arena::Team team, std::uint32_t id) const;
    void respawn(player& p);
    void apply(player& p, const arena::Action& a, tick_events& out);
    void fire(player& shooter, float angle, tick_events& out);

    rules rules_;
    std::vector<player> players_;
    std::uint32_t next_id_ = 1;
    std::uint32_t tick_ = 0;
    bool round_over_ = false;
};

} // namespace game
