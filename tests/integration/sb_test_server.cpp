// The integration tests' server: CONTRACT.md beside this file, on Switchboard.
// reference_server.js implements the same contract on Node's socket.io, to prove the
// tests right; every behaviour here must match it except where marked "sb only".
#include <switchboard.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_to.hpp>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iterator>
#include <iostream>
#include <mutex>
#include <string>

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

int flag(int argc, char** argv, const std::string& name, int def)
{
    for (int i = 1; i + 1 < argc; ++i) {
        if (argv[i] == name) {
            char* end = nullptr;
            const long v = std::strtol(argv[i + 1], &end, 10);
            if (*end != '\0') {
                std::cerr << "bad value for " << name << '\n';
                std::exit(2);
            }
            return static_cast<int>(v);
        }
    }
    return def;
}

std::string text_flag(int argc, char** argv, const std::string& name)
{
    for (int i = 1; i + 1 < argc; ++i) {
        if (argv[i] == name) {
            return argv[i + 1];
        }
    }
    return {};
}

std::vector<std::string> split_commas(std::string_view list)
{
    std::vector<std::string> out;
    while (!list.empty()) {
        const auto comma = list.find(',');
        out.emplace_back(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
    return out;
}

json::array sorted_rooms(const sb::socket& s)
{
    auto rooms = s.rooms();
    std::sort(rooms.begin(), rooms.end());
    json::array out;
    for (auto& r : rooms) {
        out.emplace_back(r);
    }
    return out;
}

std::vector<std::string> strings(const json::value* v)
{
    std::vector<std::string> out;
    if (!v) {
        return out;
    }
    if (v->is_string()) {
        out.emplace_back(v->as_string());
    }
    else if (v->is_array()) {
        for (auto& e : v->as_array()) {
            if (e.is_string()) {
                out.emplace_back(e.as_string());
            }
        }
    }
    return out;
}

const json::object& first_object(const sb::event& ev)
{
    static const json::object empty;
    return !ev.args().empty() && ev.args()[0].is_object() ? ev.args()[0].as_object() : empty;
}

/// `args` of a to_room-like request, with the caller's attachments.
sb::payload args_of(const json::object& o, const sb::event& ev)
{
    sb::payload p;
    if (auto* a = o.if_contains("args"); a && a->is_array()) {
        p.args = a->as_array();
    }
    p.attachments = ev.attachments();
    return p;
}

sb::reply whoami(const sb::socket& s)
{
    return json::value(json::object{{"nsp", s.nsp()}, {"id", s.id()}, {"auth", s.auth()}});
}

} // namespace

int main(int argc, char** argv)
{
    for (int i = 1; i < argc; i += 2) {
        const std::string f = argv[i];
        static const char* known[] = {"--port", "--ping-interval", "--ping-timeout", "--max-payload",
                                      "--connect-timeout", "--upgrade-timeout", "--send-buffer", "--threads",
                                      "--recovery", "--http-read-timeout", "--write-timeout", "--close-timeout",
                                      "--allowed-origins", "--cors-origin", "--max-connections",
                                      "--max-per-address", "--handshakes-per-second", "--trusted-proxies",
                                      "--drain-timeout", "--jwt-secret", "--jwt-rs256-pem", "--jwt-es256-pem",
                                      "--tls-cert", "--tls-key", "--log-json", "--metrics-token",
                                      "--ack-unknown-events", "--handler-deadline", "--max-dynamic-namespaces"};
        if (std::find_if(std::begin(known), std::end(known), [&](const char* k) { return f == k; }) ==
                std::end(known) ||
            i + 1 >= argc) {
            std::cerr << "unknown flag " << f << '\n';
            return 2;
        }
    }
    sb::server server{sb::server_options{
        .address = "127.0.0.1",
        .port = static_cast<std::uint16_t>(flag(argc, argv, "--port", 0)),
        .threads = static_cast<unsigned>(flag(argc, argv, "--threads", 2)),
        .allowed_origins = split_commas(text_flag(argc, argv, "--allowed-origins")),
        .cors_origin = text_flag(argc, argv, "--cors-origin"),
        .engine = {.ping_interval = std::chrono::milliseconds{flag(argc, argv, "--ping-interval", 1000)},
                   .ping_timeout = std::chrono::milliseconds{flag(argc, argv, "--ping-timeout", 500)},
                   .upgrade_timeout = std::chrono::milliseconds{flag(argc, argv, "--upgrade-timeout", 2000)},
                   .max_payload = static_cast<std::size_t>(flag(argc, argv, "--max-payload", 100000)),
                   .max_send_buffer = static_cast<std::size_t>(flag(argc, argv, "--send-buffer", 1048576)),
                   // allowRequest (CONTRACT.md): `forbidden=1` or an `x-refuse` header is
                   // refused, `refuse=<message>` is refused with that message after 50 ms.
                   .allow_request = [](const sb::handshake_info& h) -> sb::task<std::optional<sb::request_refusal>> {
                       const auto query = h.query();
                       if (query.contains("forbidden") && query.at("forbidden") == "1") {
                           co_return sb::request_refusal{};
                       }
                       if (!h.header("X-Refuse").empty()) {
                           co_return sb::request_refusal{"refused by header: " + h.header("x-refuse")};
                       }
                       if (const auto* m = query.if_contains("refuse")) {
                           boost::asio::steady_timer t(co_await boost::asio::this_coro::executor);
                           t.expires_after(std::chrono::milliseconds{50});
                           co_await t.async_wait(boost::asio::use_awaitable);
                           co_return sb::request_refusal{std::string(m->as_string())};
                       }
                       co_return std::nullopt;
                   }},
        .socketio = {.connect_timeout = std::chrono::milliseconds{flag(argc, argv, "--connect-timeout", 2000)},
                     .handler_deadline = std::chrono::milliseconds{flag(argc, argv, "--handler-deadline", 30000)},
                     .ack_unknown_events = flag(argc, argv, "--ack-unknown-events", 1) != 0,
                     .max_dynamic_namespaces =
                         static_cast<std::size_t>(flag(argc, argv, "--max-dynamic-namespaces", 10000)),
                     // --recovery MS: connection state recovery for every namespace (Node's
                     // connectionStateRecovery with maxDisconnectionDuration MS).
                     .connection_state_recovery =
                         flag(argc, argv, "--recovery", 0) > 0
                             ? std::optional<sb::recovery_options>(sb::recovery_options{
                                   .max_disconnection_duration =
                                       std::chrono::milliseconds{flag(argc, argv, "--recovery", 0)}})
                             : std::nullopt},
        .timeouts = {.http_read = std::chrono::milliseconds{flag(argc, argv, "--http-read-timeout", 60000)},
                     .write = std::chrono::milliseconds{flag(argc, argv, "--write-timeout", 30000)},
                     .close = std::chrono::milliseconds{flag(argc, argv, "--close-timeout", 5000)},
                     // The contract exits within 1 s of SIGTERM: a short drain by default.
                     .drain = std::chrono::milliseconds{flag(argc, argv, "--drain-timeout", 500)}},
        .limits = {.max_connections = static_cast<std::size_t>(flag(argc, argv, "--max-connections", 0)),
                   .max_connections_per_address = static_cast<std::size_t>(flag(argc, argv, "--max-per-address", 0)),
                   .handshakes_per_second = static_cast<double>(flag(argc, argv, "--handshakes-per-second", 0)),
                   .trusted_proxies = split_commas(text_flag(argc, argv, "--trusted-proxies"))},
        // --log-json 1: every log record as `LOG {json}` on stderr, for tests to read.
        .log = flag(argc, argv, "--log-json", 0) == 0
                   ? std::function<void(const sb::log_record&)>{}
                   : [](const sb::log_record& r) {
                         static std::mutex m;
                         static const char* levels[] = {"debug", "info", "warning", "error"};
                         json::object o{{"level", levels[static_cast<int>(r.level)]}, {"component", r.component},
                                        {"message", r.message}, {"socket_id", r.socket_id}, {"nsp", r.nsp}};
                         std::lock_guard lock(m);
                         std::cerr << "LOG " << json::serialize(o) << std::endl;
                     },
        .metrics_token = text_flag(argc, argv, "--metrics-token"),
        .tls = text_flag(argc, argv, "--tls-cert").empty()
                   ? std::nullopt
                   : std::optional<sb::tls_options>(sb::tls_options{.cert_file = text_flag(argc, argv, "--tls-cert"),
                                                                    .key_file = text_flag(argc, argv, "--tls-key")}),
    }};

    // Plain Engine.IO on /engine.io/ (CONTRACT.md): echo, `transport`, `close-me`.
    server.engine_io("/engine.io/", [](sb::engine_socket_ptr s) {
        s->send("hello");
        s->on_message([raw = s.get()](std::string_view data, bool binary) {
            if (!binary && data == "close-me") {
                raw->close();
            }
            else if (!binary && data == "transport") {
                raw->send(raw->transport());
            }
            else {
                raw->send(data, binary);
            }
        });
    });
    auto io = server.of("/");

    // Disconnect reasons, from every namespace; shards record them concurrently.
    std::mutex reasons_mutex;
    std::deque<json::object> reasons;
    auto record = [&, io](sb::socket_ptr s, std::string_view reason) {
        json::object r{{"id", s->id()}, {"reason", reason}};
        {
            std::lock_guard lock(reasons_mutex);
            reasons.push_back(r);
            if (reasons.size() > 50) {
                reasons.pop_front();
            }
        }
        r["nsp"] = s->nsp();
        io.to("watchers").emit("disconnected", sb::payload{json::array{r}});
    };

    io.on("echo", [](sb::socket_ptr s, sb::event ev) -> sb::task<sb::reply> {
        const bool ack = ev.wants_ack();
        sb::payload p = std::move(ev).into_payload();
        if (!ack) {
            s->emit("echo", std::move(p));
        }
        co_return p;
    });
    io.on("join", [](sb::socket_ptr s, sb::event ev) -> sb::task<sb::reply> {
        s->join(strings(ev.args().empty() ? nullptr : &ev.args()[0]));
        co_return json::value(sorted_rooms(*s));
    });
    io.on("leave", [](sb::socket_ptr s, sb::event ev) -> sb::task<sb::reply> {
        for (auto& r : strings(ev.args().empty() ? nullptr : &ev.args()[0])) {
            s->leave(r);
        }
        co_return json::value(sorted_rooms(*s));
    });
    io.on("rooms", [](sb::socket_ptr s, sb::event) -> sb::task<sb::reply> { co_return json::value(sorted_rooms(*s)); });
    io.on("to_room", [](sb::socket_ptr s, sb::event ev) -> sb::task<sb::reply> {
        const auto& o = first_object(ev);
        s->to(strings(o.if_contains("rooms")))
            .except(strings(o.if_contains("except")))
            .emit(json::value_to<std::string>(o.at("event")), args_of(o, ev));
        co_return json::value("ok");
    });
    io.on("server_to_room", [io](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        const auto& o = first_object(ev);
        io.to(strings(o.if_contains("rooms")))
            .except(strings(o.if_contains("except")))
            .emit(json::value_to<std::string>(o.at("event")), args_of(o, ev));
        co_return json::value("ok");
    });
    io.on("broadcast", [](sb::socket_ptr s, sb::event ev) -> sb::task<sb::reply> {
        const auto& o = first_object(ev);
        s->broadcast().emit(json::value_to<std::string>(o.at("event")), args_of(o, ev));
        co_return json::value("ok");
    });
    io.on("volatile_to_room", [io](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        const auto& o = first_object(ev);
        io.to(strings(o.if_contains("rooms"))).volatile_().emit(json::value_to<std::string>(o.at("event")), args_of(o, ev));
        co_return json::value("ok");
    });
    io.on("ask", [](sb::socket_ptr s, sb::event ev) -> sb::task<sb::reply> {
        const auto& o = first_object(ev);
        const auto timeout = std::chrono::milliseconds{json::value_to<std::int64_t>(o.at("timeout"))};
        auto r = co_await s->emit_with_ack(json::value_to<std::string>(o.at("event")), args_of(o, ev), timeout);
        if (r.ec) {
            co_return json::value(json::object{{"ok", false}, {"error", r.ec.message()}});
        }
        co_return sb::payload{json::array{json::object{{"ok", true}, {"reply", r.reply.args}}}, r.reply.attachments};
    });
    io.on("ask_room", [io](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        const auto& o = first_object(ev);
        const auto timeout = std::chrono::milliseconds{json::value_to<std::int64_t>(o.at("timeout"))};
        auto r = co_await io.to(json::value_to<std::string>(o.at("room")))
                     .timeout(timeout)
                     .emit_with_ack(json::value_to<std::string>(o.at("event")), args_of(o, ev));
        std::sort(r.responses.begin(), r.responses.end(),
                  [](const json::value& a, const json::value& b) { return json::serialize(a) < json::serialize(b); });
        json::array responses(r.responses.begin(), r.responses.end());
        co_return json::value(json::object{{"responses", std::move(responses)}, {"timed_out", bool(r.ec)}});
    });
    io.on("binary_echo", [](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        co_return std::move(ev).into_payload();
    });
    io.on("room_size", [io](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        const auto& o = first_object(ev);
        co_return json::value(co_await io.room_size(json::value_to<std::string>(o.at("room"))));
    });
    io.on("disconnect_me", [](sb::socket_ptr s, sb::event) -> sb::task<sb::reply> {
        s->disconnect();
        co_return sb::reply{};
    });
    io.on("reasons", [&](sb::socket_ptr, sb::event) -> sb::task<sb::reply> {
        std::lock_guard lock(reasons_mutex);
        co_return json::value(json::array(reasons.begin(), reasons.end()));
    });
    io.on("whoami", [](sb::socket_ptr s, sb::event) -> sb::task<sb::reply> { co_return whoami(*s); });
    io.on("handshake", [](sb::socket_ptr s, sb::event) -> sb::task<sb::reply> {
        co_return json::value(s->handshake().to_json(s->auth()));
    });
    io.on("recovered", [](sb::socket_ptr s, sb::event) -> sb::task<sb::reply> { co_return json::value(s->recovered()); });
    io.on("set_data", [](sb::socket_ptr s, sb::event ev) -> sb::task<sb::reply> {
        s->data = ev.args().empty() ? json::value(nullptr) : ev.args()[0];
        co_return json::value("ok");
    });
    io.on("get_data", [](sb::socket_ptr s, sb::event) -> sb::task<sb::reply> { co_return s->data; });
    io.on("slow", [](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        const auto& o = first_object(ev);
        boost::asio::steady_timer t(co_await boost::asio::this_coro::executor);
        t.expires_after(std::chrono::milliseconds{json::value_to<std::int64_t>(o.at("ms"))});
        co_await t.async_wait(boost::asio::use_awaitable);
        co_return json::value("done");
    });
    // no_ack: the handler declines to acknowledge, even though the client asked.
    io.on("no_ack", [](sb::socket_ptr, sb::event) -> sb::task<sb::reply> { co_return sb::reply::no_ack(); });
    io.on("fail", [](sb::socket_ptr, sb::event) -> sb::task<sb::reply> {
        throw std::runtime_error("the handler failed on purpose");
        co_return sb::reply{};
    });
    io.on_disconnect(record);

    auto admin = server.of("/admin");
    admin.use([](sb::socket_ptr s) -> sb::task<std::optional<sb::connect_error>> {
        const auto* token = s->auth().if_contains("token");
        if (token && token->is_string() && token->as_string() == "throw") {
            // sb only: a middleware that throws; the client must not see this text.
            throw std::runtime_error("middleware failed: /etc/secret.conf");
        }
        if (token && token->is_string() && token->as_string() == "secret") {
            co_return std::nullopt;
        }
        co_return sb::connect_error{"not authorized", json::object{{"code", "E_AUTH"}}};
    });
    admin.on("whoami", [](sb::socket_ptr s, sb::event) -> sb::task<sb::reply> { co_return whoami(*s); });
    admin.on_disconnect(record);

    auto dyn = server.of(std::regex(R"(/dyn-\w+)"), "/^\\/dyn-\\w+$/");
    dyn.on("whoami", [](sb::socket_ptr s, sb::event) -> sb::task<sb::reply> { co_return whoami(*s); });
    dyn.on_disconnect(record);

    // sb only: /ticker, a ticker-like namespace with room histories and a plain
    // EventSource endpoint (GET /ticker/sse?symbols=A,B and GET /ticker/history).
    // sb only: /jwt, a namespace behind sb::jwt::middleware when any --jwt-* flag is given
    // (iss "switchboard-tests", aud "sb"); `claims` answers with what the token said.
    {
        std::vector<sb::jwt::key> keys;
        auto read_file = [](const std::string& path) {
            std::ifstream in(path);
            return std::string(std::istreambuf_iterator<char>(in), {});
        };
        if (auto secret = text_flag(argc, argv, "--jwt-secret"); !secret.empty()) {
            keys.push_back(sb::jwt::key::hs256(secret));
        }
        if (auto f = text_flag(argc, argv, "--jwt-rs256-pem"); !f.empty()) {
            keys.push_back(sb::jwt::key::rs256(read_file(f)));
        }
        if (auto f = text_flag(argc, argv, "--jwt-es256-pem"); !f.empty()) {
            keys.push_back(sb::jwt::key::es256(read_file(f)));
        }
        if (!keys.empty()) {
            auto secured = server.of("/jwt");
            secured.use(sb::jwt::middleware(
                sb::jwt::verifier{{.keys = std::move(keys), .issuer = "switchboard-tests", .audience = "sb"}}));
            secured.on("claims", [](sb::socket_ptr s, sb::event) -> sb::task<sb::reply> {
                co_return s->data.as_object().at("jwt");
            });
        }
    }

    auto ticker = server.of("/ticker");
    ticker.history("sym:*", {.capacity = 1024, .ttl = 120s})
        .history("market", {.capacity = 16, .ttl = 600s})
        .history("tiny:*", {.capacity = 3, .ttl = 120s});
    ticker.eventsource(sb::eventsource_options{
        .handshake = [](const json::object& q, json::object& hs) -> std::optional<sb::connect_error> {
            // symbols=A,B (1..12 chars of A-Z0-9., at most 50), tiny=name (a room tiny:name)
            json::array symbols;
            if (const auto* v = q.if_contains("symbols"); v && !v->as_string().empty()) {
                std::string_view list = v->as_string();
                while (!list.empty()) {
                    const auto comma = list.find(',');
                    const auto sym = list.substr(0, comma);
                    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
                    const bool ok = !sym.empty() && sym.size() <= 12 &&
                                    std::all_of(sym.begin(), sym.end(), [](char c) {
                                        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.';
                                    });
                    if (!ok) {
                        return sb::connect_error{"bad symbol", json::object{{"symbol", sym}}};
                    }
                    symbols.emplace_back(sym);
                }
            }
            if (symbols.size() > 50) {
                return sb::connect_error{"too many symbols"};
            }
            hs["symbols"] = std::move(symbols);
            if (const auto* t = q.if_contains("tiny")) {
                hs["tiny"] = *t;
            }
            if (const auto* d = q.if_contains("deny")) {
                hs["deny"] = *d;
            }
            return std::nullopt;
        },
        .retry = 300ms,
    });
    ticker.use([](sb::socket_ptr s) -> sb::task<std::optional<sb::connect_error>> {
        if (s->auth().contains("deny")) {
            co_return sb::connect_error{"denied", json::object{{"code", "E_DENIED"}}};
        }
        co_return std::nullopt;
    });
    ticker.on_connection([](sb::socket_ptr s) -> sb::task<void> {
        // EventSource sockets (and Socket.IO ones, from their auth) join their symbols.
        s->join("market");
        if (const auto* syms = s->auth().if_contains("symbols"); syms && syms->is_array()) {
            for (const auto& v : syms->as_array()) {
                if (v.is_string()) {
                    s->join("sym:" + std::string(v.as_string()));
                }
            }
        }
        if (const auto* t = s->auth().if_contains("tiny"); t && t->is_string()) {
            s->join("tiny:" + std::string(t->as_string()));
        }
        co_return;
    });
    // publish({event, rooms, data, resumable?, conflate?, volatile?}): an emit in /ticker.
    auto publish = [ticker](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        const auto& o = first_object(ev);
        auto op = ticker.to(strings(o.if_contains("rooms")));
        if (const auto* r = o.if_contains("resumable"); r && r->is_bool() && r->as_bool()) {
            op = op.resumable();
        }
        if (const auto* c = o.if_contains("conflate"); c && c->is_string()) {
            op = op.conflate(std::string(c->as_string()));
        }
        if (const auto* v = o.if_contains("volatile"); v && v->is_bool() && v->as_bool()) {
            op = op.volatile_();
        }
        const auto event = json::value_to<std::string>(o.at("event"));
        if (const auto* n = o.if_contains("repeat"); n && n->is_int64()) {
            // repeat: N emits of data (an object) with "i": 0..N-1 added.
            for (std::int64_t i = 0; i < n->as_int64(); ++i) {
                json::object d = o.contains("data") && o.at("data").is_object() ? o.at("data").as_object() : json::object{};
                d["i"] = i;
                op.emit(event, sb::payload{json::array{std::move(d)}});
            }
            co_return json::value("ok");
        }
        sb::payload p;
        if (const auto* d = o.if_contains("data")) {
            p.args.push_back(*d);
        }
        op.emit(event, std::move(p));
        co_return json::value("ok");
    };
    ticker.on("publish", publish);
    ticker.on("kick", [ticker](sb::socket_ptr, sb::event ev) -> sb::task<sb::reply> {
        ticker.to(json::value_to<std::string>(first_object(ev).at("room"))).disconnect_sockets();
        co_return json::value("ok");
    });
    io.on("ticker_publish", publish);
    ticker.on("rooms", [](sb::socket_ptr s, sb::event) -> sb::task<sb::reply> { co_return json::value(sorted_rooms(*s)); });
    ticker.on_disconnect(record);

    try {
        server.start();
    }
    catch (const std::exception& e) {
        std::cerr << "sb_test_server: " << e.what() << '\n';
        return 1;
    }
    std::cout << "listening " << server.port() << std::endl;
    server.run();
    return 0;
}
