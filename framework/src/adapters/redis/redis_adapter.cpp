#include "adapters/redis/redis_adapter.hpp"

#include "adapters/redis/durable.hpp"
#include "adapters/redis/presence.hpp"
#include "adapters/redis/redis_link.hpp"
#include "adapters/redis/wire/messages.hpp"
#include "core/log.hpp"
#include "core/ack_collector.hpp"
#include "core/adapter.hpp"
#include "core/local_adapter.hpp"
#include "core/local_namespace.hpp"
#include "core/namespace_state.hpp"
#include "core/node.hpp"
#include "core/publish.hpp"
#include "core/shard.hpp"
#include "core/socket_impl.hpp"

#include <switchboard/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

namespace net = boost::asio;
namespace json = boost::json;

namespace sb::detail {

namespace {

using redis_wire::request_type;
constexpr auto tuple_awaitable = net::as_tuple(net::use_awaitable);

/// A request this node sent and awaits answers to, on the executor that sent it.
struct request {
    request(net::any_io_executor ex, request_type t) : origin(ex), done(ex), type(t) {}
    net::any_io_executor origin;
    net::steady_timer done;
    request_type type;
    std::size_t expected = 0;  ///< answers wanted
    std::size_t got = 0;
    std::vector<json::value> items;          ///< sockets, rooms or answers, as they came
    std::shared_ptr<ack_collector> acks;     ///< broadcast with ack
    void arrived()
    {
        if (++got >= expected) {
            done.cancel();
        }
    }
};

json::array strings_json(const std::vector<std::string>& v)
{
    json::array a;
    for (const auto& s : v) {
        a.emplace_back(s);
    }
    return a;
}

socket_info info_of(const json::value& v)
{
    socket_info s;
    if (!v.is_object()) {
        return s;
    }
    const auto& o = v.get_object();
    if (auto* id = o.if_contains("id"); id && id->is_string()) {
        s.id = std::string(id->get_string());
    }
    s.rooms = redis_wire::string_list(o.if_contains("rooms"));
    if (auto* d = o.if_contains("data")) {
        s.data = *d;
    }
    if (auto* h = o.if_contains("handshake"); h && h->is_object()) {
        s.handshake = h->get_object();
    }
    return s;
}

json::object info_json(const socket_info& s)
{
    json::object o;
    o["id"] = s.id;
    o["handshake"] = s.handshake;
    o["rooms"] = strings_json(s.rooms);
    o["data"] = s.data;
    return o;
}

class redis_adapter final : public adapter {
public:
    redis_adapter(node& srv, redis_options opts)
        : srv_(srv), local_(srv.local()), opts_(std::move(opts)), uid_(redis_wire::random_id()), durable_(srv, opts_, uid_),
          presence_(srv, opts_, uid_)
    {
        std::string error;
        if (!redis::parse_url(opts_.url, ep_, error)) {
            throw std::invalid_argument("switchboard: redis: " + error);
        }
    }

    ~redis_adapter() override
    {
        for (auto& [name, e] : entries_) {
            e->ns->set_adapter_slot(nullptr);
        }
    }

    void namespace_created(namespace_state& ns) override
    {
        auto e = std::make_shared<entry>(entry{&ns, redis_wire::channels(opts_.key, ns.name(), uid_), nullptr});
        if (durable_layer::wanted(ns, opts_)) {
            e->num = std::make_unique<numbered_ns>();
            e->num->ns = &ns;
            e->num->prefix = e->ch.keys;
            e->num->channel = e->ch.broadcast;
            ns.log().set_external();
        }
        if (ns.presence()) {
            presence_.track(ns, e->ch.keys);
        }
        {
            std::lock_guard lock(mu_);
            if (!entries_.emplace(ns.name(), e).second) {
                return;
            }
        }
        ns.set_adapter_slot(e.get());  // entries_ keeps it alive as long as the adapter
        if (started_.load(std::memory_order_acquire)) {
            net::post(srv_.shard_at(0).context(), [this, e] { subscribe(*e); });
        }
    }

