// sb::instrument(): the server side of @socket.io/admin-ui 0.5 (its dist/index.js), on the
// observer seam of core (core/observer.hpp). docs/production.md "The Socket.IO Admin UI" is the user's
// view; the wire facts below are the package's.
//
//   to the UI   session, config, all_sockets, server_stats, socket_connected,
//               socket_updated, socket_disconnected, room_joined, room_left,
//               event_received, event_sent
//   from it     join, leave, _disconnect, emit   (fire and forget, no acks)
#include "core/node.hpp"
#include "core/observer.hpp"
#include "core/socket_impl.hpp"
#include "core/ids.hpp"
#include "runtime/server_impl.hpp"

#include <switchboard/admin_ui.hpp>
#include <switchboard/server.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace sb {
namespace detail {
namespace {

namespace net = boost::asio;
namespace json = boost::json;

/// "2026-12-02T19:55:00.123Z", as JSON.stringify(new Date()).
std::string iso_now()
{
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];  // room for any int the format could print, so GCC sees no truncation
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
}

/// `$2a$10$` + 53 characters: what bcrypt (and bcryptjs.getRounds) accepts.
bool is_bcrypt(std::string_view h) noexcept
{
    return h.size() == 60 && h[0] == '$' && h[1] == '2' && (h[2] == 'a' || h[2] == 'b' || h[2] == 'y') &&
           h[3] == '$' && h[4] >= '0' && h[4] <= '3' && h[5] >= '0' && h[5] <= '9' && h[6] == '$';
}

/// bcrypt through libxcrypt's crypt_r (glibc's libcrypt on Debian): the same hashes as
/// bcryptjs. Slow on purpose (2^cost rounds): run off the shards.
bool bcrypt_matches(const std::string& password, const std::string& hash)
{
    auto data = std::make_unique<crypt_data>();  // ~32 KiB: not on a coroutine's stack
    std::memset(data.get(), 0, sizeof(crypt_data));
    const char* out = crypt_r(password.c_str(), hash.c_str(), data.get());
    return out && std::strlen(out) == hash.size() && CRYPTO_memcmp(out, hash.data(), hash.size()) == 0;
}

/// bcrypt_matches() as an awaitable, for the hashing thread.
net::awaitable<bool> check_password(std::string password, std::string hash)
{
    co_return bcrypt_matches(password, hash);
}

/// 16 hex characters, as the package's randomBytes(8).toString("hex").
std::string random_session_id()
{
    unsigned char bytes[8];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
        throw std::runtime_error("admin UI: no randomness for a session id");
    }
    return hex_of(bytes, sizeof bytes);
}

std::string host_name()
{
    char buf[256] = {};
    return ::gethostname(buf, sizeof buf - 1) == 0 ? std::string(buf) : std::string("localhost");
}

/// The package's serialize(): the handshake without `auth`, and `address` as it reads it.
json::object ui_handshake(json::object hs)
{
    hs.erase("auth");
    if (const auto* headers = hs.if_contains("headers"); headers && headers->is_object()) {
        for (const char* h : {"cf-connecting-ip", "x-forwarded-for"}) {
            if (const auto* v = headers->as_object().if_contains(h); v && v->is_string()) {
                hs["address"] = *v;
                break;
            }
        }
    }
    return hs;
}

/// `socket.data` without the package's own `_admin` key; `{}` when unset.
json::value ui_data(const json::value& data)
{
    if (data.is_null()) {
        return json::object{};
    }
    if (const auto* o = data.if_object(); o && o->contains("_admin")) {
        json::object copy = *o;
        copy.erase("_admin");
        return copy;
    }
    return data;
}

/// What the UI groups sockets by and counts transports with, kept per local socket.
struct tracked {
    std::string nsp;
    std::string client_id;  ///< first 12 characters of the Engine.IO session id
    std::string transport;  ///< "polling", "websocket" (updated on upgrade), "eventsource"
};

