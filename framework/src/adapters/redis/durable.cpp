#include "adapters/redis/durable.hpp"

#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "core/namespace_state.hpp"
#include "core/node.hpp"
#include "core/publish.hpp"
#include "core/shard.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/sha.h>

#include <algorithm>
#include <charconv>
#include <utility>

namespace net = boost::asio;
namespace json = boost::json;

namespace sb::detail {

namespace {

// ARGV: prefix, channel, message (ending in the empty sbid, 0xa0), candidate epoch,
// stream length, stream ttl ms, n, then n × (room, capacity, ttl ms). Returns the id.
// INFO in a script is allowed (not a write); its run_id changes with every restart.
constexpr std::string_view number_script = R"lua(
local p = ARGV[1]
local meta = p .. 'meta'
local run = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
local m = redis.call('HMGET', meta, 'run', 'epoch')
local epoch = m[2]
if m[1] ~= run or not epoch then
  epoch = ARGV[4]
  redis.call('DEL', meta)
  redis.call('HSET', meta, 'run', run, 'epoch', epoch)
end
local off = redis.call('HINCRBY', meta, 'offset', 1)
local id = epoch .. ':' .. off
local msg = string.sub(ARGV[3], 1, -2) .. '\217' .. string.char(#id) .. id
local s = p .. 's:' .. epoch
redis.call('XADD', s, 'MAXLEN', '~', ARGV[5], off .. '-0', 'm', msg)
redis.call('PEXPIRE', s, ARGV[6])
for i = 0, tonumber(ARGV[7]) - 1 do
  local h = p .. 'h:' .. epoch .. ':' .. ARGV[8 + 3 * i]
  redis.call('XADD', h, 'MAXLEN', ARGV[9 + 3 * i], off .. '-0', 'm', msg)
  redis.call('PEXPIRE', h, ARGV[10 + 3 * i])
end
redis.call('PUBLISH', ARGV[2], msg)
return id
)lua";

constexpr std::size_t window = 256;        // numbering calls in flight
constexpr std::size_t fetch_batch = 500;   // XRANGE COUNT when filling a hole
constexpr std::uint64_t seq_shard_shift = 40;

std::string sha1_hex(std::string_view s)
{
    unsigned char d[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
    return hex_of(d, sizeof d);
}

/// "<epoch>:<offset>" split; false when malformed.
bool split_id(std::string_view id, std::string_view& epoch, std::uint64_t& offset)
{
    const auto colon = id.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        return false;
    }
    epoch = id.substr(0, colon);
    const auto num = id.substr(colon + 1);
    const auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), offset);
    return ec == std::errc{} && p == num.data() + num.size() && offset > 0;
}

std::string session_key(const numbered_ns& n, std::string_view pid)
{
    std::string k = n.prefix;
    k += "p:";
    k += pid;
    return k;
}

} // namespace

broadcast_operator selection(namespace_state& ns, const redis_wire::broadcast_opts& o)
{
    auto op = broadcast_operator{&ns}.to(o.rooms).except(o.except);
    if (o.is_volatile) {
        op = op.volatile_();
    }
    return op.local();  // what comes from the bus is never sent back to it
}

redis_wire::broadcast_opts wire_opts(const broadcast_operator& op)
{
    redis_wire::broadcast_opts o;
    o.rooms = op.rooms();
    o.except = op.except_rooms();
    o.is_volatile = op.is_volatile();
    return o;
}

durable_layer::durable_layer(node& srv, const redis_options& o, std::string uid)
    : srv_(srv), opts_(o), uid_(std::move(uid)), sha_(sha1_hex(number_script)),
      seq_(std::make_unique<std::uint64_t[]>(srv.shards().size() + 1))
{
}

bool durable_layer::wanted(const namespace_state& ns, const redis_options& o) noexcept
{
    return o.durable && (ns.recovery() || ns.eventsource() || ns.has_history_rules());
}

void durable_layer::start(std::shared_ptr<redis::link> numbering, std::shared_ptr<redis::link> sub)
{
    numbering_ = std::move(numbering);
    sub_ = std::move(sub);
    retry_ = std::make_unique<net::steady_timer>(srv_.shard_at(0).context());
}

// ---- numbering (shard 0) ---------------------------------------------------------------

