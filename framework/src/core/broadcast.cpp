// Broadcasts: encode once, hand the shared packets to every shard, and let each shard
// write to its local members. No lock is shared by the shards on this path.
#include "core/encode.hpp"
#include "core/gather.hpp"
#include "core/local_namespace.hpp"
#include "core/namespace_state.hpp"
#include "core/publish.hpp"
#include "core/server_impl.hpp"
#include "core/shard.hpp"
#include "core/socket_impl.hpp"

#include <switchboard/broadcast.hpp>
#include <switchboard/error.hpp>
#include <switchboard/protocol/sse_frame.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

namespace net = boost::asio;

namespace sb::detail {

template <typename F>
void local_namespace::for_each_target(const std::vector<std::string>& rooms, const std::vector<std::string>& except,
                                      std::uint64_t mark, F&& f) const
{
    for (const auto& r : except) {
        if (auto it = rooms_.find(r); it != rooms_.end()) {
            for (auto* s : it->second) {
                s->mark = mark;
            }
        }
    }
    auto visit = [&](socket_impl* s) {
        if (s->mark != mark) {
            s->mark = mark;
            f(s);
        }
    };
    if (rooms.empty()) {
        for (const auto& [id, s] : sockets_) {
            visit(s);
        }
        return;
    }
    for (const auto& r : rooms) {
        if (auto it = rooms_.find(r); it != rooms_.end()) {
            for (auto* s : it->second) {
                visit(s);
            }
        }
    }
}

namespace {

/// Collects the answers to a broadcast with ack. Lives on the emitter's executor:
/// shards post every count and answer to it.
struct ack_collector {
    ack_collector(net::any_io_executor ex, std::size_t shards) : done(ex), shards_pending(shards) {}
    net::steady_timer done;
    std::size_t shards_pending;
    std::size_t expected = 0;
    std::size_t failed = 0;
    bool finished = false;
    std::vector<boost::json::value> responses;

    void check()
    {
        if (!finished && shards_pending == 0 && responses.size() + failed >= expected) {
            finished = true;
            done.cancel();
        }
    }
};

/// One broadcast, encoded, shared read-only by all shards.
struct broadcast_job {
    namespace_state* ns;
    std::vector<out_packet> packets;
    std::vector<std::string> rooms;
    std::vector<std::string> except;
    bool is_volatile = false;
    std::uint64_t ack_id = 0;
    std::shared_ptr<ack_collector> collector;  // with ack only
    net::any_io_executor origin;
    // Set by publish() only (zero/null on the plain path):
    std::uint64_t offset = 0;                           // recovery / history offset
    std::shared_ptr<const std::string> sse;             // frame for EventSource sockets
    std::shared_ptr<const std::string> conflation_key;  // for EventSource streams
    bool replay_aware = false;                          // offset, sse or conflation in play
};

/// A target of a publish()ed job: replayed offsets are skipped; EventSource sockets get
/// the SSE frame (they cannot ack, so they are not counted for acks).
bool deliver_published(socket_impl* s, const broadcast_job& job)
{
    if (job.offset && s->skip_replayed(job.offset)) {
        return false;
    }
    if (s->is_eventsource()) {
        if (job.sse) {
            s->deliver_sse(job.sse, job.offset, job.conflation_key, job.is_volatile);
        }
        return false;
    }
    return true;
}

void deliver(shard& sh, const std::shared_ptr<const broadcast_job>& job)
{
    auto* local = sh.find_local(*job->ns);
    std::size_t count = 0;
    if (local) {
        local->for_each_target(job->rooms, job->except, sh.next_mark(), [&](socket_impl* s) {
            if (job->replay_aware && !deliver_published(s, *job)) {
                return;
            }
            if (job->collector) {
                s->expect_ack(job->ack_id, [job](boost::system::error_code ec, payload&& p) {
                    boost::json::value first = p.args.empty() ? boost::json::value(nullptr) : p.args.front();
                    net::post(job->origin, [c = job->collector, ec, first = std::move(first)]() mutable {
                        if (c->finished) {
                            return;
                        }
                        if (ec) {
                            ++c->failed;  // disconnected: it will not answer
                        }
                        else {
                            c->responses.push_back(std::move(first));
                        }
                        c->check();
                    });
                });
            }
            if (s->deliver(job->packets, job->is_volatile) == send_status::queued || !job->collector) {
                ++count;
            }
            else {
                s->forget_ack(job->ack_id);
            }
        });
    }
    if (job->collector) {
        net::post(job->origin, [c = job->collector, count] {
            c->expected += count;
            --c->shards_pending;
            c->check();
        });
    }
}

template <typename F>
void for_targets_everywhere(namespace_state* root, const broadcast_operator& op, F f)
{
    for (auto* ns : root->targets()) {
        root->server().on_every_shard([ns, rooms = op.rooms(), except = op.except_rooms(), f](shard& sh) {
            auto* local = sh.find_local(*ns);
            if (!local) {
                return;
            }
            std::vector<std::shared_ptr<socket_impl>> targets;
            local->for_each_target(rooms, except, sh.next_mark(),
                                   [&](socket_impl* s) { targets.push_back(s->shared_from_this()); });
            for (auto& s : targets) {
                f(*s);  // may change membership: the targets were collected first
            }
        });
    }
}

} // namespace
} // namespace sb::detail

