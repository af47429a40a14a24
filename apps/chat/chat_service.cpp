// The chat's handlers over the generated `chat_service` (chat.rtdl). The contract does
// the checking: payload constraints, rate limits, the moderator claim on `kick`, join
// policies and room sizes are enforced before these run.
#include "chat/chat.hpp"
#include "app_common.hpp"

#include "chat/chat_state.hpp"

#include <chrono>
#include <set>
#include <iostream>
#include <random>

namespace chat {

namespace {

std::string auth_string(const sb::socket& s, std::string_view key)
{
    auto it = s.auth().find(key);
    return it != s.auth().end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string();
}

std::string random_secret()
{
    std::random_device rd;
    std::string s;
    for (int i = 0; i < 32; ++i) {
        s += "0123456789abcdef"[rd() % 16];
    }
    return s;
}

/// The user a presence member is (socket data {"user": id}, set at authentication).
std::string user_of(const sb::presence_member& m)
{
    const auto* o = m.data.if_object();
    const auto* u = o ? o->if_contains("user") : nullptr;
    return u && u->is_string() ? std::string(u->as_string()) : std::string();
}

/// Calls `f` with the typed handle of a topic or dm room key; false for anything else.
template <class F>
bool with_room(const ac::chat_rooms& rooms, std::string_view key, F&& f)
{
    if (auto t = ac::topic_room::parse(key)) {
        f(rooms.topic(*t));
        return true;
    }
    if (auto d = ac::dm_room::parse(key)) {
        f(rooms.dm(*d));
        return true;
    }
    return false;
}

class chat_app final : public ac::chat_service {
public:
    explicit chat_app(options o)
        : opts_(std::move(o)), tokens_({.keys = {sb::jwt::key::hs256(opts_.jwt_secret)}})
    {
    }

    sb::task<sb_rtdl::verdict> authenticate(ac::chat_context& ctx, const sb_rtdl::lifecycle_event&) override
    {
        // `auth: { token }`: who the user is, and whether a moderator, is what a signed
        // token says; nothing the client merely claims.
        const auto verified = tokens_.verify(auth_string(ctx.socket(), "token"));
        if (!verified)
            co_return sb_rtdl::verdict::refuse(verified.error, "unauthorized");
        const auto* sub = verified.claims.if_contains("sub");
        const std::string user = sub && sub->is_string() ? std::string(sub->as_string()) : std::string();
        if (!apps::valid_user_id(user))
            co_return sb_rtdl::verdict::refuse("the token's sub must be 1-64 of A-Za-z0-9_-", "unauthorized");
        ctx.set_user(user);
        // Presence reads it (namespace_::members): who a member is, on any node.
        ctx.socket().data = boost::json::object{{"user", user}};
        if (const auto* m = verified.claims.if_contains("moderator"); m && m->is_bool() && m->as_bool())
            ctx.add_claim("moderator");
        ctx.join(ac::lobby_room{});
        if (state_.online(user, ctx.socket().id()))
            ctx.others().lobby().emit_presence(ac::PresenceChanged{.user = user, .presence = ac::Presence::online});
        co_return sb_rtdl::verdict::allow();
    }

    sb::task<sb_rtdl::verdict> audit(ac::chat_context& ctx, const sb_rtdl::lifecycle_event& ev) override
    {
        if (opts_.audit)
            std::clog << "audit: " << (ev.phase == sb_rtdl::phase::join ? "join " : "disconnect ") << ctx.user_id()
                      << ' ' << ev.name << '\n';
        if (ev.phase == sb_rtdl::phase::disconnect && !ctx.user_id().empty()) {
            std::vector<std::string> left;
            const bool last = state_.offline(ctx.user_id(), ctx.socket().id(), left);
            for (auto& room : left)
                with_room(ctx.others(), room, [&](auto h) {
                    h.emit_member(ac::MemberChanged{.room = room, .user = ctx.user_id(), .joined = false});
                });
            if (last)
                ctx.others().lobby().emit_presence(
                    ac::PresenceChanged{.user = ctx.user_id(), .presence = ac::Presence::offline});
        }
        co_return sb_rtdl::verdict::allow();
    }