void durable_layer::emit(numbered_ns& n, const broadcast_operator& op, std::string_view event, const payload& args)
{
    auto* sh = shard::current();
    if (!sh) {
        // Off the shards (a thread of the application): numbered from shard 0.
        net::post(srv_.shard_at(0).context(), [this, &n, op, event = std::string(event), args] {
            emit(n, op, event, args);
        });
        return;
    }
    auto& ns = *n.ns;
    redis_wire::durable_flags d;
    // Per shard, so that the order a shard emits in is the order of its numbers (the
    // posts from one shard to shard 0 keep their order): receivers drop a number seen.
    d.seq = (static_cast<std::uint64_t>(sh->index() + 1) << seq_shard_shift) | ++seq_[sh->index()];
    d.resumable = op.is_resumable();
    d.conflation_key = op.conflation_key();
    auto wo = wire_opts(op);
    wo.durable = std::move(d);
    const auto seq = wo.durable->seq;

    queued q{seq, {}};
    auto& a = q.args;
    a.reserve(12);
    a.emplace_back("EVALSHA");
    a.emplace_back(sha_);
    a.emplace_back("0");
    a.push_back(n.prefix);
    a.push_back(n.channel + (op.rooms().size() == 1 ? op.rooms().front() + "#" : std::string{}));
    a.push_back(redis_wire::encode_broadcast(uid_, ns.name(), event, args, wo));
    a.emplace_back();  // the candidate epoch, filled in when sent
    a.push_back(std::to_string(opts_.stream_length));
    const auto* rec = ns.recovery();
    const auto ttl = std::max<std::chrono::milliseconds>(rec ? rec->max_disconnection_duration : std::chrono::milliseconds{0},
                                                         std::chrono::minutes(5));
    a.push_back(std::to_string(ttl.count()));
    std::size_t rooms = 0;
    a.emplace_back();
    if (op.is_resumable()) {
        for (const auto& room : op.rooms()) {
            if (const auto* h = ns.history_rule(room); h && h->capacity > 0) {
                a.push_back(room);
                a.push_back(std::to_string(h->capacity));
                a.push_back(std::to_string(h->ttl.count()));
                ++rooms;
            }
        }
    }
    a[9] = std::to_string(rooms);
    if (sh->index() == 0) {
        enqueue(std::move(q));
    }
    else {
        net::post(srv_.shard_at(0).context(), [this, q = std::move(q)]() mutable { enqueue(std::move(q)); });
    }
}

void durable_layer::enqueue(queued q)
{
    if (queue_.size() >= opts_.durable_queue) {
        srv_.cluster().durable_dropped.fetch_add(1, std::memory_order_relaxed);
        if (++dropped_logged_ <= 10 || dropped_logged_ % 1000 == 0) {
            log(srv_.options(), log_level::warning, "redis",
                "durable queue full (redis_options::durable_queue): an event was dropped");
        }
        return;
    }
    queue_.push_back(std::move(q));
    srv_.cluster().durable_waiting.store(queue_.size(), std::memory_order_relaxed);
    pump();
}

void durable_layer::pump()
{
    if (!numbering_ || !numbering_up_ || !sub_up_ || !loaded_) {
        return;
    }
    while (sent_ < queue_.size() && sent_ < window) {
        auto& q = queue_[sent_++];
        q.args[6] = make_epoch();  // used only if Redis has no epoch (or a restarted one)
        numbering_->command(q.args, [this, g = generation_](redis::value v) { on_reply(g, v); });
        if (!loaded_) {
            return;  // failed at once: reset() ran
        }
    }
}