namespace sb {

using namespace detail;

broadcast_operator broadcast_operator::to(std::string room) const
{
    auto b = *this;
    b.rooms_.push_back(std::move(room));
    return b;
}

broadcast_operator broadcast_operator::to(std::vector<std::string> rooms) const
{
    auto b = *this;
    b.rooms_.insert(b.rooms_.end(), std::make_move_iterator(rooms.begin()), std::make_move_iterator(rooms.end()));
    return b;
}

broadcast_operator broadcast_operator::except(std::string room) const
{
    auto b = *this;
    b.except_.push_back(std::move(room));
    return b;
}

broadcast_operator broadcast_operator::except(std::vector<std::string> rooms) const
{
    auto b = *this;
    b.except_.insert(b.except_.end(), std::make_move_iterator(rooms.begin()), std::make_move_iterator(rooms.end()));
    return b;
}

broadcast_operator broadcast_operator::local() const
{
    auto b = *this;
    b.local_ = true;
    return b;
}

broadcast_operator broadcast_operator::volatile_() const
{
    auto b = *this;
    b.volatile_flag_ = true;
    return b;
}

broadcast_operator broadcast_operator::timeout(std::chrono::milliseconds t) const
{
    auto b = *this;
    b.timeout_ = t;
    return b;
}

broadcast_operator broadcast_operator::resumable() const
{
    auto b = *this;
    b.resumable_ = true;
    return b;
}

broadcast_operator broadcast_operator::conflate(std::string key) const
{
    auto b = *this;
    b.conflate_ = std::move(key);
    return b;
}

void broadcast_operator::emit(std::string_view event, payload args) const
{
    for (auto* ns : ns_->targets()) {
        if (needs_publish(*ns, *this)) {
            publish(*ns, *this, event, args);
            continue;
        }
        auto job = std::make_shared<broadcast_job>();
        job->ns = ns;
        job->packets = encode_event(ns->name(), event, args);  // once, for every recipient
        job->rooms = rooms_;
        job->except = except_;
        job->is_volatile = volatile_flag_;
        ns->server().metrics().broadcasts.fetch_add(1, std::memory_order_relaxed);
        std::shared_ptr<const broadcast_job> shared = std::move(job);
        ns->server().on_every_shard([shared](shard& sh) { deliver(sh, shared); });
    }
}

task<broadcast_ack_result> broadcast_operator::emit_with_ack(std::string_view event, payload args) const
{
    auto ex = co_await net::this_coro::executor;
    broadcast_ack_result result;
    for (auto* ns : ns_->targets()) {
        auto& srv = ns->server();
        auto collector = std::make_shared<ack_collector>(ex, srv.shards().size());
        collector->done.expires_after(timeout_);
        auto job = std::make_shared<broadcast_job>();
        job->ns = ns;
        job->ack_id = ns->next_ack_id();  // one id for every recipient, as socket.io does
        job->packets = encode_event(ns->name(), event, args, job->ack_id);
        job->rooms = rooms_;
        job->except = except_;
        job->collector = collector;
        job->origin = ex;
        srv.metrics().broadcasts.fetch_add(1, std::memory_order_relaxed);
        std::shared_ptr<const broadcast_job> shared = std::move(job);
        srv.on_every_shard([shared](shard& sh) { deliver(sh, shared); });

        co_await collector->done.async_wait(net::as_tuple(net::use_awaitable));
        if (!collector->finished) {
            // Timed out: forget the id on every socket, so late answers are ignored and
            // nothing stays registered (socket.io deletes it from every socket too).
            collector->finished = true;
            srv.on_every_shard([ns, id = shared->ack_id](shard& sh) {
                if (auto* local = sh.find_local(*ns)) {
                    for (const auto& [sid, s] : local->sockets()) {
                        s->forget_ack(id);
                    }
                }
            });
        }
        const auto answered = collector->responses.size();
        result.missing += collector->expected > answered ? collector->expected - answered : 0;
        for (auto& r : collector->responses) {
            result.responses.push_back(std::move(r));
        }
    }
    if (result.missing > 0) {
        result.ec = make_error_code(error::timeout);
    }
    co_return result;
}

void broadcast_operator::sockets_join(std::string room) const
{
    for_targets_everywhere(ns_, *this, [room](socket_impl& s) { s.join_room(room); });
}

void broadcast_operator::sockets_leave(std::string room) const
{
    for_targets_everywhere(ns_, *this, [room](socket_impl& s) { s.leave_room(room); });
}

void broadcast_operator::disconnect_sockets(bool close_connection) const
{
    for_targets_everywhere(ns_, *this, [close_connection](socket_impl& s) { s.disconnect(close_connection); });
}

task<std::size_t> broadcast_operator::count() const
{
    std::size_t total = 0;
    for (auto* ns : ns_->targets()) {
        // Named, not a temporary in the co_await: GCC 12 destroys such temporaries twice.
        auto count_here = [ns, rooms = rooms_, except = except_](shard& sh) {
            std::size_t n = 0;
            if (auto* local = sh.find_local(*ns)) {
                local->for_each_target(rooms, except, sh.next_mark(), [&](socket_impl*) { ++n; });
            }
            return n;
        };
        auto counts = co_await gather<std::size_t>(ns->server(), count_here);
        for (auto c : counts) {
            total += c;
        }
    }
    co_return total;
}

} // namespace sb

