// One Switchboard node of a test cluster: CONTRACT.md beside this file. node_cluster_node.js
// is the same contract on Node's socket.io with the official @socket.io/redis-adapter, so
// the tests run mixed clusters and prove both sides against each other.
#include <switchboard.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

std::string arg(int argc, char** argv, const std::string& name, std::string def)
{
    for (int i = 1; i + 1 < argc; ++i) {
        if (argv[i] == name) {
            return argv[i + 1];
        }
    }
    return def;
}

const json::object& obj(const sb::event& ev)
{
    static const json::object empty;
    return !ev.args().empty() && ev.args()[0].is_object() ? ev.args()[0].as_object() : empty;
}

std::string str(const json::object& o, const char* key, std::string def = {})
{
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : def;
}

sb::payload args_of(const json::object& o, const sb::event& ev)
{
    sb::payload p;
    if (auto* a = o.if_contains("args"); a && a->is_array()) {
        p.args = a->as_array();
    }
    p.attachments = ev.attachments();
    return p;
}

/// Answers in a stable order (they arrive in any), sorted by their JSON text.
json::array sorted_by_text(const std::vector<json::value>& values)
{
    std::vector<std::string> texts;
    for (auto& v : values) {
        texts.push_back(json::serialize(v));
    }
    std::sort(texts.begin(), texts.end());
    json::array a;
    for (auto& t : texts) {
        a.push_back(json::parse(t));
    }
    return a;
}

/// The operator a request selects: {room?, rooms?, except?, local?}.
sb::broadcast_operator select(const sb::namespace_& io, const json::object& o)
{
    sb::broadcast_operator op = io.to(std::vector<std::string>{});
    if (auto* r = o.if_contains("room"); r && r->is_string()) {
        op = op.to(std::string(r->as_string()));
    }
    if (auto* e = o.if_contains("except"); e && e->is_string()) {
        op = op.except(std::string(e->as_string()));
    }
    if (auto* l = o.if_contains("local"); l && l->is_bool() && l->as_bool()) {
        op = op.local();
    }
    if (auto* r = o.if_contains("resumable"); r && r->is_bool() && r->as_bool()) {
        op = op.resumable();
    }
    return op;
}

/// Every event of CONTRACT.md, on `io`.
void serve_contract(sb::namespace_ io, const std::string& name)
{

    io.on("name", [name](sb::socket_ptr, sb::event) -> sb::task<sb::reply> { co_return json::value(name); });
    io.on("join", [](sb::socket_ptr s, sb::event ev) -> sb::task<sb::reply> {
        s->join(json::value_to<std::string>(ev.args().at(0)));
        co_return json::value("ok");
    });
    io.on("leave", [](sb::socket_ptr s, sb::event ev) -> sb::task<sb::reply> {
        s->leave(json::value_to<std::string>(ev.args().at(0)));
        co_return json::value("ok");
    });
    io.on("my_rooms", [](sb::socket_ptr s, sb::event) -> sb::task<sb::reply> {
        auto rooms = s->rooms();
        std::sort(rooms.begin(), rooms.end());
        json::array a;
        for (auto& r : rooms) {
            a.emplace_back(r);
        }
        co_return json::value(a);
    });
    // {room?, except?, local?, event, args}: io.to(room).except(except).emit(event, ...args)
    io.on("emit", [io](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        const auto& o = obj(ev);
        select(io, o).emit(str(o, "event"), args_of(o, ev));
        co_return json::value("ok");
    });
    // {room?, event, args}: socket.to(room).emit / socket.broadcast.emit (the sender excluded)
    io.on("emit_from_me", [](sb::socket_ptr s, sb::event ev) -> sb::task<sb::reply> {
        const auto& o = obj(ev);
        auto op = o.contains("room") ? s->to(str(o, "room")) : s->broadcast();
        op.emit(str(o, "event"), args_of(o, ev));
        co_return json::value("ok");
    });
    // {room?, except?, local?} → {ids (sorted), partial}
    io.on("fetch", [io](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        auto r = co_await select(io, obj(ev)).fetch_sockets();
        std::vector<std::string> ids;
        for (auto& s : r.sockets) {
            ids.push_back(s.id);
        }
        std::sort(ids.begin(), ids.end());
        json::array a;
        for (auto& id : ids) {
            a.emplace_back(id);
        }
        json::object out{{"ids", a}, {"partial", r.partial}};
        if (!r.sockets.empty()) {
            out["sample"] = json::object{{"rooms", json::value_from(r.sockets.front().rooms)},
                                         {"data", r.sockets.front().data}};
        }
        co_return json::value(out);
    });
    io.on("set_data", [](sb::socket_ptr s, sb::event ev) -> sb::task<sb::reply> {
        s->data = ev.args().empty() ? json::value(nullptr) : ev.args()[0];
        co_return json::value("ok");
    });
    io.on("room_size", [io](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        co_return json::value(co_await io.room_size(json::value_to<std::string>(ev.args().at(0))));
    });
    io.on("rooms", [io](sb::socket_ptr, sb::event) -> sb::task<sb::reply> {
        auto rooms = co_await io.rooms();
        json::object o;
        for (auto& [room, n] : rooms) {
            o[room] = n;
        }
        co_return json::value(o);
    });
    // {room?, except?, local?, join|leave|disconnect}
    io.on("sockets", [io](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        const auto& o = obj(ev);
        auto op = select(io, o);
        if (o.contains("join")) {
            op.sockets_join(str(o, "join"));
        }
        else if (o.contains("leave")) {
            op.sockets_leave(str(o, "leave"));
        }
        else if (o.contains("disconnect")) {
            op.disconnect_sockets(o.at("disconnect").as_bool());
        }
        co_return json::value("ok");
    });
    // {room?, timeout, event, args} → {responses (sorted by JSON text), missing, timeout}
    io.on("ask", [io](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        const auto& o = obj(ev);
        auto op = select(io, o).timeout(std::chrono::milliseconds{o.at("timeout").to_number<int>()});
        auto r = co_await op.emit_with_ack(str(o, "event", "question"), args_of(o, ev));
        auto a = sorted_by_text(r.responses);
        co_return json::value(json::object{{"responses", a}, {"missing", r.missing}, {"timeout", bool(r.ec)}});
    });
    io.on("server_emit", [io](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        const auto& o = obj(ev);
        io.server_side_emit(str(o, "event"), args_of(o, ev));
        co_return json::value("ok");
    });
    io.on("server_ask", [io](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        const auto& o = obj(ev);
        auto r = co_await io.server_side_emit_with_ack(str(o, "event"), args_of(o, ev),
                                                       std::chrono::milliseconds{o.at("timeout").to_number<int>()});
        auto a = sorted_by_text(r.responses);
        co_return json::value(json::object{{"responses", a}, {"timeout", bool(r.ec)}});
    });
    io.on("server_count", [io](sb::socket_ptr, sb::event) -> sb::task<sb::reply> {
        co_return json::value(co_await io.server_count());
    });
    // Server-side events: "ping" answers with this node's name; "note" is relayed to
    // this node's clients as "noted".
    io.on_server_event("ping", [name](sb::payload) -> sb::task<sb::reply> { co_return json::value("pong:" + name); });
    io.on_server_event("note", [io](sb::payload p) -> sb::task<sb::reply> {
        io.local().emit("noted", std::move(p));
        co_return sb::reply{};
    });
}

} // namespace