    void start() override
    {
        redis::link_options lo;
        lo.min_backoff = opts_.min_backoff;
        lo.max_backoff = opts_.max_backoff;
        lo.max_message = opts_.max_message;
        lo.log = [this](log_level l, std::string m) { log(srv_.options(), l, "redis", m); };
        for (auto& sh : srv_.shards()) {
            lo.name = "sb-" + uid_ + "-pub" + std::to_string(sh->index());
            cmd_.push_back(std::make_shared<redis::link>(sh->executor(), ep_, lo));
        }
        lo.name = "sb-" + uid_ + "-sub";
        sub_ = std::make_shared<redis::link>(srv_.shard_at(0).executor(), ep_, lo);
        sub_->on_message([this](std::string_view pattern, std::string_view channel, std::string_view msg) {
            on_bus(pattern, channel, msg);
        });
        sub_->on_state([this](bool up, std::string_view why) {
            on_state(up, why);
            durable_.subscriber_state(up);
        });
        // Shard 0's command link numbers durable emits (one queue keeps their order).
        cmd_[0]->on_state([this](bool up, std::string_view) {
            if (up && !node_tag().empty()) {
                // Where this node takes forwarded requests (written again on every connect:
                // Redis may have restarted empty).
                cmd_[0]->command({"HSET", addresses_key(), uid_, advertised()});
            }
            durable_.numbering_state(up);
            presence_.link_state(up, [this] { rewrite_presence(); });
        });
        durable_.start(cmd_[0], sub_);
        presence_.start(cmd_[0]);
        net::post(srv_.shard_at(0).context(), [this] {
            std::vector<std::shared_ptr<entry>> all;
            {
                std::lock_guard lock(mu_);
                for (auto& [name, e] : entries_) {
                    all.push_back(e);
                }
            }
            for (auto& e : all) {
                subscribe(*e);
            }
            sub_->start();
        });
        for (auto& l : cmd_) {
            l->start();
        }
        lease_timer_ = std::make_unique<net::steady_timer>(srv_.shard_at(0).context());
        net::co_spawn(srv_.shard_at(0).context(), hold_lease(*lease_timer_), net::detached);
        for (auto& sh : srv_.shards()) {
            refresh_.push_back(std::make_unique<net::steady_timer>(sh->context()));
            net::co_spawn(sh->context(), refresh_sessions(*sh, *refresh_.back()), net::detached);
        }
        started_.store(true, std::memory_order_release);
    }

    void stop() override
    {
        stopping_.store(true, std::memory_order_release);
        presence_.stop();
        if (lease_timer_) {
            net::post(srv_.shard_at(0).context(), [this] {
                lease_timer_->cancel();
                if (leader_.exchange(false) && cmd_[0]->up()) {
                    // Handed back at once, so another node takes over without waiting.
                    cmd_[0]->command({"EVAL", std::string(release_script), "0", lease_key(), uid_});
                }
            });
        }
        for (std::size_t i = 0; i < refresh_.size(); ++i) {
            net::post(srv_.shard_at(i).context(), [t = refresh_[i].get()] { t->cancel(); });
        }
        for (std::size_t i = 0; i < cmd_.size(); ++i) {
            net::post(srv_.shard_at(i).context(), [l = cmd_[i]] { l->stop(); });
        }
        if (sub_) {
            net::post(srv_.shard_at(0).context(), [l = sub_] { l->stop(); });
        }
    }

    // ---- operations from this node ------------------------------------------------

    void broadcast(namespace_state& ns, const broadcast_operator& op, std::string_view event,
                   const payload& args) override
    {
        if (!op.is_local()) {
            if (auto* e = find(ns)) {
                if (e->num && carries_offset(ns, op)) {
                    durable_.emit(*e->num, op, event, args);  // delivered here when numbered
                    return;
                }
                publish(e->ch.broadcast_for(op.rooms()),
                        redis_wire::encode_broadcast(uid_, ns.name(), event, args, wire_opts(op)));
            }
        }
        local_.broadcast(ns, op, event, args);
    }

    void broadcast_with_ack(namespace_state& ns, const broadcast_operator& op, std::string_view event,
                            const payload& args, const std::shared_ptr<ack_collector>& c) override
    {
        auto* e = find(ns);
        if (op.is_local() || !e) {
            local_.broadcast_with_ack(ns, op, event, args, c);
            return;
        }
        // Not complete before we know how many other nodes there are to count.
        c->awaiting_count = true;
        auto r = std::make_shared<request>(c->origin, request_type::broadcast);
        r->acks = c;
        const auto id = redis_wire::random_id();
        add_request(id, r);
        auto wo = wire_opts(op);
        wo.timeout_ms = op.ack_timeout().count();
        publish(e->ch.request, redis_wire::encode_broadcast_request(uid_, id, ns.name(), event, args, wo));
        local_.broadcast_with_ack(ns, op, event, args, c);
        net::co_spawn(
            c->origin,
            [this, c, id, channel = e->ch.request, timeout = op.ack_timeout()]() -> net::awaitable<void> {
                const auto n = co_await count_servers(channel);
                c->add_parts(n > 1 ? n - 1 : 0);
                c->awaiting_count = false;
                c->check();
                // Keep the id for late answers until the deadline, then forget it.
                net::steady_timer t(c->origin, timeout);
                co_await t.async_wait(tuple_awaitable);
                remove_request(id);
            },
            net::detached);
    }

    void add_sockets(namespace_state& ns, const broadcast_operator& op, std::vector<std::string> rooms) override
    {
        remote_rooms(ns, op, rooms, request_type::remote_join);
        local_.add_sockets(ns, op, std::move(rooms));
    }

    void del_sockets(namespace_state& ns, const broadcast_operator& op, std::vector<std::string> rooms) override
    {
        remote_rooms(ns, op, rooms, request_type::remote_leave);
        local_.del_sockets(ns, op, std::move(rooms));
    }

