#include "chat/chat.hpp"

#include <boost/json/value_to.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace json = boost::json;

namespace chat {

namespace {

constexpr std::size_t history_length = 50;
constexpr std::size_t max_text = 2000;

/// Room state shared by all shards (a handler runs on its socket's shard): guarded by
/// one mutex, held only to copy or append, never across a co_await or an emit.
struct state {
    struct room {
        std::deque<json::object> history;
        std::map<std::string, std::string> members;  // socket id -> nick
    };
    std::mutex mutex;
    std::map<std::string, room> rooms;
    std::uint64_t next_id = 1;
};

std::int64_t now_ms()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string string_field(const json::array& args, std::string_view key)
{
    if (args.empty() || !args[0].is_object()) {
        return {};
    }
    const auto* v = args[0].as_object().if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}

bool valid_name(const std::string& s)
{
    return !s.empty() && s.size() <= 32 && s.find_first_of("<>\"'&") == std::string::npos;
}

} // namespace

void mount(sb::server& server)
{
    auto st = std::make_shared<state>();
    auto io = server.of("/");

    io.on("join", [st](sb::socket_ptr s, sb::event ev) -> sb::task<sb::reply> {
        const auto room = string_field(ev.args(), "room");
        const auto nick = string_field(ev.args(), "nick");
        if (!valid_name(room) || !valid_name(nick)) {
            co_return sb::app_error{"bad_payload", "room and nick: 1 to 32 characters, no markup"};
        }
        json::array history, members;
        {
            std::lock_guard lock(st->mutex);
            auto& r = st->rooms[room];
            for (const auto& [id, n] : r.members) {
                if (n == nick && id != s->id()) {
                    co_return sb::app_error{"nick_taken", "\"" + nick + "\" is already in " + room};
                }
            }
            r.members[s->id()] = nick;
            history = json::array(r.history.begin(), r.history.end());
            for (const auto& [id, n] : r.members) {
                members.emplace_back(n);
            }
        }
        s->join(room);
        s->to(room).emit("presence", {{json::object{{"room", room}, {"nick", nick}, {"joined", true}}}});
        co_return json::value(json::object{{"room", room}, {"history", history}, {"members", members}});
    });

    io.on("message", [st](sb::socket_ptr s, sb::event ev) -> sb::task<sb::reply> {
        const auto room = string_field(ev.args(), "room");
        const auto text = string_field(ev.args(), "text");
        if (text.empty() || text.size() > max_text) {
            co_return sb::app_error{"bad_payload", "text: 1 to 2000 bytes", "/text"};
        }
        json::object msg;
        {
            std::lock_guard lock(st->mutex);
            auto it = st->rooms.find(room);
            if (it == st->rooms.end() || !it->second.members.contains(s->id())) {
                co_return sb::app_error{"forbidden", "join " + room + " first"};
            }
            msg = {{"id", st->next_id++}, {"room", room}, {"nick", it->second.members[s->id()]},
                   {"text", text}, {"ts", now_ms()}};
            it->second.history.push_back(msg);
            if (it->second.history.size() > history_length) {
                it->second.history.pop_front();
            }
        }
        s->to(room).emit("message", {{msg}});
        co_return json::value(json::object{{"id", msg["id"]}, {"ts", msg["ts"]}});
    });

    io.on("typing", [st](sb::socket_ptr s, sb::event ev) -> sb::task<sb::reply> {
        const auto room = string_field(ev.args(), "room");
        std::string nick;
        {
            std::lock_guard lock(st->mutex);
            auto it = st->rooms.find(room);
            if (it == st->rooms.end() || !it->second.members.contains(s->id())) {
                co_return sb::reply{};
            }
            nick = it->second.members[s->id()];
        }
        // Volatile: a typing notice is worthless once late.
        s->to(room).volatile_().emit("typing", {{json::object{{"room", room}, {"nick", nick}}}});
        co_return sb::reply{};
    });

    io.on_disconnecting([st](sb::socket_ptr s, std::string_view) {
        for (const auto& room : s->rooms()) {
            std::string nick;
            {
                std::lock_guard lock(st->mutex);
                auto it = st->rooms.find(room);
                if (it == st->rooms.end()) {
                    continue;
                }
                auto m = it->second.members.find(s->id());
                if (m == it->second.members.end()) {
                    continue;
                }
                nick = m->second;
                it->second.members.erase(m);
            }
            s->to(room).emit("presence", {{json::object{{"room", room}, {"nick", nick}, {"joined", false}}}});
        }
    });
}

} // namespace chat
