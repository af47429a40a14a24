// The examples' generated services: implementable, mountable, typed emits and rooms.
#include "chat.rtdl.hpp"
#include "codec.rtdl.hpp"
#include "game.rtdl.hpp"
#include "ticker.rtdl.hpp"

#include <catch2/catch.hpp>

#include <switchboard/server.hpp>

namespace chat = acme::chat;

namespace {

class chat_impl final : public chat::chat_service {
public:
    sb::task<sb_rtdl::result<chat::JoinAck>> on_join_room(chat::chat_context& ctx, chat::JoinRoom in) override
    {
        auto room = chat::topic_room{in.name};
        ctx.join(room);
        ctx.rooms().topic(room).emit_message(chat::ChatMessage{.id = "1", .room = room.key(), .text = "hi"});
        ctx.others().topic(in.name).emit_typing_notice(chat::TypingNotice{});
        ctx.rooms().lobby().emit_presence(chat::PresenceChanged{.user = "u", .presence = chat::Presence::away});
        co_return chat::JoinAck{};
    }
    sb::task<void> on_leave_room(chat::chat_context& ctx, chat::JoinRoom in) override
    {
        ctx.leave(chat::topic_room{in.name});
        co_return;
    }
    sb::task<sb_rtdl::result<chat::DmOpened>> on_open_dm(chat::chat_context&, chat::OpenDm) override
    {
        co_return sb::app_error{"nope", "not today"};
    }
    sb::task<sb_rtdl::result<chat::SendAck>> on_send_message(chat::chat_context& ctx, chat::SendMessage) override
    {
        ctx.emit_message(chat::ChatMessage{});
        co_return chat::SendAck{.id = "x", .sent_at = 1};
    }
    sb::task<void> on_typing(chat::chat_context&, chat::Typing) override { co_return; }
    sb::task<sb_rtdl::result<chat::KickResult>> on_kick(chat::chat_context&, chat::Kick) override
    {
        co_return chat::KickResult{.removed = true};
    }
    sb::task<sb_rtdl::join_decision> on_join_dm(chat::chat_context& ctx, const chat::dm_room& room) override
    {
        co_return (ctx.user_id() == room.a || ctx.user_id() == room.b) ? sb_rtdl::verdict::allow()
                                                                      : sb_rtdl::verdict::refuse("not yours");
    }
    sb::task<sb_rtdl::verdict> authenticate(chat::chat_context& ctx, const sb_rtdl::lifecycle_event&) override
    {
        ctx.set_user("alice");
        ctx.join(chat::lobby_room{});
        co_return sb_rtdl::verdict::allow();
    }
    sb::task<sb_rtdl::verdict> audit(chat::chat_context&, const sb_rtdl::lifecycle_event&) override
    {
        co_return sb_rtdl::verdict::allow();
    }
};

class game_impl final : public acme::arena::arena_service {
public:
    sb::task<sb_rtdl::result<acme::arena::MatchJoined>> on_join_match(acme::arena::arena_context& ctx,
                                                                     acme::arena::JoinMatch in) override
    {
        const acme::arena::ReadyCheck check{.seconds = 5};
        auto ready = co_await ctx.rooms().match(in.match_id).emit_ready_check(check);
        const acme::arena::Ping ping{.server_time = 1};
        auto pong = co_await ctx.emit_ping(ping);
        (void)ready;
        (void)pong;
        co_return acme::arena::MatchJoined{};
    }
    sb::task<void> on_leave_match(acme::arena::arena_context&) override { co_return; }
    sb::task<void> on_input(acme::arena::arena_context&, acme::arena::PlayerInput) override { co_return; }
    sb::task<sb_rtdl::join_decision> on_join_match(acme::arena::arena_context&, const acme::arena::match_room&) override
    {
        co_return sb_rtdl::verdict::allow();
    }
    sb::task<void> on_tick_match(acme::arena::match_tick_context& room) override
    {
        room.members().emit_snapshot(acme::arena::Snapshot{.tick = static_cast<std::uint32_t>(room.tick())});
        co_return;
    }
    sb::task<sb_rtdl::verdict> authenticate(acme::arena::arena_context&, const sb_rtdl::lifecycle_event&) override
    {
        co_return sb_rtdl::verdict::refuse("no");
    }
};

class ticker_impl final : public acme::ticker::ticker_service {
public:
    sb::task<sb_rtdl::result<acme::ticker::Subscribed>> on_subscribe(acme::ticker::ticker_context& ctx,
                                                                   acme::ticker::Subscribe in) override
    {
        for (auto& s : in.symbols)
            ctx.join(acme::ticker::symbol_room{s});
        ctx.rooms().market().emit_halt(acme::ticker::Halt{});
        co_return acme::ticker::Subscribed{.accepted = in.symbols, .rejected = {}};
    }
    sb::task<void> on_unsubscribe(acme::ticker::ticker_context&, acme::ticker::Subscribe) override { co_return; }
    sb::task<sb_rtdl::verdict> entitlements(acme::ticker::ticker_context&, const sb_rtdl::lifecycle_event&) override
    {
        co_return sb_rtdl::verdict::allow();
    }
};

} // namespace

/// A server with the connection-wide settings of one contract applied.
template <class Configure>
sb::server_options configured(Configure configure)
{
    sb::server_options o{.port = 0};
    configure(o);
    return o;
}