    void disconnect_sockets(namespace_state& ns, const broadcast_operator& op, bool close) override
    {
        if (auto* e = find(ns); e && !op.is_local()) {
            json::object req;
            req["uid"] = uid_;
            req["type"] = static_cast<int>(request_type::remote_disconnect);
            req["opts"] = redis_wire::opts_json(op.rooms(), op.except_rooms());
            req["close"] = close;
            publish(e->ch.request, json::serialize(req));
        }
        local_.disconnect_sockets(ns, op, close);
    }

    task<fetch_result> fetch_sockets(namespace_state& ns, const broadcast_operator& op) override
    {
        auto result = co_await local_.fetch_sockets(ns, op);
        auto* e = find(ns);
        if (op.is_local() || !e) {
            co_return result;
        }
        json::object req;
        req["type"] = static_cast<int>(request_type::remote_fetch);
        req["opts"] = redis_wire::opts_json(op.rooms(), op.except_rooms());
        auto r = co_await ask(*e, request_type::remote_fetch, std::move(req));
        for (const auto& part : r->items) {
            if (auto* list = part.is_object() ? part.get_object().if_contains("sockets") : nullptr;
                list && list->is_array()) {
                for (const auto& s : list->get_array()) {
                    result.sockets.push_back(info_of(s));
                }
            }
        }
        if (r->got < r->expected) {
            result.partial = true;
            result.ec = make_error_code(error::timeout);
        }
        co_return result;
    }

    task<std::size_t> count(namespace_state& ns, const broadcast_operator& op) override
    {
        if (op.is_local() || !find(ns)) {
            co_return co_await local_.count(ns, op);
        }
        auto r = co_await fetch_sockets(ns, op);
        std::set<std::string> ids;
        for (const auto& s : r.sockets) {
            ids.insert(s.id);
        }
        co_return ids.size();
    }

    task<room_sizes> rooms(namespace_state& ns) override
    {
        if (!find(ns)) {
            co_return co_await local_.rooms(ns);
        }
        // ALL_ROOMS answers names only: the sizes come from every node's sockets.
        const broadcast_operator all{&ns};
        auto r = co_await fetch_sockets(ns, all);
        std::map<std::string, std::size_t> sizes;
        for (const auto& s : r.sockets) {
            for (const auto& room : s.rooms) {
                if (room != s.id) {
                    ++sizes[room];
                }
            }
        }
        co_return room_sizes(sizes.begin(), sizes.end());
    }

    void server_side_emit(namespace_state& ns, std::string_view event, const payload& args) override
    {
        if (auto* e = find(ns)) {
            json::object req;
            req["uid"] = uid_;
            req["type"] = static_cast<int>(request_type::server_side_emit);
            req["data"] = event_data(event, args);
            publish(e->ch.request, json::serialize(req));
        }
    }

    task<server_ack_result> server_side_emit_with_ack(namespace_state& ns, std::string_view event, const payload& args,
                                                      std::chrono::milliseconds timeout) override
    {
        server_ack_result out;
        auto* e = find(ns);
        if (!e) {
            co_return out;
        }
        json::object req;
        req["type"] = static_cast<int>(request_type::server_side_emit);
        req["data"] = event_data(event, args);
        // Other servers only: Node's serverSideEmit does not reach the sender.
        auto r = co_await ask(*e, request_type::server_side_emit, std::move(req), timeout, 1);
        for (auto& v : r->items) {
            out.responses.push_back(std::move(v));
        }
        if (r->got < r->expected) {
            out.missing = r->expected - r->got;
            out.ec = make_error_code(error::timeout);
        }
        co_return out;
    }

    bool leads() const noexcept override
    {
        lease_wanted_.store(true, std::memory_order_relaxed);
        return leader_.load(std::memory_order_acquire);
    }

    std::string node_tag() const override { return srv_.options().tls ? std::string{} : uid_; }

    task<std::optional<std::string>> node_address(std::string tag) override
    {
        {
            std::lock_guard lock(mu_);
            if (auto it = addresses_.find(tag); it != addresses_.end()) {
                co_return it->second;
            }
        }
        auto* l = link_here();
        if (!l || tag.size() > 16) {
            co_return std::nullopt;
        }
        std::vector<std::string> cmd{std::string("HGET"), addresses_key(), tag};
        auto v = co_await l->call(std::move(cmd));
        if (v.type != redis::value::kind::bulk || v.str.empty()) {
            co_return std::nullopt;
        }
        std::lock_guard lock(mu_);
        if (addresses_.size() > 1024) {
            addresses_.clear();  // nodes come and go: a bound, not a cache policy
        }
        addresses_[tag] = v.str;
        co_return v.str;
    }

    bool numbers(const namespace_state& ns) const override
    {
        const auto* e = static_cast<const entry*>(ns.adapter_slot());
        return e && e->num;
    }

