// The arena's rules, driven tick by tick as the room's tick handler drives them.
#include "game/arena.hpp"
#include "game/bot.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace game;
namespace arena = acme::arena;

namespace {

arena::PlayerInput move(std::uint32_t seq, float dx, float dy)
{
    return arena::PlayerInput{.seq = seq, .client_tick = seq, .actions = {arena::Move{.dx = dx, .dy = dy}}};
}

arena::PlayerInput fire(std::uint32_t seq, float angle)
{
    return arena::PlayerInput{.seq = seq, .client_tick = seq, .actions = {arena::Fire{.angle = angle}}};
}

const arena::EntityState& entity(const arena::Snapshot& s, const std::string& user)
{
    for (auto& e : s.entities)
        if (e.user == user)
            return e;
    FAIL("no entity for " << user);
    throw;
}

} // namespace

TEST_CASE("arena: players are seated on the smaller team and rejoining keeps the seat")
{
    world w;
    CHECK(w.join("ann") == arena::Team::red);
    CHECK(w.join("bob") == arena::Team::blue);
    CHECK(w.join("cy") == arena::Team::red);
    CHECK(w.join("ann") == arena::Team::red);
    CHECK(w.size() == 3);
    w.leave("cy");
    CHECK(w.size() == 2);
    CHECK_FALSE(w.has("cy"));
}

TEST_CASE("arena: a move input sets velocity; positions integrate at the tick rate and stay in bounds")
{
    world w;
    w.join("ann");
    const auto start = entity(w.snapshot(), "ann").pos;
    w.input("ann", move(1, 1, 0));
    w.step();
    auto s = w.snapshot();
    CHECK(entity(s, "ann").pos.x == Approx(start.x + w.settings().speed / 20.f));
    CHECK(s.last_input.at("ann") == 1);
    CHECK(s.tick == 1);

    // A diagonal at full stick is not faster than a straight line.
    w.input("ann", move(2, 1, 1));
    w.step();
    const auto v = entity(w.snapshot(), "ann").vel;
    CHECK(std::sqrt(v.x * v.x + v.y * v.y) == Approx(w.settings().speed));

    // Walking into the wall for long stops at the wall.
    w.input("ann", move(3, -1, 0));
    for (int i = 0; i < 200; ++i)
        w.step();
    CHECK(entity(w.snapshot(), "ann").pos.x == Approx(w.settings().radius));
}

TEST_CASE("arena: stale and duplicate inputs are ignored; last_input reports the newest applied")
{
    world w;
    w.join("ann");
    w.input("ann", move(5, 1, 0));
    w.step();
    w.input("ann", move(4, -1, 0));  // older than 5: a reordered resend
    w.input("ann", move(5, -1, 0));  // a duplicate
    w.step();
    auto s = w.snapshot();
    CHECK(entity(s, "ann").vel.x > 0);
    CHECK(s.last_input.at("ann") == 5);
    // Inputs for someone who is not in the match change nothing.
    w.input("ghost", move(1, 1, 1));
    CHECK(w.step().kills.empty());
}

