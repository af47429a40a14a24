// The arena's handlers over the generated `arena_service`. The world of each match is
// shared by its players' connections, which live on different shards (threads), and by
// the room's tick, so each match has a mutex; everything done under it is short (queue
// an input, step the world, copy a snapshot), and emits happen after it is released.
//
// In a cluster a match must step once, not once per node, so every world lives on the
// node that `leads()` (the "host"): the others forward joins, inputs and leaves to it
// with `server_side_emit`, and its own clock steps each match that has players anywhere
// (RTDL's room tick runs on every node with members, so it is not used then). Snapshots
// are room broadcasts and reach every node's players. A new host (the old one died)
// starts with empty worlds and seats players as their inputs arrive: positions and
// scores of the round in progress are lost, the match goes on.
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

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
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
    bool clock = false;    ///< cluster host: this match's clock runs
};

constexpr auto join_event = "arena:join", input_event = "arena:input", leave_event = "arena:leave";

/// The match id of a `match:<id>` room, or "".
std::string match_of_room(std::string_view room)
{
    auto r = arena::match_room::parse(room);
    return r ? r->id : std::string{};
}

/// {"match": id, "user": user[, "input": JSON text]}: what a forwarded request carries.
sb::payload request(const std::string& match_id, const user_id& user, std::string input = {})
{
    boost::json::object o{{"match", match_id}, {"user", user}};
    if (!input.empty())
        o["input"] = std::move(input);
    return sb::payload{boost::json::array{std::move(o)}};
}

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

    /// After `arena::mount`: in a cluster, the forwarded requests, presence (a dead
    /// node's players leave their matches) and the host lease.
    void attach(sb::server& server)
    {
        nsp_ = server.of(std::string(arena::arena_path));
        if (!server.options().redis)
            return;
        clustered_ = true;
        leads_ = [srv = &server] { return srv->leads(); };
        (void)leads_();  // the first call asks for the lease
        auto self = shared_from_this();
        // Plain lambdas that call static coroutines: a coroutine lambda's captures die
        // with the lambda object, which the framework may copy.
        nsp_->on_server_event(join_event, [self](sb::payload p) { return forwarded_join(self, std::move(p)); });
        nsp_->on_server_event(input_event, [self](sb::payload p) { return forwarded_input(self, std::move(p)); });
        nsp_->on_server_event(leave_event, [self](sb::payload p) { return forwarded_leave(self, std::move(p)); });
        nsp_->presence();
        nsp_->on_members_lost([self](std::string room, std::vector<sb::presence_member> lost) {
            return members_lost(self, std::move(room), std::move(lost));
        });
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
        ctx.socket().data = boost::json::object{{"user", ctx.user_id()}};  // presence's member data
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
        arena::MatchJoined out;
        if (hosts())
            out = host_join(msg.match_id, ctx.user_id(), ctx.socket().executor());
        else if (!co_await remote_join(msg.match_id, ctx.user_id(), out)) {
            ctx.leave(room);
            co_return sb::app_error{"unavailable", "no node hosts the matches yet (the cluster is choosing one); try again"};
        }
        ctx.socket().data = boost::json::object{{"user", ctx.user_id()}, {"match", msg.match_id}};
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
        const auto match_id = current(ctx);
        if (match_id.empty())
            co_return;
        if (hosts())
            host_input(match_id, ctx.user_id(), msg, ctx.socket().executor());
        else
            nsp_->server_side_emit(input_event, request(match_id, ctx.user_id(), arena::to_json(msg)));
    }

    sb::task<void> on_tick_match(arena::match_tick_context& room) override
    {
        if (clustered_)
            co_return;  // the host's clock steps the match (see the top of the file)
        auto m = get(room.room().id, false);
        if (!m)
            co_return;
        auto members = room.members();  // named: a temporary coroutine argument trips GCC 12
        co_await advance(m, members);
    }