    bool save_session(namespace_state& ns, const persisted_session& s, std::chrono::milliseconds ttl) override
    {
        auto* e = find(ns);
        return e && e->num && durable_.save_session(link_here(), *e->num, s, ttl);
    }

    void drop_session(namespace_state& ns, const std::string& pid) override
    {
        if (auto* e = find(ns); e && e->num) {
            durable_.drop_session(link_here(), *e->num, pid);
        }
    }

    task<std::optional<persisted_session>> take_session(namespace_state& ns, std::string pid) override
    {
        auto* e = find(ns);
        if (!e || !e->num) {
            co_return std::nullopt;
        }
        co_return co_await durable_.take_session(link_here(), *e->num, std::move(pid));
    }

    // Presence writes all go through shard 0's link, in order: after a reconnect its
    // rewrite (rewrite_presence) then covers every change made while it was down, and
    // no write of another shard's link can overtake the reset before it.
    void member_joined(namespace_state& ns, const std::string& room, const std::string& sid,
                       const json::value& data) override
    {
        if (auto* e = find(ns); e && !cmd_.empty()) {
            net::post(srv_.shard_at(0).context(), [this, e, room, sid, data] {
                presence_.joined(cmd_[0].get(), e->ch.keys, room, sid, data);
            });
        }
    }

    void member_left(namespace_state& ns, const std::string& room, const std::string& sid) override
    {
        if (auto* e = find(ns); e && !cmd_.empty()) {
            net::post(srv_.shard_at(0).context(), [this, e, room, sid] {
                presence_.left(cmd_[0].get(), e->ch.keys, room, sid);
            });
        }
    }

    task<std::vector<presence_member>> members(namespace_state& ns, std::string room) override
    {
        auto* e = find(ns);
        auto* l = link_here();
        if (!ns.presence() || !e || !l || !l->up()) {
            // No presence kept (or Redis away): who fetch_sockets finds, on every node
            // that answers.
            co_return co_await adapter::members(ns, std::move(room));
        }
        co_return co_await presence_.members(l, e->ch.keys, std::move(room), ns.presence()->node_timeout);
    }

    task<std::size_t> server_count() override
    {
        std::string channel;
        {
            std::lock_guard lock(mu_);
            if (entries_.empty()) {
                co_return 1;
            }
            channel = entries_.begin()->second->ch.request;
        }
        co_return co_await count_servers(channel);
    }

private:
    struct entry {
        namespace_state* ns;
        redis_wire::channels ch;
        std::unique_ptr<numbered_ns> num;  ///< set when the durable layer numbers it
    };

    /// After the link came back: every membership of this node's presence namespaces
    /// is written again, each shard its own.
    void rewrite_presence()
    {
        std::vector<std::pair<namespace_state*, std::string>> tracked;
        {
            std::lock_guard lock(mu_);
            for (auto& [name, e] : entries_) {
                if (e->ns->presence()) {
                    tracked.emplace_back(e->ns, e->ch.keys);
                }
            }
        }
        // Each shard lists its own; shard 0's link (the one that just came up: the
        // others may still be reconnecting) writes them.
        for (auto& sh : srv_.shards()) {
            net::post(sh->context(), [this, sh, tracked] {
                std::vector<std::tuple<std::string, std::string, std::string, json::value>> all;
                for (const auto& [ns, prefix] : tracked) {
                    if (auto* local = sh->find_local(*ns)) {
                        for (const auto& [id, s] : local->sockets()) {
                            for (const auto& room : s->room_list()) {
                                if (room != id) {
                                    all.emplace_back(prefix, room, id, s->data);
                                }
                            }
                        }
                    }
                }
                net::post(srv_.shard_at(0).context(), [this, all = std::move(all)] {
                    for (const auto& [prefix, room, id, data] : all) {
                        presence_.joined(cmd_[0].get(), prefix, room, id, data);
                    }
                });
            });
        }
    }

    /** Every shard, now and then: the sessions of its connected sockets in numbered
        namespaces are written again, so that they outlive a crash of this node by about
        `max_disconnection_duration` (they are written on every change too). */
    net::awaitable<void> refresh_sessions(shard& sh, net::steady_timer& t)
    {
        for (;;) {
            std::vector<namespace_state*> numbered;
            std::chrono::milliseconds period{60000};
            {
                std::lock_guard lock(mu_);
                for (auto& [name, e] : entries_) {
                    if (e->num && e->ns->recovery()) {
                        numbered.push_back(e->ns);
                        period = std::min(period, e->ns->recovery()->max_disconnection_duration / 3);
                    }
                }
            }
            t.expires_after(std::max<std::chrono::milliseconds>(period, std::chrono::seconds(1)));
            auto [ec] = co_await t.async_wait(tuple_awaitable);
            if (ec || stopping_.load(std::memory_order_acquire)) {
                co_return;
            }
            for (auto* ns : numbered) {
                if (auto* local = sh.find_local(*ns)) {
                    for (const auto& [id, s] : local->sockets()) {
                        s->save_session_now();
                    }
                }
            }
        }
    }