    sb::task<sb_rtdl::result<ac::JoinAck>> on_join_room(ac::chat_context& ctx, ac::JoinRoom msg) override
    {
        const ac::topic_room room{msg.name};
        const auto key = room.key();
        if (!state_.enter(key, ctx.user_id(), ctx.socket().id()))
            co_return sb::app_error{"nick_taken", "someone named " + ctx.user_id() + " is already in " + key};
        auto joined = co_await ctx.try_join(room);
        if (!joined) {
            state_.leave(key, ctx.user_id());
            co_return sb::app_error{joined.wire_code(), joined.message};
        }
        ctx.others().topic(room).emit_member(ac::MemberChanged{.room = key, .user = ctx.user_id(), .joined = true});
        auto ack = state_.snapshot(key);
        // The room's history (its resumable messages, the same on every node) ...
        for (const auto& e : ctx.nsp().room_history(key).events) {
            ac::ChatMessage m;
            if (e.event == "message" && !ac::decode(e.data, m))  // no error
                ack.history.push_back(std::move(m));
        }
        if (ack.history.size() > 50)
            ack.history.erase(ack.history.begin(), ack.history.end() - 50);
        // ... and the members on every node (presence), beside those this node knows.
        for (const auto& m : co_await ctx.nsp().members(key))
            if (auto user = user_of(m); !user.empty() && !ack.members.contains(user))
                ack.members[user] = ac::Presence::online;
        co_return ack;
    }

    sb::task<void> on_leave_room(ac::chat_context& ctx, ac::JoinRoom msg) override
    {
        const ac::topic_room room{msg.name};
        if (state_.leave(room.key(), ctx.user_id()))
            ctx.others().topic(room).emit_member(
                ac::MemberChanged{.room = room.key(), .user = ctx.user_id(), .joined = false});
        ctx.leave(room);
        co_return;
    }

    sb::task<sb_rtdl::result<ac::DmOpened>> on_open_dm(ac::chat_context& ctx, ac::OpenDm msg) override
    {
        const auto& me = ctx.user_id();
        if (msg.peer == me)
            co_return sb::app_error{"bad_peer", "a direct message needs someone else"};
        if (!state_.is_online(msg.peer))
            co_return sb::app_error{"unknown_peer", msg.peer + " is not online"};
        // One room per pair, whoever opens it: the names in order.
        const ac::dm_room room = me < msg.peer ? ac::dm_room{me, msg.peer} : ac::dm_room{msg.peer, me};
        auto joined = co_await ctx.try_join(room);
        if (!joined)
            co_return sb::app_error{joined.wire_code(), joined.message};
        const auto key = room.key();
        state_.enter(key, me, ctx.socket().id());
        // The peer is brought in by the server (their page learns of it with the first message).
        for (auto& sid : state_.sockets_of(msg.peer)) {
            ctx.nsp().to(sid).sockets_join(key);
            state_.enter(key, msg.peer, sid);
        }
        co_return ac::DmOpened{.room = key};
    }

    sb::task<sb_rtdl::result<ac::SendAck>> on_send_message(ac::chat_context& ctx, ac::SendMessage msg) override
    {
        if (!state_.member(msg.room, ctx.user_id()))
            co_return sb::app_error{"not_member", "join " + msg.room + " first", "/room"};
        bool fresh = false;
        auto stored = state_.post(msg.room, ctx.user_id(), msg, apps::now_ms(), fresh);
        // A retry of a send that was stored is acknowledged again, not delivered twice.
        if (fresh && !with_room(ctx.rooms(), msg.room, [&](auto h) { h.emit_message(stored); }))
            co_return sb::app_error{"bad_room", "not a chat room: " + msg.room, "/room"};
        co_return ac::SendAck{.id = stored.id, .sent_at = stored.sent_at};
    }

