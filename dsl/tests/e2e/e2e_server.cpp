// The server of the end-to-end test: e2e.rtdl's generated dispatch with a real service.
// `rtdl_e2e_server --port 0` prints "listening <port>" and serves until SIGTERM/SIGINT.
#include "e2e.rtdl.hpp"

#include <switchboard/server.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>

namespace net = boost::asio;

namespace {

class e2e_impl final : public e2e::e2e_service {
public:
    std::shared_ptr<const sb_rtdl::dispatch_stats> stats;
    std::atomic<std::uint32_t> disconnects{0};

    sb::task<sb_rtdl::result<e2e::Echoed>> on_echo(e2e::e2e_context&, e2e::Echo msg) override
    {
        co_return e2e::Echoed{.text = std::move(msg.text), .n = msg.n};
    }

    sb::task<sb_rtdl::result<e2e::Echoed>> on_fail(e2e::e2e_context&, e2e::Fail msg) override
    {
        co_return sb::app_error{std::move(msg.code), "failed as asked"};
    }

    sb::task<sb_rtdl::result<e2e::Empty>> on_sleep(e2e::e2e_context& ctx, e2e::Sleep msg) override
    {
        net::steady_timer t{co_await net::this_coro::executor, std::chrono::milliseconds{msg.ms}};
        try {
            co_await t.async_wait(net::use_awaitable);
        }
        catch (const boost::system::system_error&) {
            ctx.emit_cancelled(e2e::Empty{}); // the deadline cancelled us: tell the client
            throw;
        }
        co_return e2e::Empty{};
    }

    sb::task<sb_rtdl::result<e2e::Empty>> on_limited(e2e::e2e_context&) override { co_return e2e::Empty{}; }
    sb::task<sb_rtdl::result<e2e::Empty>> on_per_user(e2e::e2e_context&) override { co_return e2e::Empty{}; }
    sb::task<sb_rtdl::result<e2e::Empty>> on_per_ip(e2e::e2e_context&) override { co_return e2e::Empty{}; }
    sb::task<sb_rtdl::result<e2e::Empty>> on_admin_only(e2e::e2e_context&) override { co_return e2e::Empty{}; }

    sb::task<sb_rtdl::result<e2e::Empty>> on_say(e2e::e2e_context& ctx, e2e::Say msg) override
    {
        auto room = e2e::open_room_room::parse(msg.room);
        if (!room || !ctx.in_room(*room))
            co_return sb::app_error{"not_member", "join the room first"};
        ctx.rooms().open_room(*room).emit_said(e2e::Said{.room = msg.room, .text = msg.text, .from = ctx.user_id()});
        co_return e2e::Empty{};
    }

    sb::task<sb_rtdl::result<e2e::Stats>> on_stats(e2e::e2e_context&) override
    {
        auto n = [](const std::atomic<std::uint64_t>& a) { return static_cast<std::uint32_t>(a.load()); };
        co_return e2e::Stats{.unknown_event = n(stats->unknown_event),
                             .bad_payload = n(stats->bad_payload),
                             .rate_limited = n(stats->rate_limited),
                             .forbidden = n(stats->forbidden),
                             .timeout = n(stats->timeout),
                             .joins_refused = n(stats->joins_refused),
                             .disconnects = disconnects.load()};
    }

    sb::task<sb_rtdl::result<e2e::Echoed>> on_probe_me(e2e::e2e_context& ctx) override
    {
        const e2e::Empty probe{};
        auto r = co_await ctx.emit_probe(probe);
        co_return e2e::Echoed{.text = r.value ? "answered" : "refused", .n = r.ec ? 1 : 0};
    }

    sb::task<sb_rtdl::result<e2e::Tally>> on_ask(e2e::e2e_context& ctx, e2e::Ask msg) override
    {
        auto room = e2e::poll_room::parse(msg.room);
        if (!room)
            co_return sb::app_error{"bad_room", "poll:<name>"};
        const auto start = std::chrono::steady_clock::now();
        auto handle = ctx.rooms().poll(*room);
        const e2e::Question q{.q = "ready?"};
        sb_rtdl::collected<e2e::Vote> r;
        if (msg.kind == "any")
            r = co_await handle.emit_ask_any(q);
        else if (msg.kind == "first2")
            r = co_await handle.emit_ask_first2(q);
        else if (msg.kind == "quorum")
            r = co_await handle.emit_ask_quorum(q);
        else
            r = co_await handle.emit_ask_all(q);
        const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        co_return e2e::Tally{.replies = static_cast<std::uint32_t>(r.replies.size()),
                             .missing = static_cast<std::uint32_t>(r.missing),
                             .waited_ms = static_cast<std::uint32_t>(waited.count()),
                             .timed_out = static_cast<bool>(r.ec)};
    }

    sb::task<sb_rtdl::join_decision> on_join_guarded(e2e::e2e_context& ctx, const e2e::guarded_room& room) override
    {
        if (room.name == ctx.user_id())
            co_return sb_rtdl::verdict::allow();
        co_return sb_rtdl::verdict::refuse("this room is " + room.name + "'s", "not_yours");
    }