class admin_ui final : public observer, public std::enable_shared_from_this<admin_ui> {
public:
    admin_ui(server_impl& srv, admin_ui_options o)
        : srv_(srv), opts_(std::move(o)), hostname_(host_name()), started_(std::chrono::steady_clock::now())
    {
    }
    ~admin_ui() override { hashing_.join(); }

    void mount(sb::server& s);

    // ---- observer: on the socket's shard --------------------------------------------
    void connected(sb::socket& s) override
    {
        auto& impl = socket_impl::of(s);
        std::string client = impl.conn() ? std::string(impl.conn()->sink().id().substr(0, 12)) : std::string{};
        {
            std::lock_guard lock(mutex_);
            sockets_[std::string(s.id())] = tracked{s.nsp(), client, std::string(s.transport())};
        }
        if (verbose()) {
            tell(s, "socket_connected", json::array{serialize(s), iso_now()});
        }
    }
    void upgraded(sb::socket& s) override
    {
        const std::string transport(s.transport());
        {
            std::lock_guard lock(mutex_);
            if (auto it = sockets_.find(std::string(s.id())); it != sockets_.end()) {
                it->second.transport = transport;
            }
        }
        if (verbose()) {
            tell(s, "socket_updated", json::array{json::object{{"id", s.id()}, {"nsp", s.nsp()}, {"transport", transport}}});
        }
    }
    void disconnected(sb::socket& s, std::string_view reason) override
    {
        {
            std::lock_guard lock(mutex_);
            sockets_.erase(std::string(s.id()));
            pending_session_.erase(std::string(s.id()));
        }
        if (verbose()) {
            tell(s, "socket_disconnected", json::array{json::string(s.nsp()), json::string(s.id()), json::string(reason), iso_now()});
        }
    }
    void joined(sb::socket& s, const std::string& room) override
    {
        if (verbose()) {
            tell(s, "room_joined", json::array{json::string(s.nsp()), json::string(room), json::string(s.id()), iso_now()});
        }
    }
    void left(sb::socket& s, const std::string& room) override
    {
        if (verbose()) {
            tell(s, "room_left", json::array{json::string(s.nsp()), json::string(room), json::string(s.id()), iso_now()});
        }
    }
    void received(sb::socket& s, std::string_view raw) override
    {
        if (!verbose() || is_admin(s)) {
            return;  // the UI's own traffic is not mirrored back to it (as in the package)
        }
        boost::system::error_code ec;
        json::value args = json::parse(raw, ec);
        if (ec || !args.is_array()) {
            return;
        }
        tell(s, "event_received", json::array{json::string(s.nsp()), json::string(s.id()), std::move(args), iso_now()});
    }
    void sent(sb::socket& s, std::string_view event, const payload& args) override
    {
        if (!verbose() || is_admin(s)) {
            return;
        }
        json::array all{json::string(event)};
        for (const auto& a : args.args) {
            all.push_back(a);
        }
        tell(s, "event_sent", json::array{json::string(s.nsp()), json::string(s.id()), std::move(all), iso_now()});
    }

private:
    bool verbose() const noexcept { return !opts_.production; }
    bool is_admin(const sb::socket& s) const noexcept { return s.nsp() == opts_.namespace_name; }

    /// To every admin socket on every node. Posted, not sent inline: an observer call can
    /// run inside a room operation or a broadcast of the admin namespace itself.
    void tell(sb::socket& from, const char* event, json::array args)
    {
        net::post(from.executor(), [self = shared_from_this(), event, args = std::move(args)]() mutable {
            self->nsp_.emit(event, payload{std::move(args)});
        });
    }

