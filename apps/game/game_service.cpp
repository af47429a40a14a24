// The arena's handlers over the generated `arena_service`. The world of each match is
// shared by its players' connections, which live on different shards (threads), and by
// the room's tick, so each match has a mutex; everything done under it is short (queue
// an input, step the world, copy a snapshot), and emits happen after it is released.
#include "game/game.hpp"
#include "app_common.hpp"

#include "game/arena.hpp"
#include "game/bot.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <map>
#include <mutex>

namespace game {

namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

std::int64_t now_us()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct match {
    std::mutex m;
    world w;
    bool started = false;  ///< a ready check has passed once
    bool checking = false; ///< a ready check is out
    std::vector<user_id> bots;
    std::uint32_t bot_seq = 0;
};

class arena_game final : public arena::arena_service, public std::enable_shared_from_this<arena_game> {
public:
    explicit arena_game(options o) : opts_(std::move(o))
    {
        if (opts_.bots == 0)
            return;
        auto m = get(opts_.bot_match, true);
        for (std::size_t i = 1; i <= opts_.bots; ++i) {
            m->bots.push_back("bot-" + std::to_string(i));
            m->w.join(m->bots.back());
        }
    }

    sb::task<sb_rtdl::verdict> authenticate(arena::arena_context& ctx, const sb_rtdl::lifecycle_event& ev) override
    {
        if (ev.phase == sb_rtdl::phase::disconnect) {
            leave_current(ctx);
            co_return sb_rtdl::verdict::allow();
        }
        // `auth: { user }` names the player; a real deployment would verify a token here.
        auto it = ctx.socket().auth().find("user");
        if (it == ctx.socket().auth().end() || !it->value().is_string() || !apps::valid_user_id(it->value().get_string()))
            co_return sb_rtdl::verdict::refuse("auth.user must be 1-64 of A-Za-z0-9_-", "unauthorized");
        ctx.set_user(std::string(it->value().get_string()));
        net::co_spawn(ctx.socket().executor(), ping_loop(ctx), net::detached);
        co_return sb_rtdl::verdict::allow();
    }

    sb::task<sb_rtdl::result<arena::MatchJoined>> on_join_match(arena::arena_context& ctx, arena::JoinMatch msg) override
    {
        leave_current(ctx);
        const arena::match_room room{msg.match_id};
        auto joined = co_await ctx.try_join(room);
        if (!joined)
            co_return sb::app_error{joined.wire_code(), joined.message};
        auto m = get(msg.match_id, true);
        arena::MatchJoined out;
        {
            std::lock_guard lock(m->m);
            out.team = m->w.join(ctx.user_id());
            out.tick_rate = m->w.settings().tick_rate;
            out.snapshot = m->w.snapshot();
        }
        ctx.socket().data = boost::json::object{{"match", msg.match_id}};
        co_return out;
    }

    sb::task<sb_rtdl::join_decision> on_join_match(arena::arena_context& ctx, const arena::match_room&) override
    {
        // Seats are checked by the contract's max_members; a player needs a name.
        co_return ctx.user_id().empty() ? sb_rtdl::verdict::refuse("authenticate first", "unauthorized")
                                        : sb_rtdl::verdict::allow();
    }

    sb::task<void> on_leave_match(arena::arena_context& ctx) override
    {
        leave_current(ctx);
        co_return;
    }

    sb::task<void> on_input(arena::arena_context& ctx, arena::PlayerInput msg) override
    {
        if (auto m = current(ctx)) {
            std::lock_guard lock(m->m);
            m->w.input(ctx.user_id(), msg);
        }
        co_return;
    }