int main(int argc, char** argv)
{
    const std::string name = arg(argc, argv, "--name", "sb");
    sb::server_options opts{
        .address = "127.0.0.1",
        .port = static_cast<std::uint16_t>(std::atoi(arg(argc, argv, "--port", "0").c_str())),
        .threads = static_cast<unsigned>(std::atoi(arg(argc, argv, "--threads", "2").c_str())),
    };
    opts.redis = sb::redis_options{.url = arg(argc, argv, "--redis", "redis://127.0.0.1:6379"),
                                   .requests_timeout = std::chrono::milliseconds{
                                       std::atoi(arg(argc, argv, "--requests-timeout", "2000").c_str())},
                                   .max_message = 1 << 20,
                                   .max_backoff = 1000ms,
                                   .durable_queue = static_cast<std::size_t>(
                                       std::atoi(arg(argc, argv, "--durable-queue", "10000").c_str()))};
    sb::server server{opts};
    serve_contract(server.of("/"), name);
    // The same contract where connection state recovery is on: numbered by the cluster
    // (the durable layer), so a client recovers on any node. `recovered` tells.
    auto durable = server.of("/durable");
    durable.connection_state_recovery(sb::recovery_options{
        .max_disconnection_duration = std::chrono::milliseconds{std::atoi(arg(argc, argv, "--recovery-ms", "60000").c_str())}});
    serve_contract(durable, name);
    durable.on("recovered", [](sb::socket_ptr s, sb::event) -> sb::task<sb::reply> {
        co_return json::value(s->recovered());
    });
    durable.on("get_data", [](sb::socket_ptr s, sb::event) -> sb::task<sb::reply> { co_return s->data; });
    // Room histories ("h:*", 100 events) and the plain EventSource endpoint, so that
    // GET /durable/history?room=h:..&after= can be asked of any node.
    durable.history("h:*", sb::history_options{.capacity = 100});
    durable.eventsource();
    // Presence on /durable: `members` (room) answers the sorted ids of its members on
    // every live node; a dead node's members are announced to everyone as `lost`.
    durable.presence(sb::presence_options{.heartbeat = 500ms, .node_timeout = 2000ms});
    durable.on("members", [durable](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        auto members = co_await durable.members(json::value_to<std::string>(ev.args().at(0)));
        std::vector<std::string> ids;
        for (auto& m : members) {
            ids.push_back(m.id);
        }
        std::sort(ids.begin(), ids.end());
        co_return json::value(json::value_from(ids));
    });
    durable.on_members_lost([durable](std::string room, std::vector<sb::presence_member> lost) -> sb::task<void> {
        std::vector<std::string> ids;
        for (auto& m : lost) {
            ids.push_back(m.id);
        }
        std::sort(ids.begin(), ids.end());
        durable.emit("lost", sb::payload{json::array{json::object{{"room", room}, {"ids", json::value_from(ids)}}}});
        co_return;
    });

    server.start();
    std::cout << "listening " << server.port() << std::endl;
    server.run();
    return 0;
}