    sb::task<void> on_typing(ac::chat_context& ctx, ac::Typing msg) override
    {
        if (state_.member(msg.room, ctx.user_id()))
            with_room(ctx.others(), msg.room, [&](auto h) {
                h.emit_typing_notice(ac::TypingNotice{.room = msg.room, .user = ctx.user_id(), .typing = msg.typing});
            });
        co_return;
    }

    sb::task<sb_rtdl::result<ac::KickResult>> on_kick(ac::chat_context& ctx, ac::Kick msg) override
    {
        // The "moderator" claim was checked by the generated dispatcher.
        if (!state_.member(msg.room, msg.user))
            co_return ac::KickResult{.removed = false};
        // Tell the room first, so the kicked user's page sees why it was removed.
        with_room(ctx.rooms(), msg.room, [&](auto h) {
            h.emit_kicked(ac::Kicked{.room = msg.room, .user = msg.user, .by = ctx.user_id(), .reason = msg.reason});
        });
        state_.leave(msg.room, msg.user);
        for (auto& sid : state_.sockets_of(msg.user))
            ctx.nsp().to(sid).sockets_leave(msg.room);
        co_return ac::KickResult{.removed = true};
    }

    sb::task<sb_rtdl::join_decision> on_join_dm(ac::chat_context& ctx, const ac::dm_room& room) override
    {
        co_return ctx.user_id() == room.a || ctx.user_id() == room.b
            ? sb_rtdl::verdict::allow()
            : sb_rtdl::verdict::refuse("this conversation is between " + room.a + " and " + room.b);
    }

private:
    options opts_;
    sb::jwt::verifier tokens_;
    chat_state state_;
};

} // namespace

void configure(sb::server_options& opts) { ac::configure_chat(opts); }

void mount(sb::server& server, options o)
{
    if (o.jwt_secret.empty()) {
        o.jwt_secret = random_secret();
        std::cerr << "chat: DEVELOPMENT MODE: anyone may mint a token for any user, moderator included, at the\n"
                     "chat: \"/dev-tokens\" namespace. Start with --jwt-secret S (tokens signed elsewhere) in production.\n";
        server.of("/dev-tokens").on("mint", [secret = o.jwt_secret](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
            const auto& args = ev.args();
            const auto* req = !args.empty() && args[0].is_object() ? &args[0].as_object() : nullptr;
            const auto* user = req ? req->if_contains("user") : nullptr;
            if (!user || !user->is_string() || !apps::valid_user_id(user->as_string()))
                co_return sb::reply{sb::app_error{"bad_user", "user must be 1-64 of A-Za-z0-9_-"}};
            const auto* mod = req->if_contains("moderator");
            const auto exp = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch() + std::chrono::hours{12})
                                 .count();
            co_return boost::json::value(sb::jwt::sign_hs256(
                {{"sub", *user}, {"moderator", mod && mod->is_bool() && mod->as_bool()}, {"exp", exp}}, secret));
        });
    }
    ac::mount(server, std::make_shared<chat_app>(std::move(o)));
    // Presence across nodes: who is in each room wherever they are connected. When a node
    // dies its users never leave, so the node that notices says so for them (unless the
    // same user is still in the room through another node).
    auto io = server.of("/chat");
    io.presence();
    io.on_members_lost([io](std::string room, std::vector<sb::presence_member> lost) -> sb::task<void> {
        std::set<std::string> still;
        for (const auto& m : co_await io.members(room))
            still.insert(user_of(m));
        std::set<std::string> gone;
        for (const auto& m : lost)
            if (auto user = user_of(m); !user.empty() && !still.contains(user) && gone.insert(user).second)
                io.to(room).emit("member", sb::payload{boost::json::array{
                                               boost::json::object{{"room", room}, {"user", user}, {"joined", false}}}});
    });
}

} // namespace chat