    sb::task<void> on_tick_match(arena::match_tick_context& room) override
    {
        auto m = get(room.room().id, false);
        if (!m)
            co_return;
        arena::Snapshot snap;
        tick_events ev;
        bool check = false;
        {
            std::lock_guard lock(m->m);
            if (m->started && !m->w.round_over()) {
                const auto seen = m->w.snapshot();
                for (auto& b : m->bots)
                    if (auto in = bot_input(seen, b, ++m->bot_seq, m->w.settings()))
                        m->w.input(b, *in);
                ev = m->w.step();
            }
            snap = m->w.snapshot();
            if (!m->checking && (!m->started || m->w.round_over())) {
                m->checking = true;
                check = true;
            }
        }
        snap.sent_us = now_us();
        auto members = room.members();
        members.emit_snapshot(snap);
        for (auto& k : ev.kills)
            members.emit_killed(k);
        if (ev.over)
            members.emit_match_over(*ev.over);
        if (check) {
            // Not awaited here: ticks keep flowing (the world frozen) while players answer.
            auto exec = co_await net::this_coro::executor;
            net::co_spawn(exec, ready_check(members, m), net::detached);
        }
    }

private:
    std::shared_ptr<match> get(const std::string& id, bool create)
    {
        std::lock_guard lock(registry_m_);
        auto it = matches_.find(id);
        if (it != matches_.end())
            return it->second;
        if (!create)
            return nullptr;
        return matches_[id] = std::make_shared<match>();
    }

    std::shared_ptr<match> current(const arena::arena_context& ctx)
    {
        const auto* o = ctx.socket().data.if_object();
        const auto* id = o ? o->if_contains("match") : nullptr;
        return id && id->is_string() ? get(std::string(id->get_string()), false) : nullptr;
    }

    void leave_current(arena::arena_context& ctx)
    {
        auto* o = ctx.socket().data.if_object();
        const auto* id = o ? o->if_contains("match") : nullptr;
        if (!id || !id->is_string())
            return;
        const std::string match_id(id->get_string());
        ctx.leave(arena::match_room{match_id});
        ctx.socket().data = nullptr;
        auto m = get(match_id, false);
        if (!m)
            return;
        std::lock_guard lock(m->m);
        m->w.leave(ctx.user_id());
        if (m->w.size() == 0 && m->bots.empty()) {
            std::lock_guard reg(registry_m_);
            matches_.erase(match_id);
        }
    }

    sb::task<void> ready_check(arena::match_handle members, std::shared_ptr<match> m)
    {
        const arena::ReadyCheck check{.seconds = opts_.ready_seconds};  // named: see emit_ready_check's deleted T&&
        auto answers = co_await members.emit_ready_check(check);
        std::size_t ready = 0;
        for (auto& a : answers.replies)
            ready += a.ready;
        std::lock_guard lock(m->m);
        m->checking = false;
        // One "yes" starts the round (the others play along); none, and the next tick asks again.
        if (ready > 0) {
            m->started = true;
            if (m->w.round_over())
                m->w.reset_round();
        }
    }

    /// The RTT probe: a server→client emit with an ACK every second; the page shows
    /// the round trip measured on the previous one.
    static sb::task<void> ping_loop(arena::arena_context ctx)
    {
        net::steady_timer timer{ctx.socket().executor()};
        std::uint32_t rtt_us = 0;
        for (;;) {
            timer.expires_after(1s);
            co_await timer.async_wait(net::as_tuple(net::use_awaitable));
            if (!ctx.socket().connected())
                co_return;
            const auto start = std::chrono::steady_clock::now();
            const arena::Ping ping{.server_time = apps::now_ms(), .rtt_us = rtt_us};
            auto pong = co_await ctx.emit_ping(ping);
            if (!pong.ec)
                rtt_us = static_cast<std::uint32_t>(
                    std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
        }
    }

    options opts_;
    std::mutex registry_m_;
    std::map<std::string, std::shared_ptr<match>> matches_;
};

} // namespace

void configure(sb::server_options& opts) { arena::configure_arena(opts); }

void mount(sb::server& server, options o)
{
    arena::mount(server, std::make_shared<arena_game>(std::move(o)));
}

} // namespace game