private:
    /// Whether the worlds live here: always on one node, on the lease holder in a cluster.
    bool hosts() const { return !clustered_ || leads_(); }

    /// The match and user of a forwarded request, if well-formed.
    static std::optional<std::pair<std::string, user_id>> forwarded(const sb::payload& p)
    {
        const auto* o = p.args.empty() ? nullptr : p.args[0].if_object();
        const auto* m = o ? o->if_contains("match") : nullptr;
        const auto* u = o ? o->if_contains("user") : nullptr;
        if (!m || !u || !m->is_string() || !u->is_string() || !arena::match_room::parse("match:" + std::string(m->get_string())))
            return std::nullopt;
        return std::pair{std::string(m->get_string()), user_id(u->get_string())};
    }

    static user_id user_of(const boost::json::value& data)
    {
        const auto* o = data.if_object();
        const auto* u = o ? o->if_contains("user") : nullptr;
        return u && u->is_string() ? user_id(u->get_string()) : user_id{};
    }

    // --- what other nodes forward to the host ------------------------------------------

    static sb::task<sb::reply> forwarded_join(std::shared_ptr<arena_game> self, sb::payload p)
    {
        auto r = forwarded(p);
        if (!r || !self->leads_())
            co_return sb::reply{nullptr};  // not the host: the host's answer is the one that counts
        auto exec = co_await net::this_coro::executor;
        co_return sb::reply{boost::json::value(arena::to_json(self->host_join(r->first, r->second, exec)))};
    }

    static sb::task<sb::reply> forwarded_input(std::shared_ptr<arena_game> self, sb::payload p)
    {
        auto r = forwarded(p);
        const auto* text = r ? p.args[0].as_object().if_contains("input") : nullptr;
        arena::PlayerInput in;
        if (r && text && text->is_string() && self->leads_() && !arena::decode(text->get_string(), in)) {
            auto exec = co_await net::this_coro::executor;
            self->host_input(r->first, r->second, in, exec);
        }
        co_return sb::reply::no_ack();
    }

    static sb::task<sb::reply> forwarded_leave(std::shared_ptr<arena_game> self, sb::payload p)
    {
        if (auto r = forwarded(p); r && self->leads_())
            self->host_leave(r->first, r->second);
        co_return sb::reply::no_ack();
    }

    /// Their node died without telling the host. A player who already reconnected
    /// elsewhere is in the room again: that seat stays.
    static sb::task<void> members_lost(std::shared_ptr<arena_game> self, std::string room,
                                       std::vector<sb::presence_member> lost)
    {
        const auto match_id = match_of_room(room);
        if (match_id.empty())
            co_return;
        const auto now = co_await self->nsp_->members(room);
        for (auto& m : lost) {
            const auto user = user_of(m.data);
            const bool back = std::any_of(now.begin(), now.end(), [&](auto& n) { return user_of(n.data) == user; });
            if (!user.empty() && !back)
                self->leave_match(match_id, user);
        }
    }

    // --- the host's side: the worlds -------------------------------------------------

    arena::MatchJoined host_join(const std::string& match_id, const user_id& user, const net::any_io_executor& exec)
    {
        auto m = get(match_id, true);
        arena::MatchJoined out;
        {
            std::lock_guard lock(m->m);
            out.team = m->w.join(user);
            out.tick_rate = m->w.settings().tick_rate;
            out.snapshot = m->w.snapshot();
        }
        start_clock(match_id, m, exec);
        return out;
    }

    void host_input(const std::string& match_id, const user_id& user, const arena::PlayerInput& in,
                    const net::any_io_executor& exec)
    {
        // In a cluster a player the host does not know is seated by its input: the host
        // changed (its worlds start empty) and the player's node forwards as before.
        auto m = get(match_id, clustered_);
        if (!m)
            return;
        {
            std::lock_guard lock(m->m);
            if (clustered_ && !m->w.has(user))
                m->w.join(user);
            m->w.input(user, in);
        }
        start_clock(match_id, m, exec);
    }

    void host_leave(const std::string& match_id, const user_id& user)
    {
        auto m = get(match_id, false);
        if (!m)
            return;
        std::lock_guard lock(m->m);
        m->w.leave(user);
        if (m->w.size() == 0 && m->bots.empty() && !m->clock) {
            std::lock_guard reg(registry_m_);
            matches_.erase(match_id);
        }
    }

    /// Cluster host: steps `m` every tick while it has players and this node hosts.
    void start_clock(const std::string& match_id, const std::shared_ptr<match>& m, const net::any_io_executor& exec)
    {
        if (!clustered_)
            return;
        {
            std::lock_guard lock(m->m);
            if (m->clock)
                return;
            m->clock = true;
        }
        net::co_spawn(exec, clock(match_id, m), net::detached);
    }

    sb::task<void> clock(std::string match_id, std::shared_ptr<match> m)
    {
        auto self = shared_from_this();
        net::steady_timer timer{co_await net::this_coro::executor};
        const auto period = std::chrono::microseconds(1'000'000 / m->w.settings().tick_rate);
        const auto members = arena::arena_rooms{sb::broadcast_operator{nsp_->state()}}.match(match_id);
        for (auto next = std::chrono::steady_clock::now();;) {
            next += period;
            timer.expires_at(next);
            if (auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable)); ec)
                break;
            {
                std::lock_guard lock(m->m);
                if (!leads_() || m->w.size() <= m->bots.size())  // not the host any more, or nobody plays
                    break;
            }
            co_await advance(m, members);
        }
        bool gone;
        {
            std::lock_guard lock(m->m);
            m->clock = false;
            gone = m->w.size() == 0 && m->bots.empty();
        }
        if (gone) {
            std::lock_guard reg(registry_m_);
            if (auto it = matches_.find(match_id); it != matches_.end() && it->second == m)
                matches_.erase(it);
        }
    }

    /// One tick of a match: bots think, the world steps, everyone gets the snapshot, and
    /// a ready check goes out before a round.
    sb::task<void> advance(std::shared_ptr<match> m, arena::match_handle members)
    {
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

    // --- a player's node --------------------------------------------------------------

    /// Asks the host to seat `user`; false when no node answered as host.
    sb::task<bool> remote_join(const std::string& match_id, const user_id& user, arena::MatchJoined& out)
    {
        auto r = co_await nsp_->server_side_emit_with_ack(join_event, request(match_id, user), 1500ms);
        for (auto& v : r.responses)
            if (v.is_string() && !arena::decode(v.get_string(), out))
                co_return true;
        co_return false;
    }

    void leave_match(const std::string& match_id, const user_id& user)
    {
        if (hosts())
            host_leave(match_id, user);
        else
            nsp_->server_side_emit(leave_event, request(match_id, user));
    }

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

    /// The match this connection plays in ("" when none).
    static std::string current(const arena::arena_context& ctx)
    {
        const auto* o = ctx.socket().data.if_object();
        const auto* id = o ? o->if_contains("match") : nullptr;
        return id && id->is_string() ? std::string(id->get_string()) : std::string{};
    }

    void leave_current(arena::arena_context& ctx)
    {
        const auto match_id = current(ctx);
        if (match_id.empty())
            return;
        ctx.leave(arena::match_room{match_id});
        ctx.socket().data = boost::json::object{{"user", ctx.user_id()}};
        leave_match(match_id, ctx.user_id());
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
    std::optional<sb::namespace_> nsp_;
    bool clustered_ = false;
    std::function<bool()> leads_ = [] { return true; };
    std::mutex registry_m_;
    std::map<std::string, std::shared_ptr<match>> matches_;
};

} // namespace

void configure(sb::server_options& opts) { arena::configure_arena(opts); }

void mount(sb::server& server, options o)
{
    auto game = std::make_shared<arena_game>(std::move(o));
    arena::mount(server, game);
    game->attach(server);
}

} // namespace game
