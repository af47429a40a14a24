#include "game/arena.hpp"

#include <algorithm>
#include <cmath>

namespace game {

namespace {

float clampf(float v, float lo, float hi) { return std::min(std::max(v, lo), hi); }

} // namespace

world::player* world::find(const user_id& user) noexcept
{
    for (auto& p : players_)
        if (p.user == user)
            return &p;
    return nullptr;
}

const world::player* world::find(const user_id& user) const noexcept
{
    return const_cast<world*>(this)->find(user);
}

arena::Vec2 world::spawn_point(arena::Team team, std::uint32_t id) const
{
    // Red on the left edge, blue on the right, spread vertically so players that join
    // together don't spawn on top of each other.
    const float x = team == arena::Team::red ? rules_.width * 0.1f : rules_.width * 0.9f;
    const float y = rules_.height * (0.2f + 0.6f * static_cast<float>(id % 7) / 6.f);
    return {x, y};
}

void world::respawn(player& p)
{
    p.pos = spawn_point(p.team, p.id);
    p.vel = {};
    p.hp = 100;
}

arena::Team world::join(const user_id& user)
{
    if (auto* p = find(user))
        return p->team;
    std::size_t red = 0;
    for (auto& p : players_)
        red += p.team == arena::Team::red;
    player p;
    p.user = user;
    p.id = next_id_++;
    p.team = red * 2 <= players_.size() ? arena::Team::red : arena::Team::blue;
    respawn(p);
    players_.push_back(std::move(p));
    return players_.back().team;
}

void world::leave(const user_id& user)
{
    std::erase_if(players_, [&](const player& p) { return p.user == user; });
}

void world::input(const user_id& user, const arena::PlayerInput& in)
{
    auto* p = find(user);
    if (!p || (p->any_input && in.seq <= p->last_seq))
        return;
    // Keep a bounded backlog: a client that floods (within its rate limit) can't grow
    // the world's memory; the newest inputs win.
    if (p->pending.size() >= 8)
        p->pending.erase(p->pending.begin());
    p->pending.push_back(in);
}

void world::apply(player& p, const arena::Action& a, tick_events& out)
{
    const float now = static_cast<float>(tick_) / static_cast<float>(rules_.tick_rate);
    if (auto* m = std::get_if<arena::Move>(&a.base())) {
        float dx = clampf(m->dx, -1.f, 1.f), dy = clampf(m->dy, -1.f, 1.f);
        const float len = std::sqrt(dx * dx + dy * dy);
        if (len > 1.f) {
            dx /= len;
            dy /= len;
        }
        p.vel = {dx * rules_.speed, dy * rules_.speed};
    }
    else if (auto* f = std::get_if<arena::Fire>(&a.base())) {
        if (now >= p.fire_ready_at) {
            p.fire_ready_at = now + rules_.fire_cooldown;
            fire(p, f->angle, out);
        }
    }
    else if (std::holds_alternative<arena::UseItem>(a.base())) {
        if (now >= p.heal_ready_at) {
            p.heal_ready_at = now + rules_.heal_cooldown;
            p.hp = std::min<std::uint32_t>(100, p.hp + rules_.heal_amount);
        }
    }
}

void world::fire(player& shooter, float angle, tick_events& out)
{
    // Hitscan: the nearest enemy whose circle the ray crosses within range.
    const float ux = std::cos(angle), uy = std::sin(angle);
    player* hit = nullptr;
    float best = rules_.fire_range;
    for (auto& p : players_) {
        if (p.team == shooter.team)
            continue;
        const float dx = p.pos.x - shooter.pos.x, dy = p.pos.y - shooter.pos.y;
        const float t = dx * ux + dy * uy;
        if (t <= 0.f || t > best)
            continue;
        const float px = dx - t * ux, py = dy - t * uy;
        if (px * px + py * py <= rules_.radius * rules_.radius) {
            best = t;
            hit = &p;
        }
    }
    if (!hit)
        return;
    if (hit->hp > rules_.fire_damage) {
        hit->hp -= rules_.fire_damage;
        return;
    }
    ++shooter.score;
    out.kills.push_back(arena::Killed{.killer = shooter.user, .victim = hit->user, .tick = tick_});
    respawn(*hit);
}

tick_events world::step()
{
    tick_events out;
    if (round_over_)
        return out;
    ++tick_;
    for (auto& p : players_) {
        for (auto& in : p.pending) {
            for (auto& a : in.actions)
                apply(p, a, out);
            p.last_seq = in.seq;
            p.any_input = true;
        }
        p.pending.clear();
    }
    const float dt = 1.f / static_cast<float>(rules_.tick_rate);
    for (auto& p : players_) {
        p.pos.x = clampf(p.pos.x + p.vel.x * dt, rules_.radius, rules_.width - rules_.radius);
        p.pos.y = clampf(p.pos.y + p.vel.y * dt, rules_.radius, rules_.height - rules_.radius);
    }
    std::int32_t red = 0, blue = 0;
    for (auto& p : players_)
        (p.team == arena::Team::red ? red : blue) += p.score;
    if (red >= rules_.kills_to_win || blue >= rules_.kills_to_win) {
        arena::MatchOver over{.winner = red >= rules_.kills_to_win ? arena::Team::red : arena::Team::blue, .scores = {}};
        for (auto& p : players_)
            over.scores[p.user] = p.score;
        out.over = std::move(over);
        round_over_ = true;
    }
    return out;
}

arena::Snapshot world::snapshot() const
{
    arena::Snapshot s;
    s.tick = tick_;
    // The contract caps a snapshot at 256 entities (the room's max_members is 256, so
    // this never bites in the app; it keeps a misconfigured room from sending an
    // invalid snapshot).
    for (auto& p : players_) {
        if (s.entities.size() == 256)
            break;
        s.entities.push_back(arena::EntityState{.id = p.id, .user = p.user, .pos = p.pos, .vel = p.vel, .hp = p.hp, .team = p.team});
        if (p.any_input)
            s.last_input[p.user] = p.last_seq;
    }
    return s;
}

void world::reset_round()
{
    round_over_ = false;
    for (auto& p : players_) {
        p.score = 0;
        p.pending.clear();
        respawn(p);
    }
}

} // namespace game