void durable_layer::on_reply(std::uint64_t generation, const redis::value& v)
{
    if (generation != generation_ || sent_ == 0) {
        return;  // sent before a reset: it is queued again
    }
    if (v.is_error()) {
        if (v.retry_later()) {
            reset(v.str);
            return;
        }
        // A refusal that would repeat (out of memory, a bad argument): dropped, counted.
        srv_.cluster().durable_dropped.fetch_add(1, std::memory_order_relaxed);
        log(srv_.options(), log_level::warning, "redis", "an event could not be numbered: " + v.str);
    }
    else {
        srv_.cluster().published.fetch_add(1, std::memory_order_relaxed);
        unechoed_.push_back(std::move(queue_.front()));
        if (unechoed_.size() > opts_.durable_queue) {
            unechoed_.pop_front();  // our subscriber is far behind: a bound, not a promise
        }
    }
    queue_.pop_front();
    --sent_;
    srv_.cluster().durable_waiting.store(queue_.size(), std::memory_order_relaxed);
    if (queue_.empty() && std::exchange(recovering_, false)) {
        // The backlog of an outage is out. A subscriber that came back just before it
        // may have missed the first messages, and no later one would show the hole:
        // look at the streams once more.
        retry_->expires_after(std::chrono::milliseconds(300));
        retry_->async_wait([this](boost::system::error_code ec) {
            if (!ec) {
                catch_up_all();
            }
        });
    }
    pump();
}

void durable_layer::reset(std::string_view why)
{
    // What was sent and not answered is sent again, in order; if it had run, the
    // receivers know its sequence number and drop the second copy.
    ++generation_;
    sent_ = 0;
    recovering_ = true;
    queue_.insert(queue_.begin(), std::make_move_iterator(unechoed_.begin()), std::make_move_iterator(unechoed_.end()));
    unechoed_.clear();
    const bool was_loaded = std::exchange(loaded_, false);
    if (was_loaded) {
        log(srv_.options(), log_level::warning, "redis",
            "numbering paused (" + std::string(why) + "); " + std::to_string(queue_.size()) + " events wait");
    }
    if (numbering_up_) {
        retry_->expires_after(std::chrono::milliseconds(200));
        retry_->async_wait([this](boost::system::error_code ec) {
            if (!ec && numbering_up_) {
                load_script();
            }
        });
    }
}

void durable_layer::load_script()
{
    if (!numbering_ || !numbering_up_) {
        return;
    }
    numbering_->command({"SCRIPT", "LOAD", std::string(number_script)}, [this, g = generation_](redis::value v) {
        if (g != generation_) {
            return;
        }
        if (v.is_error()) {
            reset(v.str);
            return;
        }
        loaded_ = true;
        pump();
    });
}

void durable_layer::numbering_state(bool up)
{
    numbering_up_ = up;
    if (up) {
        ++generation_;
        sent_ = 0;
        load_script();
        if (sub_up_) {
            catch_up_all();  // the subscriber came first: its catch-up had no link to read with
        }
    }
    else {
        reset("connection lost");
    }
}

void durable_layer::subscriber_state(bool up)
{
    const bool was = sub_up_;
    sub_up_ = up;
    if (up && !was) {
        pump();
        catch_up_all();  // what was published while the subscriber was away
    }
}

// ---- receiving (shard 0) ---------------------------------------------------------------