TEST_CASE("rtdl services: the examples mount onto a server")
{
    sb::server server{configured(chat::configure_chat)};
    chat::mount(server, std::make_shared<chat_impl>());
    sb::server arena_server{configured(acme::arena::configure_arena)};
    acme::arena::mount(arena_server, std::make_shared<game_impl>());
    sb::server ticker_server{configured(acme::ticker::configure_ticker)};
    acme::ticker::mount(ticker_server, std::make_shared<ticker_impl>());
    CHECK(server.of(chat::chat_path).name() == "/chat");
    CHECK(chat::dm_room{"alice", "bob"}.key() == "dm:alice:bob");
    CHECK(chat::dm_room::parse("dm:alice:bob") == chat::dm_room{"alice", "bob"});
    CHECK_FALSE(chat::dm_room::parse("dm:alice:b:ob"));
    CHECK(acme::arena::match_room::parse("match:ABC123"));
    CHECK_FALSE(acme::arena::match_room::parse("match:abc123"));
}

TEST_CASE("rtdl services: configure_<ns>() writes the contract's connection-wide settings")
{
    const auto o = configured(acme::arena::configure_arena);  // heartbeat 5s, max_payload 8KiB, send_buffer 256KiB
    CHECK(o.engine.ping_interval == std::chrono::seconds{5});
    CHECK(o.engine.ping_timeout == std::chrono::seconds{5});  // idle_timeout = 2 × heartbeat
    CHECK(o.engine.max_send_buffer == 256u * 1024u);
    CHECK(o.engine.max_payload == sb::server_options{}.engine.max_payload);  // already above 8 KiB + overhead
}

TEST_CASE("rtdl services: mount() refuses a server that cannot honour the contract's settings")
{
    // Options left at the defaults: the game's heartbeat = 5s would silently be 25 s.
    sb::server plain{sb::server_options{.port = 0}};
    CHECK_THROWS_WITH(acme::arena::mount(plain, std::make_shared<game_impl>()),
                      Catch::Contains("heartbeat is 5000 ms but engine.ping_interval is 25000 ms") &&
                          Catch::Contains("configure_arena(options)"));
    // Two contracts that want different heartbeats cannot share one server.
    sb::server chat_server{configured(chat::configure_chat)};
    CHECK_THROWS_AS(acme::arena::mount(chat_server, std::make_shared<game_impl>()), std::invalid_argument);
    CHECK_NOTHROW(chat::mount(chat_server, std::make_shared<chat_impl>()));
}

TEST_CASE("rtdl dispatch: mount() returns the namespace's counters")
{
    sb::server server{configured(acme::ticker::configure_ticker)};
    auto stats = acme::ticker::mount(server, std::make_shared<ticker_impl>());
    REQUIRE(stats);
    CHECK(stats->events == 0);
    CHECK(stats->rate_limited == 0);
}

TEST_CASE("rtdl dispatch: token bucket starts full, refills at its rate, caps at its burst")
{
    using clock = std::chrono::steady_clock;
    sb_rtdl::token_bucket b;
    const double rate = 2.0 / 1000.0; // 2 per second
    auto t = clock::now();
    CHECK(b.take(rate, 3, t));
    CHECK(b.take(rate, 3, t));
    CHECK(b.take(rate, 3, t));
    CHECK_FALSE(b.take(rate, 3, t));
    CHECK_FALSE(b.take(rate, 3, t + std::chrono::milliseconds{400}));
    CHECK(b.take(rate, 3, t + std::chrono::milliseconds{500}));
    CHECK(b.full(rate, 3, t + std::chrono::seconds{10}));
    for (int i = 0; i < 3; ++i)
        CHECK(b.take(rate, 3, t + std::chrono::seconds{10}));
    CHECK_FALSE(b.take(rate, 3, t + std::chrono::seconds{10}));
}

TEST_CASE("rtdl dispatch: shared buckets are per key")
{
    sb_rtdl::shared_buckets b;
    CHECK(b.take("user:a", 1.0 / 60000.0, 1));
    CHECK_FALSE(b.take("user:a", 1.0 / 60000.0, 1));
    CHECK(b.take("user:b", 1.0 / 60000.0, 1));
}

TEST_CASE("rtdl dispatch: a tick loop is started once and finishes unless a join came in")
{
    sb_rtdl::tick_registry t;
    CHECK(t.demand("match:ABC123"));
    CHECK_FALSE(t.demand("match:ABC123"));
    auto e = t.epoch("match:ABC123");
    CHECK_FALSE(t.demand("match:ABC123")); // a join after the loop saw the room empty
    CHECK_FALSE(t.finish("match:ABC123", e));
    CHECK(t.finish("match:ABC123", t.epoch("match:ABC123")));
    CHECK(t.demand("match:ABC123")); // a new loop
}

TEST_CASE("rtdl dispatch: verdicts and room answers")
{
    CHECK(sb_rtdl::verdict::allow());
    auto no = sb_rtdl::verdict::refuse("full", "room_full");
    CHECK_FALSE(no);
    CHECK(no.wire_code() == "room_full");
    CHECK(sb_rtdl::verdict{false, "", "x"}.wire_code() == "forbidden");
    sb_rtdl::dispatch_stats stats;
    auto ok = sb_rtdl::room_answer("room:cpp", sb_rtdl::verdict::allow(), stats);
    REQUIRE(ok.value.args.size() == 1);
    CHECK(ok.value.args[0].as_object().at("room") == "room:cpp");
    auto nack = sb_rtdl::room_answer("room:cpp", no, stats);
    CHECK(nack.is_error);
    CHECK(stats.joins_refused == 1);
}