    sb::task<void> on_tick_arena(e2e::arena_tick_context& room) override
    {
        room.members().emit_ticked(
            e2e::TickInfo{.room = room.room().key(), .n = static_cast<std::uint32_t>(room.tick())});
        co_return;
    }

    sb::task<sb_rtdl::verdict> gate(e2e::e2e_context& ctx, const sb_rtdl::lifecycle_event&) override
    {
        const auto* token = ctx.socket().auth().if_contains("token");
        if (!token || !token->is_string())
            co_return sb_rtdl::verdict::allow(); // no identity: auth = required refuses
        std::string t(token->as_string());
        if (t == "bad")
            co_return sb_rtdl::verdict::refuse("bad token", "invalid_token");
        if (auto plus = t.find('+'); plus != std::string::npos) {
            ctx.add_claim(t.substr(plus + 1));
            t.resize(plus);
        }
        ctx.set_user(t);
        ctx.join(e2e::staff_room{}); // a `join = server` room: the server adds members
        co_return sb_rtdl::verdict::allow();
    }

    sb::task<sb_rtdl::verdict> watch(e2e::e2e_context& ctx, const sb_rtdl::lifecycle_event& ev) override
    {
        if (ev.phase == sb_rtdl::phase::event && ctx.user_id() == "muted")
            co_return sb_rtdl::verdict::refuse("you are muted", "muted");
        if (ev.phase == sb_rtdl::phase::join && ev.name == "open:blocked")
            co_return sb_rtdl::verdict::refuse("this room is blocked", "blocked");
        if (ev.phase == sb_rtdl::phase::emit && ctx.user_id() == "noprobe")
            co_return sb_rtdl::verdict::refuse("no probes for this one");
        if (ev.phase == sb_rtdl::phase::disconnect)
            ++disconnects;
        co_return sb_rtdl::verdict::allow();
    }
};

class feed_impl final : public e2e::feed_service {
public:
    sb::task<sb_rtdl::result<e2e::Empty>> on_send_tick(e2e::feed_context& ctx, e2e::Tick msg) override
    {
        ctx.rooms().symbol(msg.symbol).emit_tick(msg);
        co_return e2e::Empty{};
    }

    sb::task<sb_rtdl::result<e2e::Empty>> on_send_quote(e2e::feed_context& ctx, e2e::Tick msg) override
    {
        ctx.rooms().symbol(msg.symbol).emit_quote(msg);
        co_return e2e::Empty{};
    }

    sb::task<sb_rtdl::result<e2e::FeedHandshake>> on_whoami(e2e::feed_context& ctx) override
    {
        auto hs = ctx.handshake();
        if (!hs)
            co_return sb::app_error{"bad_handshake", "the handshake does not decode"};
        co_return std::move(*hs);
    }

    sb::task<sb_rtdl::verdict> admit(e2e::feed_context& ctx, const sb_rtdl::lifecycle_event&) override
    {
        auto hs = ctx.handshake();
        if (!hs)
            co_return sb_rtdl::verdict::refuse("bad handshake", "bad_handshake");
        for (const auto& s : hs->symbols)
            ctx.join(e2e::symbol_room{.s = s});
        co_return sb_rtdl::verdict::allow();
    }
};

struct wsonly_impl final : e2e::wsonly_service {
    sb::task<sb_rtdl::result<e2e::Empty>> on_hello(e2e::wsonly_context&) override { co_return e2e::Empty{}; }
};

struct pollonly_impl final : e2e::pollonly_service {
    sb::task<sb_rtdl::result<e2e::Empty>> on_hello(e2e::pollonly_context&) override { co_return e2e::Empty{}; }
};

} // namespace

// --port N; --no-configure skips the generated configure_*(), so mount() must refuse the server's
// options (the contract's `heartbeat = 20s` against the default 25 s) and we exit 2.
int main(int argc, char** argv)
{
    std::uint16_t port = 0;
    bool configure = true;
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--port" && i + 1 < argc)
            port = static_cast<std::uint16_t>(std::atoi(argv[i + 1]));
        if (std::string_view(argv[i]) == "--no-configure")
            configure = false;
    }
    sb::server_options opts{.port = port, .threads = 2};
    if (configure) {
        e2e::configure_e2e(opts);
        e2e::configure_feed(opts);
        e2e::configure_wsonly(opts);
        e2e::configure_pollonly(opts);
    }
    sb::server server{opts};
    try {
        auto service = std::make_shared<e2e_impl>();
        service->stats = e2e::mount(server, service);
        e2e::mount(server, std::make_shared<feed_impl>());
        e2e::mount(server, std::make_shared<wsonly_impl>());
        e2e::mount(server, std::make_shared<pollonly_impl>());
    }
    catch (const std::invalid_argument& e) {
        std::cerr << "rtdl_e2e_server: " << e.what() << '\n';
        return 2;
    }
    server.start();
    std::cout << "listening " << server.port() << std::endl;
    server.run();
}