void durable_layer::on_numbered(numbered_ns& n, redis_wire::broadcast_message m)
{
    std::string_view epoch;
    std::uint64_t offset = 0;
    if (!split_id(m.opts.durable->id, epoch, offset)) {
        srv_.cluster().bad_messages.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    if (n.fetching && n.epoch.empty()) {
        // A backfill runs: this one goes out after it.
        if (n.held.size() < opts_.durable_queue) {
            n.held.emplace(offset, std::move(m));
        }
        return;
    }
    if (n.epoch.empty()) {
        // The first numbered event this node hears of: what came before it was not
        // for this node's clients (they were not here); the log notes the hole.
        n.epoch = std::string(epoch);
        n.last = offset - 1;
    }
    else if (epoch != n.epoch) {
        // Redis lost its state: a new epoch counts from 1 again. What is held of the old
        // one goes first, holes and all: no stream of it is left to fill them from.
        // A fill in flight reads the new epoch's stream when its answer comes.
        flush_held(n);
        n.epoch = std::string(epoch);
        n.last = 0;
    }
    if (offset <= n.last) {
        echoed(m);
        return;  // had it (from the stream, while filling a hole)
    }
    if (offset == n.last + 1 && !n.fetching) {
        deliver(n, m, offset, epoch);
        return;
    }
    if (n.held.size() < opts_.durable_queue) {
        n.held.emplace(offset, std::move(m));
    }
    if (!n.fetching) {
        fill(n);
    }
}

void durable_layer::echoed(const redis_wire::broadcast_message& m)
{
    if (m.uid != uid_ || !m.opts.durable || unechoed_.empty()) {
        return;
    }
    // In order, nearly always the front (one queue sends them).
    const auto it = std::find_if(unechoed_.begin(), unechoed_.end(),
                                 [seq = m.opts.durable->seq](const queued& q) { return q.seq == seq; });
    if (it != unechoed_.end()) {
        unechoed_.erase(it);
    }
}

bool durable_layer::seen(const std::string& uid, std::uint64_t seq)
{
    std::string key = uid;
    key += '/';
    key += std::to_string(seq >> seq_shard_shift);
    auto& w = seen_[key];
    const auto low = seq & ((std::uint64_t{1} << seq_shard_shift) - 1);
    if (low <= w.floor || !w.above.insert(low).second) {
        return true;
    }
    while (!w.above.empty() && (*w.above.begin() == w.floor + 1 || w.above.size() > 4096)) {
        w.floor = *w.above.begin();
        w.above.erase(w.above.begin());
    }
    return false;
}

void durable_layer::deliver(numbered_ns& n, redis_wire::broadcast_message& m, std::uint64_t offset,
                            std::string_view epoch, bool log_only)
{
    echoed(m);
    if (offset > n.last + 1) {
        srv_.cluster().durable_holes.fetch_add(offset - n.last - 1, std::memory_order_relaxed);
    }
    n.last = offset;
    const auto& d = *m.opts.durable;
    if (d.seq && seen(m.uid, d.seq)) {
        // A copy of an event re-sent after a lost reply: the clients had it. The log
        // takes its number so that the offsets stay contiguous.
        std::lock_guard lock(n.ns->log().mutex());
        n.ns->log().adopt(epoch, offset);
        return;
    }
    if (!log_only) {
        srv_.cluster().received.fetch_add(1, std::memory_order_relaxed);
    }
    const given_offset g{epoch, offset, d.resumable, d.conflation_key, log_only};
    publish(*n.ns, selection(*n.ns, m.opts), m.event, m.args, nullptr, &g);
}

void durable_layer::fill(numbered_ns& n)
{
    if (!numbering_ || !numbering_->up()) {
        return;  // what is held waits: the link coming back looks again (numbering_state)
    }
    n.fetching = true;
    net::co_spawn(
        srv_.shard_at(0).context(),
        [this, &n]() -> net::awaitable<void> {
            // Named, not braced temporaries in the co_await: GCC 12 mishandles those.
            for (;;) {
                const std::string epoch = n.epoch;
                std::vector<std::string> cmd{std::string("XRANGE"), n.prefix + "s:" + epoch,
                                             std::to_string(n.last + 1) + "-0", std::string("+"), std::string("COUNT"),
                                             std::to_string(fetch_batch)};
                // Not in a conditional expression: GCC 12 miscompiles co_await there.
                auto v = co_await numbering_->call(std::move(cmd));
                if (n.epoch != epoch) {
                    // A live message of a new epoch came meanwhile (Redis restarted): its
                    // stream has what this node missed of it, from offset 1.
                    continue;
                }
                if (!v.is_array()) {
                    // Redis could not be read. Delivering what is held now would skip the
                    // hole for good: it waits for the next look instead (the next message
                    // past the hole, or the numbering link coming back).
                    n.fetching = false;
                    co_return;
                }
                each_entry(n, v, epoch, [&](redis_wire::broadcast_message& m, std::uint64_t off) {
                    deliver(n, m, off, epoch);
                });
                if (v.elements.size() < fetch_batch) {
                    break;
                }
            }
            // What is still held past the last is delivered, holes and all: the stream,
            // read just now, does not have them (trimmed or expired); the log notes them.
            n.fetching = false;
            flush_held(n);
        },
        net::detached);
}

void durable_layer::flush_held(numbered_ns& n)
{
    auto held = std::move(n.held);
    n.held.clear();
    for (auto& [off, m] : held) {
        if (off > n.last) {
            deliver(n, m, off, n.epoch);
        }
    }
}

template <typename F>
void durable_layer::each_entry(numbered_ns& n, redis::value& v, std::string_view epoch, F&& f)
{
    for (auto& e : v.elements) {
        // [id, [field, value]]: the one field "m", the message as published.
        if (!e.is_array() || e.elements.size() != 2 || !e.elements[1].is_array() || e.elements[1].elements.size() != 2) {
            continue;
        }
        const char* why = "";
        auto m = redis_wire::decode_broadcast(e.elements[1].elements[1].text(), why);
        std::string_view ep;
        std::uint64_t off = 0;
        if (!m || !m->opts.durable || !split_id(m->opts.durable->id, ep, off) || ep != epoch) {
            continue;
        }
        if (off > n.last) {
            f(*m, off);
        }
    }
}

void durable_layer::backfill(numbered_ns& n)
{
    n.fetching = true;
    net::co_spawn(
        srv_.shard_at(0).context(),
        [this, &n]() -> net::awaitable<void> {
            std::string epoch;
            if (numbering_) {
                std::vector<std::string> get{std::string("HGET"), n.prefix + "meta", std::string("epoch")};
                auto e = co_await numbering_->call(std::move(get));
                epoch = std::string(e.text());
            }
            if (!epoch.empty() && n.epoch.empty()) {
                // Bounded by the stream itself (stream_length entries at most).
                std::vector<std::string> cmd{std::string("XRANGE"), n.prefix + "s:" + epoch, std::string("-"),
                                             std::string("+"), std::string("COUNT"),
                                             std::to_string(opts_.stream_length + 100)};
                auto v = co_await numbering_->call(std::move(cmd));
                if (v.is_array() && !v.elements.empty() && n.epoch.empty()) {
                    n.epoch = epoch;
                    n.last = 0;
                    bool first = true;
                    each_entry(n, v, epoch, [&](redis_wire::broadcast_message& m, std::uint64_t off) {
                        if (first) {
                            n.last = off - 1;  // what the stream no longer holds is not a hole here
                            first = false;
                        }
                        deliver(n, m, off, epoch, true);
                    });
                }
            }
            n.fetching = false;
            auto held = std::move(n.held);
            n.held.clear();
            for (auto& [off, m] : held) {
                on_numbered(n, std::move(m));
            }
        },
        net::detached);
}

void durable_layer::catch_up_all()
{
    for (auto* n : all_) {
        if (n->fetching) {
            continue;
        }
        if (n->epoch.empty()) {
            backfill(*n);
        }
        else {
            fill(*n);
        }
    }
}

// ---- sessions --------------------------------------------------------------------------

bool durable_layer::save_session(redis::link* l, const numbered_ns& n, const persisted_session& s,
                                 std::chrono::milliseconds ttl)
{
    if (!l || !l->up()) {
        srv_.cluster().sessions_unsaved.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    json::array rooms;
    for (const auto& r : s.rooms) {
        rooms.emplace_back(r);
    }
    const json::object o{{"sid", s.sid}, {"rooms", std::move(rooms)}, {"data", s.data}};
    l->command({"SET", session_key(n, s.pid), json::serialize(o), "PX", std::to_string(std::max<long long>(1, ttl.count()))});
    return true;
}

void durable_layer::drop_session(redis::link* l, const numbered_ns& n, const std::string& pid)
{
    if (l && l->up()) {
        l->command({"DEL", session_key(n, pid)});
    }
}

task<std::optional<persisted_session>> durable_layer::take_session(redis::link* l, const numbered_ns& n, std::string pid)
{
    if (!l || !l->up() || pid.size() > 64) {
        co_return std::nullopt;
    }
    std::vector<std::string> cmd{std::string("GETDEL"), session_key(n, pid)};
    auto v = co_await l->call(std::move(cmd));
    if (v.type != redis::value::kind::bulk) {
        co_return std::nullopt;
    }
    boost::system::error_code ec;
    auto j = json::parse(v.str, ec);
    if (ec || !j.is_object()) {
        co_return std::nullopt;
    }
    const auto& o = j.get_object();
    persisted_session s;
    s.pid = std::move(pid);
    if (auto* sid = o.if_contains("sid"); sid && sid->is_string()) {
        s.sid = std::string(sid->get_string());
    }
    else {
        co_return std::nullopt;
    }
    s.rooms = redis_wire::string_list(o.if_contains("rooms"));
    if (auto* d = o.if_contains("data")) {
        s.data = *d;
    }
    co_return s;
}

} // namespace sb::detail