    json::object serialize(sb::socket& s)
    {
        json::object o;
        o["id"] = s.id();
        {
            std::lock_guard lock(mutex_);
            auto it = sockets_.find(std::string(s.id()));
            o["clientId"] = it == sockets_.end() ? std::string{} : it->second.client_id;
        }
        o["transport"] = std::string(s.transport());
        o["nsp"] = s.nsp();
        o["data"] = ui_data(s.data);
        o["handshake"] = ui_handshake(s.handshake().to_json(s.auth()));
        json::array rooms;
        for (auto& r : s.rooms()) {
            rooms.push_back(json::string(r));
        }
        o["rooms"] = std::move(rooms);
        return o;
    }

    /// A socket as fetch_sockets() found it (this node or another).
    json::object serialize(const socket_info& s, const std::string& nsp)
    {
        json::object o;
        o["id"] = s.id;
        std::string client, transport = "websocket";  // another node's: it does not say
        {
            std::lock_guard lock(mutex_);
            if (auto it = sockets_.find(s.id); it != sockets_.end()) {
                client = it->second.client_id;
                transport = it->second.transport;
            }
        }
        o["clientId"] = client;
        o["transport"] = transport;
        o["nsp"] = nsp;
        o["data"] = ui_data(s.data);
        o["handshake"] = ui_handshake(s.handshake);
        json::array rooms;
        for (auto& r : s.rooms) {
            rooms.push_back(json::string(r));
        }
        o["rooms"] = std::move(rooms);
        return o;
    }

    json::array features() const
    {
        json::array f;
        if (!opts_.readonly) {
            for (const char* x : {"EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT"}) {
                f.push_back(json::string(x));
            }
        }
        f.push_back("AGGREGATED_EVENTS");
        if (verbose()) {
            f.push_back("ALL_EVENTS");
        }
        return f;
    }

