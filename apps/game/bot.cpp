#include "game/bot.hpp"

#include <cmath>
#include <functional>

namespace game {

std::optional<arena::PlayerInput> bot_input(const arena::Snapshot& s, const user_id& me, std::uint32_t seq,
                                            const rules& r)
{
    const arena::EntityState* self = nullptr;
    for (auto& e : s.entities)
        if (e.user == me)
            self = &e;
    if (!self)
        return std::nullopt;
    const arena::EntityState* target = nullptr;
    float best = 1e30f;
    for (auto& e : s.entities) {
        if (e.team == self->team)
            continue;
        const float dx = e.pos.x - self->pos.x, dy = e.pos.y - self->pos.y, d = dx * dx + dy * dy;
        if (d < best) {
            best = d;
            target = &e;
        }
    }
    arena::PlayerInput in{.seq = seq, .client_tick = s.tick, .actions = {}};
    // A per-bot phase, so a crowd of bots doesn't move in lockstep.
    const auto phase = static_cast<float>(std::hash<std::string>{}(me) % 628) / 100.f;
    const float wobble = std::sin(static_cast<float>(s.tick) / 10.f + phase);
    if (!target) {
        in.actions.push_back(arena::Move{.dx = wobble, .dy = std::cos(static_cast<float>(s.tick) / 13.f + phase)});
        return in;
    }
    const float dx = target->pos.x - self->pos.x, dy = target->pos.y - self->pos.y;
    const float dist = std::sqrt(best);
    const float angle = std::atan2(dy, dx);
    // Close in to two thirds of the range, then strafe around the target.
    const float closing = dist > r.fire_range * 0.66f ? 1.f : 0.f;
    const float mx = closing * std::cos(angle) - wobble * std::sin(angle);
    const float my = closing * std::sin(angle) + wobble * std::cos(angle);
    in.actions.push_back(arena::Move{.dx = std::fmax(-1.f, std::fmin(1.f, mx)), .dy = std::fmax(-1.f, std::fmin(1.f, my))});
    if (dist <= r.fire_range && s.tick % 4 == 0) {
        const float a = angle < 0 ? angle + 6.2831853f : angle;
        in.actions.push_back(arena::Fire{.angle = std::fmin(a, 6.2832f)});
    }
    if (self->hp < 40)
        in.actions.push_back(arena::UseItem{.slot = 0});
    return in;
}

} // namespace game