TEST_CASE("arena: shots hit the nearest enemy on the ray, with a cooldown; four hits kill and respawn")
{
    rules r;
    r.fire_cooldown = 0.f;
    world w{r};
    w.join("red1");
    w.join("blue1");
    // Put them on one horizontal line: move both to the top wall.
    w.input("red1", move(1, 0, -1));
    w.input("blue1", move(1, 0, -1));
    for (int i = 0; i < 100; ++i)
        w.step();
    const auto rp = entity(w.snapshot(), "red1").pos, bp = entity(w.snapshot(), "blue1").pos;
    REQUIRE(rp.y == Approx(bp.y));
    REQUIRE(bp.x - rp.x > w.settings().fire_range);  // too far: out of range
    w.input("red1", fire(2, 0.f));
    w.step();
    CHECK(entity(w.snapshot(), "blue1").hp == 100);

    // Walk closer, then fire east (angle 0) four times.
    w.input("red1", move(3, 1, 0));
    for (int i = 0; i < 40; ++i)
        w.step();
    w.input("red1", move(4, 0, 0));
    w.step();
    std::vector<arena::Killed> kills;
    for (std::uint32_t k = 0; k < 4; ++k) {
        w.input("red1", fire(5 + k, 0.f));
        auto ev = w.step();
        kills.insert(kills.end(), ev.kills.begin(), ev.kills.end());
        if (k < 3)
            CHECK(entity(w.snapshot(), "blue1").hp == 100 - 25 * (k + 1));
    }
    REQUIRE(kills.size() == 1);
    CHECK(kills[0].killer == "red1");
    CHECK(kills[0].victim == "blue1");
    CHECK(entity(w.snapshot(), "blue1").hp == 100);  // respawned
    // Shooting the other way hits nothing.
    w.input("red1", fire(9, 3.14159f));
    w.step();
    CHECK(entity(w.snapshot(), "blue1").hp == 100);
}

TEST_CASE("arena: the round ends at kills_to_win with every player's score, and a reset starts over")
{
    rules r;
    r.fire_cooldown = 0.f;
    r.fire_damage = 100;
    r.kills_to_win = 2;
    world w{r};
    w.join("a");
    w.join("b");
    // Same spawn slot index differs by id; bring both to the top wall, then close in.
    w.input("a", move(1, 0, -1));
    w.input("b", move(1, 0, -1));
    for (int i = 0; i < 100; ++i)
        w.step();
    w.input("a", move(2, 1, 0));
    for (int i = 0; i < 40; ++i)
        w.step();
    w.input("a", move(3, 0, 0));
    w.step();
    w.input("a", fire(4, 0.f));
    auto first = w.step();
    REQUIRE(first.kills.size() == 1);
    CHECK_FALSE(first.over);
    // b respawned at its spawn: bring it back to the line and shoot again.
    w.input("b", move(2, 0, -1));
    for (int i = 0; i < 100; ++i)
        w.step();
    w.input("b", move(3, 0, 0));
    w.input("a", fire(5, 0.f));
    auto second = w.step();
    REQUIRE(second.over);
    CHECK(second.over->winner == arena::Team::red);
    CHECK(second.over->scores.at("a") == 2);
    CHECK(second.over->scores.at("b") == 0);
    // After the end nothing moves until the next round.
    const auto t = w.tick();
    w.step();
    CHECK(w.tick() == t);
    w.reset_round();
    w.step();
    CHECK(w.tick() == t + 1);
}

TEST_CASE("arena: a snapshot round-trips through the contract's codec")
{
    world w;
    w.join("ann");
    w.join("bob");
    w.input("ann", move(1, 0.5f, 0));
    w.step();
    const auto s = w.snapshot();
    const auto json = acme::arena::to_json(s);
    arena::Snapshot back;
    const auto err = acme::arena::decode(json, back);
    REQUIRE_FALSE(err);
    CHECK(back == s);
}

TEST_CASE("arena: bots find each other and fight; their inputs are valid for the contract")
{
    world w;
    for (auto name : {"bot-1", "bot-2", "bot-3", "bot-4"})
        w.join(name);
    std::size_t kills = 0;
    for (std::uint32_t t = 1; t <= 20 * 120 && !w.round_over(); ++t) {
        const auto s = w.snapshot();
        for (auto name : {"bot-1", "bot-2", "bot-3", "bot-4"}) {
            auto in = bot_input(s, name, t);
            REQUIRE(in);
            arena::PlayerInput back;
            REQUIRE_FALSE(acme::arena::decode(acme::arena::to_json(*in), back));
            w.input(name, *in);
        }
        kills += w.step().kills.size();
    }
    CHECK(kills > 0);
    CHECK_FALSE(bot_input(w.snapshot(), "nobody", 1));
}