    std::string addresses_key() const { return opts_.key + "#sb:addr"; }
    std::string lease_key() const { return opts_.key + "#sb:leader"; }

    // ARGV: key, uid, ttl ms. Renews the lease if held, takes it if free: 1 when held.
    static constexpr std::string_view lease_script = R"lua(
local v = redis.call('GET', ARGV[1])
if v == ARGV[2] then redis.call('PEXPIRE', ARGV[1], ARGV[3]) return 1 end
if not v then redis.call('SET', ARGV[1], ARGV[2], 'PX', ARGV[3]) return 1 end
return 0
)lua";
    static constexpr std::string_view release_script = R"lua(
if redis.call('GET', ARGV[1]) == ARGV[2] then redis.call('DEL', ARGV[1]) end
return 0
)lua";

    /// Shard 0, every second once someone asked (server::leads): renews or takes the
    /// lease. Redis away: not the leader (the lease may have passed to another node).
    net::awaitable<void> hold_lease(net::steady_timer& t)
    {
        for (;;) {
            t.expires_after(std::chrono::seconds(1));
            auto [ec] = co_await t.async_wait(tuple_awaitable);
            if (ec || stopping_.load(std::memory_order_acquire)) {
                co_return;
            }
            if (!lease_wanted_.load(std::memory_order_relaxed)) {
                continue;
            }
            if (!cmd_[0]->up()) {
                leader_.store(false, std::memory_order_release);
                srv_.cluster().leader.store(0, std::memory_order_relaxed);
                continue;
            }
            std::vector<std::string> cmd{std::string("EVAL"), std::string(lease_script), std::string("0"), lease_key(),
                                         uid_, std::string("3000")};
            auto v = co_await cmd_[0]->call(std::move(cmd));
            const bool held = v.type == redis::value::kind::integer && v.integer == 1;
            leader_.store(held, std::memory_order_release);
            srv_.cluster().leader.store(held ? 1 : 0, std::memory_order_relaxed);
        }
    }

    std::string advertised() const
    {
        if (!opts_.advertise.empty()) {
            return opts_.advertise;
        }
        auto host = srv_.options().address;
        if (host.empty() || host == "0.0.0.0") {
            host = "127.0.0.1";
        }
        else if (host == "::") {
            host = "::1";
        }
        if (host.find(':') != std::string::npos && host.front() != '[') {
            host = "[" + host + "]";
        }
        return host + ":" + std::to_string(srv_.listen_port());
    }

    /// The namespace's channels; no lock, since every emit of every shard asks.
    static entry* find(namespace_state& ns) noexcept { return static_cast<entry*>(ns.adapter_slot()); }

    static json::array event_data(std::string_view event, const payload& args)
    {
        json::array data;
        data.emplace_back(event);
        for (const auto& a : args.args) {
            data.push_back(a);
        }
        return data;
    }

    /// The command link of the shard running now (shard 0's when off-shard: posted).
    redis::link* link_here()
    {
        auto* sh = shard::current();
        return sh && sh->index() < cmd_.size() ? cmd_[sh->index()].get() : nullptr;
    }