    /// The load since the last call: server_stats, its counters as differences of the
    /// server's own (/metrics) counters, so watching costs nothing on the hot path.
    json::object stats()
    {
        auto& m = srv_.metrics();
        const std::uint64_t opened = m.sessions_opened.load(std::memory_order_relaxed);
        const std::uint64_t closed = m.sessions_closed.load(std::memory_order_relaxed);
        const std::uint64_t packets = m.packets_received.load(std::memory_order_relaxed);
        const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        json::array aggregated;
        auto add = [&](const char* type, std::uint64_t now, std::uint64_t& last) {
            if (now > last) {
                aggregated.push_back(json::object{{"timestamp", now_ms / 1000 * 1000}, {"type", type}, {"count", now - last}});
            }
            last = now;
        };
        add("rawConnection", opened, last_opened_);
        add("rawDisconnection", closed, last_closed_);
        add("packetsIn", packets, last_packets_);

        json::array namespaces;
        std::size_t polling = 0;
        {
            std::lock_guard lock(mutex_);
            std::set<std::string> polling_clients;
            std::unordered_map<std::string, std::size_t> per_nsp;
            for (const auto& [id, t] : sockets_) {
                ++per_nsp[t.nsp];
                if (t.transport == "polling" && !t.client_id.empty()) {
                    polling_clients.insert(t.client_id);
                }
            }
            polling = polling_clients.size();
            for (auto* ns : srv_.concrete_namespaces()) {
                namespaces.push_back(json::object{{"name", ns->name()}, {"socketsCount", per_nsp[ns->name()]}});
            }
        }
        json::object o;
        o["serverId"] = opts_.server_id.empty() ? hostname_ : opts_.server_id;
        o["hostname"] = hostname_;
        o["pid"] = static_cast<std::int64_t>(::getpid());
        o["uptime"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
        o["clientsCount"] = opened >= closed ? opened - closed : 0;
        o["pollingClientsCount"] = polling;
        o["aggregatedEvents"] = std::move(aggregated);
        o["namespaces"] = std::move(namespaces);
        return o;
    }

    static task<void> stats_loop(std::shared_ptr<admin_ui> self)
    {
        net::steady_timer timer{co_await net::this_coro::executor};
        for (;;) {
            self->nsp_.emit("server_stats", payload{json::array{self->stats()}});
            timer.expires_after(self->opts_.stats_interval);
            auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
            if (ec || self->srv_.stopping()) {
                co_return;
            }
        }
    }

    /// The package's basic auth: a session id it handed out, or the username and a
    /// password matching the bcrypt hash (checked on a thread of its own).
    task<std::optional<connect_error>> authenticate(socket_ptr s)
    {
        if (!opts_.auth) {
            co_return std::nullopt;  // allow_anonymous
        }
        const json::object& auth = s->auth();
        if (const auto* sid = auth.if_contains("sessionId"); sid && sid->is_string()) {
            std::lock_guard lock(mutex_);
            if (sessions_.count(std::string(sid->get_string()))) {
                co_return std::nullopt;
            }
        }
        const auto* user = auth.if_contains("username");
        const auto* pass = auth.if_contains("password");
        if (user && pass && user->is_string() && pass->is_string() && user->get_string() == opts_.auth->username) {
            std::string password(pass->get_string());
            std::string hash = opts_.auth->password_hash;
            // A coroutine function with by-value parameters, not a capturing lambda: GCC 12
            // frees a coroutine lambda's captures twice when co_spawn destroys it.
            const bool ok = co_await net::co_spawn(hashing_, check_password(std::move(password), std::move(hash)),
                                                   net::use_awaitable);
            if (ok) {
                std::string id = random_session_id();
                std::lock_guard lock(mutex_);
                sessions_.insert(id);
                pending_session_[std::string(s->id())] = std::move(id);
                co_return std::nullopt;
            }
        }
        co_return connect_error{"invalid credentials"};
    }

    task<void> admin_connected(socket_ptr s)
    {
        std::string session;
        {
            std::lock_guard lock(mutex_);
            if (auto it = pending_session_.find(std::string(s->id())); it != pending_session_.end()) {
                session = std::move(it->second);
                pending_session_.erase(it);
            }
        }
        // After the CONNECT (the package sends it before, where the browser client
        // buffers it past the UI's listener and the id is lost).
        if (!session.empty()) {
            s->emit("session", payload{json::array{json::string(session)}});
        }
        s->emit("config", payload{json::array{json::object{{"supportedFeatures", features()}}}});
        if (verbose()) {
            json::array all;
            for (auto* ns : srv_.concrete_namespaces()) {
                auto found = co_await sb::namespace_{ns}.fetch_sockets();
                for (const auto& info : found.sockets) {
                    all.push_back(serialize(info, ns->name()));
                }
            }
            s->emit("all_sockets", payload{json::array{std::move(all)}});
        }
    }

    /// The operator a command names: namespace `nsp` (an existing one only), narrowed to
    /// room `filter` when one is given (a socket id is its own room).
    std::optional<broadcast_operator> target(const json::value& nsp, const json::value* filter)
    {
        if (!nsp.is_string()) {
            return std::nullopt;
        }
        namespace_state* ns = nullptr;
        for (auto* candidate : srv_.concrete_namespaces()) {
            if (candidate->name() == nsp.get_string()) {
                ns = candidate;
            }
        }
        if (!ns) {
            return std::nullopt;
        }
        broadcast_operator op{ns};
        if (filter && filter->is_string() && !filter->get_string().empty()) {
            op = op.in(std::string(filter->get_string()));
        }
        return op;
    }

    server_impl& srv_;
    admin_ui_options opts_;
    std::string hostname_;
    std::chrono::steady_clock::time_point started_;
    sb::namespace_ nsp_{nullptr};
    std::mutex mutex_;  // sockets_, sessions_, pending_session_: every shard reaches them
    std::unordered_map<std::string, tracked> sockets_;
    std::unordered_set<std::string> sessions_;  // for the server's life, as the package's InMemoryStore
    std::unordered_map<std::string, std::string> pending_session_;
    net::thread_pool hashing_{1};
    std::uint64_t last_opened_ = 0, last_closed_ = 0, last_packets_ = 0;  // the stats loop's only
};

void admin_ui::mount(sb::server& s)
{
    nsp_ = s.of(opts_.namespace_name);
    std::weak_ptr<admin_ui> weak = weak_from_this();
    auto self = shared_from_this();
    nsp_.use([weak](socket_ptr sock) -> task<std::optional<connect_error>> {
        auto me = weak.lock();
        if (!me) {
            co_return connect_error{"server shutting down"};
        }
        co_return co_await me->authenticate(std::move(sock));
    });
    nsp_.on_connection([weak](socket_ptr sock) -> task<void> {
        if (auto me = weak.lock()) {
            co_await me->admin_connected(std::move(sock));
        }
    });
    if (!opts_.readonly) {
        auto command = [weak](auto act) {
            return [weak, act](socket_ptr, event ev) -> task<reply> {
                if (auto me = weak.lock()) {
                    act(*me, ev.args());
                }
                co_return reply::no_ack();
            };
        };
        auto arg = [](const json::array& a, std::size_t i) -> const json::value* {
            return i < a.size() ? &a[i] : nullptr;
        };
        // join(nsp, room, filter?) / leave(nsp, room, filter?): socketsJoin / socketsLeave.
        nsp_.on("join", command([arg](admin_ui& me, const json::array& a) {
            if (auto op = a.size() >= 2 ? me.target(a[0], arg(a, 2)) : std::nullopt; op && a[1].is_string()) {
                op->sockets_join(std::string(a[1].get_string()));
            }
        }));
        nsp_.on("leave", command([arg](admin_ui& me, const json::array& a) {
            if (auto op = a.size() >= 2 ? me.target(a[0], arg(a, 2)) : std::nullopt; op && a[1].is_string()) {
                op->sockets_leave(std::string(a[1].get_string()));
            }
        }));
        // _disconnect(nsp, close, filter?): disconnectSockets(close).
        nsp_.on("_disconnect", command([arg](admin_ui& me, const json::array& a) {
            if (auto op = !a.empty() ? me.target(a[0], arg(a, 2)) : std::nullopt) {
                const json::value* close = arg(a, 1);
                op->disconnect_sockets(close && close->is_bool() && close->get_bool());
            }
        }));
        // emit(nsp, filter, event, ...args)
        nsp_.on("emit", command([arg](admin_ui& me, const json::array& a) {
            if (auto op = a.size() >= 3 ? me.target(a[0], arg(a, 1)) : std::nullopt; op && a[2].is_string()) {
                json::array rest(a.begin() + 3, a.end());
                op->emit(std::string(a[2].get_string()), payload{std::move(rest)});
            }
        }));
    }
    net::co_spawn(srv_.shard_at(0).context(), stats_loop(self), net::detached);
}

} // namespace
} // namespace detail

void instrument(server& s, admin_ui_options options)
{
    auto& impl = s.impl();
    if (impl.started()) {
        throw std::invalid_argument("sb::instrument: call it before server::start()");
    }
    if (impl.observer()) {
        throw std::invalid_argument("sb::instrument: the server is instrumented already");
    }
    if (!options.auth && !options.allow_anonymous) {
        throw std::invalid_argument(
            "sb::instrument: set `auth` (a username and a bcrypt hash) or, on a laptop only, `allow_anonymous`");
    }
    if (options.auth && !detail::is_bcrypt(options.auth->password_hash)) {
        throw std::invalid_argument("sb::instrument: `auth.password_hash` must be a bcrypt hash ($2b$10$…), "
                                    "not the password");
    }
    if (options.namespace_name.empty() || options.namespace_name.front() != '/') {
        throw std::invalid_argument("sb::instrument: the namespace must start with '/'");
    }
    if (options.stats_interval.count() <= 0) {
        throw std::invalid_argument("sb::instrument: stats_interval must be positive");
    }
    auto ui = std::make_shared<detail::admin_ui>(impl, std::move(options));
    impl.set_observer(ui.get());
    impl.keep(ui);
    ui->mount(s);
}

} // namespace sb
