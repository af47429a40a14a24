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
};

class game_impl final : public acme::arena::arena_service {
public:
    sb::task<sb_rtdl::result<acme::arena::MatchJoined>> on_join_match(acme::arena::arena_context& ctx,
                                                                     acme::arena::JoinMatch in) override
    {
        auto ready = co_await ctx.rooms().match(in.match_id).emit_ready_check(acme::arena::ReadyCheck{.seconds = 5});
        auto pong = co_await ctx.emit_ping(acme::arena::Ping{.server_time = 1});
        (void)ready;
        (void)pong;
        co_return acme::arena::MatchJoined{};
    }
    sb::task<void> on_leave_match(acme::arena::arena_context&) override { co_return; }
    sb::task<void> on_input(acme::arena::arena_context&, acme::arena::PlayerInput) override { co_return; }
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
};

} // namespace

TEST_CASE("rtdl services: the examples mount onto a server")
{
    sb::server server{sb::server_options{.port = 0}};
    chat::mount(server, std::make_shared<chat_impl>());
    acme::arena::mount(server, std::make_shared<game_impl>());
    acme::ticker::mount(server, std::make_shared<ticker_impl>());
    CHECK(server.of(chat::chat_path).name() == "/chat");
    CHECK(chat::dm_room{"alice", "bob"}.key() == "dm:alice:bob");
    CHECK(chat::dm_room::parse("dm:alice:bob") == chat::dm_room{"alice", "bob"});
    CHECK_FALSE(chat::dm_room::parse("dm:alice:b:ob"));
    CHECK(acme::arena::match_room::parse("match:ABC123"));
    CHECK_FALSE(acme::arena::match_room::parse("match:abc123"));
}