namespace sb::detail {

bool needs_publish(const namespace_state& ns, const broadcast_operator& op) noexcept
{
    return op.is_resumable() || !op.conflation_key().empty() || ns.eventsource() != nullptr ||
           (!op.is_volatile() && ns.recovery() != nullptr);
}

std::shared_ptr<const std::string> make_sse_frame(std::string_view event, std::string_view data, std::string_view id)
{
    std::string f;
    f.reserve(event.size() + data.size() + id.size() + 32);
    sse::append_event(f, data, event, id);
    return std::make_shared<const std::string>(std::move(f));
}

void publish(namespace_state& ns, const broadcast_operator& op, std::string_view event, const payload& args,
             shard* only)
{
    auto& srv = ns.server();
    srv.metrics().broadcasts.fetch_add(1, std::memory_order_relaxed);
    const recovery_options* recovery = op.is_volatile() ? nullptr : ns.recovery();
    const bool resumable = op.is_resumable() && !op.is_volatile();
    const bool with_sse = ns.eventsource() != nullptr;

    auto job = std::make_shared<broadcast_job>();
    job->ns = &ns;
    job->rooms = op.rooms();
    job->except = op.except_rooms();
    job->is_volatile = op.is_volatile();
    job->replay_aware = true;
    job->packets = encode_event(ns.name(), event, args);
    if (!op.conflation_key().empty()) {
        std::string key = ns.name();
        key += '\0';
        key += event;
        key += '\0';
        key += op.conflation_key();
        job->conflation_key = std::make_shared<const std::string>(std::move(key));
        if (job->packets.size() == 1) {
            job->packets[0].conflation_key = job->conflation_key;  // the session queue conflates
        }
    }
    std::string data;
    if ((with_sse || resumable) && !args.args.empty()) {
        data = boost::json::serialize(args.args.front());
    }

    if (!recovery && !resumable) {
        // No offset: delivered like a plain broadcast, with the SSE frame alongside.
        if (with_sse) {
            job->sse = make_sse_frame(event, data, {});
        }
        std::shared_ptr<const broadcast_job> shared = std::move(job);
        if (only) {
            deliver(*only, shared);
            return;
        }
        srv.on_every_shard([shared](shard& sh) { deliver(sh, shared); });
        return;
    }

    // With an offset: assign it, log the event and post the job under the log's lock,
    // so that every shard receives offset-carrying jobs in offset order. The current
    // shard delivers inline when none of this namespace's jobs is pending for it.
    auto& log = ns.log();
    shard* here = shard::current();
    bool run_here = false;
    std::shared_ptr<const broadcast_job> shared;
    {
        std::lock_guard lock(log.mutex());
        job->offset = log.next_offset();
        const auto id = log.id(job->offset);
        if (recovery) {
            // Socket.IO's SessionAwareAdapter: the offset is the last array element.
            std::string text = *job->packets[0].data;
            text.pop_back();  // the array's ']'
            text += ",\"";
            text += id;
            text += "\"]";
            job->packets[0].data = std::make_shared<const std::string>(std::move(text));
        }
        if (with_sse) {
            job->sse = make_sse_frame(event, data, resumable ? std::string_view(id) : std::string_view{});
        }
        auto e = std::make_shared<logged_event>();
        e->offset = job->offset;
        e->at = log_clock::now();
        e->rooms = job->rooms;
        e->except = job->except;
        e->packets = job->packets;
        e->event = std::string(event);
        e->data = std::move(data);
        e->sse = job->sse;
        e->conflation_key = job->conflation_key;
        e->resumable = resumable;
        log.record(e, recovery, [&ns](const std::string& room) { return ns.history_rule(room); });
        shared = std::move(job);
        auto send_to = [&](shard& sh) {
            if (&sh == here && log.pending(sh.index()).load(std::memory_order_relaxed) == 0) {
                run_here = true;
                return;
            }
            log.pending(sh.index()).fetch_add(1, std::memory_order_relaxed);
            net::post(sh.context(), [shared, &sh, &log] {
                deliver(sh, shared);
                log.pending(sh.index()).fetch_sub(1, std::memory_order_relaxed);
            });
        };
        if (only) {
            send_to(*only);
        }
        else {
            for (auto& sh : srv.shards()) {
                send_to(*sh);
            }
        }
    }
    if (run_here) {
        deliver(*here, shared);
    }
}

} // namespace sb::detail