    void publish(std::string channel, std::string msg)
    {
        auto& m = srv_.cluster();
        auto* l = link_here();
        if (!l) {
            if (cmd_.empty()) {
                m.publish_dropped.fetch_add(1, std::memory_order_relaxed);
                return;
            }
            net::post(srv_.shard_at(0).context(), [this, channel = std::move(channel), msg = std::move(msg)]() mutable {
                publish(std::move(channel), std::move(msg));
            });
            return;
        }
        if (!l->up()) {
            // Documented loss: other nodes miss what is sent while Redis is down.
            m.publish_dropped.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        m.published.fetch_add(1, std::memory_order_relaxed);
        l->command({"PUBLISH", std::move(channel), std::move(msg)});
    }

    /// PUBSUB NUMSUB of a request channel: the servers of the cluster (1 when Redis is away).
    net::awaitable<std::size_t> count_servers(std::string channel)
    {
        auto* l = link_here();
        if (!l) {
            co_return 1;
        }
        // Named, not a braced temporary in the co_await: GCC 12 mishandles those.
        std::vector<std::string> cmd{std::string("PUBSUB"), std::string("NUMSUB"), std::move(channel)};
        auto v = co_await l->call(std::move(cmd));
        if (v.is_array() && v.elements.size() == 2 && v.elements[1].type == redis::value::kind::integer) {
            co_return static_cast<std::size_t>(std::max<std::int64_t>(1, v.elements[1].integer));
        }
        co_return 1;
    }

    void add_request(const std::string& id, std::shared_ptr<request> r)
    {
        std::lock_guard lock(mu_);
        requests_[id] = std::move(r);
    }
    void remove_request(const std::string& id)
    {
        std::lock_guard lock(mu_);
        requests_.erase(id);
    }

    /// Publishes `req` and awaits one answer from every other node, or the timeout.
    net::awaitable<std::shared_ptr<request>> ask(entry& e, request_type type, json::object req,
                                                 std::chrono::milliseconds timeout = {}, std::size_t self = 1)
    {
        auto ex = co_await net::this_coro::executor;
        auto r = std::make_shared<request>(ex, type);
        const auto n = co_await count_servers(e.ch.request);
        r->expected = n > self ? n - self : 0;
        if (r->expected == 0) {
            co_return r;
        }
        const auto id = redis_wire::random_id();
        req["uid"] = uid_;
        req["requestId"] = id;
        add_request(id, r);
        publish(e.ch.request, json::serialize(req));
        r->done.expires_after(timeout.count() > 0 ? timeout : opts_.requests_timeout);
        if (r->got < r->expected) {
            co_await r->done.async_wait(tuple_awaitable);
        }
        remove_request(id);
        if (r->got < r->expected) {
            srv_.cluster().request_timeouts.fetch_add(1, std::memory_order_relaxed);
        }
        co_return r;
    }

    void remote_rooms(namespace_state& ns, const broadcast_operator& op, const std::vector<std::string>& rooms,
                      request_type type)
    {
        auto* e = find(ns);
        if (op.is_local() || !e) {
            return;
        }
        json::object req;
        req["uid"] = uid_;
        req["type"] = static_cast<int>(type);
        req["opts"] = redis_wire::opts_json(op.rooms(), op.except_rooms());
        req["rooms"] = strings_json(rooms);
        publish(e->ch.request, json::serialize(req));
    }

    // ---- the subscriber (shard 0) -----------------------------------------------------

    void subscribe(entry& e)
    {
        by_channel_[e.ch.request] = &e;
        by_channel_[e.ch.response] = &e;
        by_channel_[e.ch.specific_response] = &e;
        const auto pattern = e.ch.broadcast_pattern();
        by_channel_[pattern] = &e;
        if (e.num) {
            durable_.track(*e.num);
        }
        sub_->psubscribe(pattern);
        sub_->subscribe(e.ch.request);
        sub_->subscribe(e.ch.response);
        sub_->subscribe(e.ch.specific_response);
    }

    void on_state(bool up, std::string_view why)
    {
        auto& m = srv_.cluster();
        m.connected.store(up ? 1 : 0, std::memory_order_relaxed);
        if (up) {
            if (why == "reconnected") {
                m.reconnects.fetch_add(1, std::memory_order_relaxed);
            }
            log(srv_.options(), log_level::info, "redis",
                std::string(why) + " to " + ep_.host + ':' + ep_.port + " (node " + uid_ + ")");
            last_down_.clear();
        }
        else if (why != last_down_) {
            // Once per distinct reason, not once per retry.
            log(srv_.options(), log_level::warning, "redis",
                std::string(why) + "; local delivery goes on, messages to other nodes are dropped; retrying with backoff");
            last_down_ = std::string(why);
        }
    }

    void bad_message(std::string_view channel, const char* why)
    {
        srv_.cluster().bad_messages.fetch_add(1, std::memory_order_relaxed);
        // Logged sparsely: a flood of garbage must not become a flood of log lines.
        if (++bad_logged_ <= 10 || bad_logged_ % 1000 == 0) {
            log(srv_.options(), log_level::warning, "redis",
                "dropped a message on " + std::string(channel) + ": " + why);
        }
    }

    void on_bus(std::string_view pattern, std::string_view channel, std::string_view msg)
    {
        auto it = by_channel_.find(std::string(pattern.empty() ? channel : pattern));
        if (it == by_channel_.end()) {
            return;
        }
        entry& e = *it->second;
        if (msg.size() > opts_.max_message) {
            bad_message(channel, "over redis_options::max_message");
            return;
        }
        if (!pattern.empty()) {
            on_broadcast(e, channel, msg);
        }
        else if (channel == e.ch.request) {
            on_request(e, channel, msg);
        }
        else {
            on_response(channel, msg);
        }
    }

    void on_broadcast(entry& e, std::string_view channel, std::string_view msg)
    {
        const char* why = "";
        auto m = redis_wire::decode_broadcast(msg, why);
        if (!m) {
            bad_message(channel, why);
            return;
        }
        if (m->nsp != e.ns->name()) {
            return;  // another namespace's under a shared prefix
        }
        if (m->opts.durable && e.num) {
            durable_.on_numbered(*e.num, std::move(*m));  // our own too: delivered only now
            return;
        }
        if (m->uid == uid_) {
            return;  // our own: delivered here when sent
        }
        srv_.cluster().received.fetch_add(1, std::memory_order_relaxed);
        local_.broadcast(*e.ns, selection(*e.ns, m->opts), m->event, m->args);
    }

    /// Answers request `id` on the namespace's response channel (as Node's adapter does by default).
    void respond(entry& e, const std::string& id, json::object body)
    {
        body["requestId"] = id;
        publish(e.ch.response, json::serialize(body));
    }

    void on_request(entry& e, std::string_view channel, std::string_view msg)
    {
        const char* why = "";
        auto m = redis_wire::decode_bus_message(msg, why);
        if (!m) {
            bad_message(channel, why);
            return;
        }
        auto& body = m->body;
        const auto* uid = body.if_contains("uid");
        if (uid && uid->is_string() && uid->get_string() == uid_) {
            return;  // our own request: this node's part was done locally
        }
        const auto* type = body.if_contains("type");
        if (!type || !type->is_int64()) {
            bad_message(channel, "request without a type");
            return;
        }
        srv_.cluster().received.fetch_add(1, std::memory_order_relaxed);
        std::string request_id;
        if (auto* id = body.if_contains("requestId"); id && id->is_string()) {
            request_id = std::string(id->get_string());
        }
        auto* ns = e.ns;
        const auto opts = redis_wire::opts_of(body.if_contains("opts"));
        switch (static_cast<request_type>(type->get_int64())) {
        case request_type::sockets: {
            auto op = broadcast_operator{ns}.to(redis_wire::string_list(body.if_contains("rooms"))).local();
            // {rooms} sit at the top level of a SOCKETS request.
            spawn([this, &e, op, request_id]() -> net::awaitable<void> {
                auto ids = co_await local_.socket_ids(*e.ns, op);
                respond(e, request_id, {{"sockets", strings_json(ids)}});
            });
            break;
        }
        case request_type::all_rooms:
            spawn([this, &e, request_id]() -> net::awaitable<void> {
                auto names = co_await local_.room_names(*e.ns);
                respond(e, request_id, {{"rooms", strings_json(names)}});
            });
            break;
        case request_type::remote_join:
        case request_type::remote_leave:
        case request_type::remote_disconnect: {
            const auto t = static_cast<request_type>(type->get_int64());
            broadcast_operator op{ns};
            bool by_sid = false;
            if (body.contains("opts")) {
                op = selection(*ns, opts);
            }
            else if (auto* sid = body.if_contains("sid"); sid && sid->is_string()) {
                op = broadcast_operator{ns}.to(std::string(sid->get_string())).local();  // its own room
                by_sid = true;
            }
            else {
                bad_message(channel, "room request without opts or sid");
                return;
            }
            std::vector<std::string> rooms;
            if (auto* r = body.if_contains("rooms"); r && r->is_array()) {
                rooms = redis_wire::string_list(body.if_contains("rooms"));
            }
            else if (auto* room = body.if_contains("room"); room && room->is_string()) {
                rooms.emplace_back(room->get_string());
            }
            const bool close = body.if_contains("close") && body.at("close").is_bool() && body.at("close").get_bool();
            auto act = [this, ns, op, rooms, t, close] {
                if (t == request_type::remote_join) {
                    local_.add_sockets(*ns, op, rooms);
                }
                else if (t == request_type::remote_leave) {
                    local_.del_sockets(*ns, op, rooms);
                }
                else {
                    local_.disconnect_sockets(*ns, op, close);
                }
            };
            if (!by_sid || request_id.empty()) {
                act();
                break;
            }
            // By sid (legacy requests): only the node that has the socket answers, as in Node.
            spawn([this, &e, op, act, request_id]() -> net::awaitable<void> {
                auto ids = co_await local_.socket_ids(*e.ns, op);
                if (ids.empty()) {
                    co_return;
                }
                act();
                respond(e, request_id, {});
            });
            break;
        }
        case request_type::remote_fetch: {
            auto op = selection(*ns, opts);
            spawn([this, &e, op, request_id]() -> net::awaitable<void> {
                auto r = co_await local_.fetch_sockets(*e.ns, op);
                json::array list;
                for (const auto& s : r.sockets) {
                    list.push_back(info_json(s));
                }
                respond(e, request_id, {{"sockets", std::move(list)}});
            });
            break;
        }
        case request_type::server_side_emit: {
            const auto* data = body.if_contains("data");
            if (!data || !data->is_array() || data->get_array().empty() || !data->get_array()[0].is_string()) {
                bad_message(channel, "server-side emit without an event name");
                return;
            }
            const auto& a = data->get_array();
            const std::string event(a[0].get_string());
            auto& handlers = ns->handlers().server_events;
            auto h = handlers.find(event);
            if (h == handlers.end()) {
                return;  // nobody listens here; as in Node, no answer is sent
            }
            payload args;
            args.args = json::array(a.begin() + 1, a.end());
            spawn([this, &e, handler = h->second, args = std::move(args), request_id]() -> net::awaitable<void> {
                reply r;
                try {
                    r = co_await handler(args);
                }
                catch (const std::exception& ex) {
                    log(srv_.options(), log_level::error, "handler",
                        std::string("a server-side event handler threw: ") + ex.what());
                    co_return;
                }
                if (request_id.empty()) {
                    co_return;
                }
                respond(e, request_id,
                        {{"type", static_cast<int>(request_type::server_side_emit)},
                         {"data", r.value.args.empty() ? json::value(nullptr) : r.value.args.front()}});
            });
            break;
        }
        case request_type::broadcast: {
            const auto* packet = body.if_contains("packet");
            auto pm = packet ? redis_wire::packet_of(*packet, m->attachments) : std::nullopt;
            if (!pm || request_id.empty()) {
                bad_message(channel, "broadcast request without an event packet");
                return;
            }
            auto op = selection(*ns, opts);
            const auto timeout = std::chrono::milliseconds(opts.timeout_ms.value_or(5000));
            op = op.timeout(timeout);
            auto ex = srv_.shard_at(0).executor();
            auto c = std::make_shared<ack_collector>(ex, 0);
            c->on_counted = [this, &e, request_id](std::size_t n) {
                respond(e, request_id,
                        {{"type", static_cast<int>(request_type::broadcast_client_count)}, {"clientCount", n}});
            };
            c->on_answer = [this, &e, request_id](const json::value& v) {
                publish(e.ch.response, redis_wire::encode_broadcast_ack(request_id, v, {}));
            };
            local_.broadcast_with_ack(*ns, op, pm->event, pm->args, c);
            spawn([c, timeout]() -> net::awaitable<void> {
                c->done.expires_after(timeout);
                c->check();
                if (!c->finished) {
                    co_await c->done.async_wait(tuple_awaitable);
                }
                if (!c->finished) {
                    c->finished = true;
                    for (auto& f : c->on_unanswered) {
                        f();
                    }
                }
            });
            break;
        }
        default:
            break;  // types we do not serve (responses on the wrong channel, future ones)
        }
    }

    void on_response(std::string_view channel, std::string_view msg)
    {
        const char* why = "";
        auto m = redis_wire::decode_bus_message(msg, why);
        if (!m) {
            bad_message(channel, why);
            return;
        }
        const auto* id = m->body.if_contains("requestId");
        if (!id || !id->is_string()) {
            return;
        }
        std::shared_ptr<request> r;
        {
            std::lock_guard lock(mu_);
            auto it = requests_.find(std::string(id->get_string()));
            if (it == requests_.end()) {
                return;  // someone else's, or too late
            }
            r = it->second;
        }
        net::post(r->origin, [r, body = std::move(m->body)]() mutable {
            if (r->acks) {
                const auto* type = body.if_contains("type");
                if (!type || !type->is_int64()) {
                    return;
                }
                if (type->get_int64() == static_cast<int>(request_type::broadcast_client_count)) {
                    const auto* n = body.if_contains("clientCount");
                    r->acks->part_done(n && n->is_int64() && n->get_int64() > 0 ? n->get_int64() : 0);
                }
                else if (type->get_int64() == static_cast<int>(request_type::broadcast_ack)) {
                    const auto* p = body.if_contains("packet");
                    r->acks->answer(p ? *p : json::value(nullptr));
                }
                return;
            }
            switch (r->type) {
            case request_type::server_side_emit: {
                const auto* d = body.if_contains("data");
                r->items.push_back(d ? *d : json::value(nullptr));
                break;
            }
            default:
                r->items.push_back(std::move(body));
                break;
            }
            r->arrived();
        });
    }

    template <typename F>
    void spawn(F f)
    {
        net::co_spawn(srv_.shard_at(0).executor(), std::move(f), net::detached);
    }

    node& srv_;
    local_adapter& local_;
    redis_options opts_;
    std::string uid_;
    durable_layer durable_;
    presence_layer presence_;
    redis::endpoint ep_;
    std::atomic<bool> started_{false};  // set once the links exist
    std::atomic<bool> stopping_{false};
    mutable std::atomic<bool> lease_wanted_{false};
    std::atomic<bool> leader_{false};
    std::unique_ptr<net::steady_timer> lease_timer_;  // on shard 0
    std::vector<std::unique_ptr<net::steady_timer>> refresh_;  // one per shard, on that shard
    std::vector<std::shared_ptr<redis::link>> cmd_;  // one per shard, on that shard
    std::shared_ptr<redis::link> sub_;                // on shard 0
    std::mutex mu_;  // entries_ (written when a namespace appears) and requests_
    std::map<std::string, std::shared_ptr<entry>> entries_;
    std::unordered_map<std::string, std::shared_ptr<request>> requests_;
    std::unordered_map<std::string, std::string> addresses_;  // node tag -> host:port (under mu_)
    std::unordered_map<std::string, entry*> by_channel_;  // shard 0 only
    std::string last_down_;                               // shard 0 only
    std::uint64_t bad_logged_ = 0;
};

} // namespace

std::unique_ptr<adapter> make_redis_adapter(node& srv, const redis_options& opts)
{
    return std::make_unique<redis_adapter>(srv, opts);
}

} // namespace sb::detail
