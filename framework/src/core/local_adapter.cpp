// The local adapter: encode once, hand the shared packets to every shard, and let each
// shard write to its local members. No lock is shared by the shards on this path.
#include "core/local_adapter.hpp"

#include "core/ack_collector.hpp"
#include "core/encode.hpp"
#include "core/gather.hpp"
#include "core/local_namespace.hpp"
#include "core/namespace_state.hpp"
#include "core/publish.hpp"
#include "core/node.hpp"
#include "core/shard.hpp"
#include "core/socket_impl.hpp"

#include <switchboard/error.hpp>
#include <switchboard/protocol/sse_frame.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <map>
#include <set>

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
        if (auto* own = own_room_member(r)) {
            own->mark = mark;
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
        if (auto* own = own_room_member(r)) {
            visit(own);
        }
    }
}

namespace {

/// One broadcast, encoded, shared read-only by all shards.
struct broadcast_job {
    namespace_state* ns;
    packet_list packets;
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
                        if (ec) {
                            c->lost();  // disconnected: it will not answer
                        }
                        else {
                            c->answer(std::move(first));
                        }
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
        net::post(job->origin, [c = job->collector, count] { c->part_done(count); });
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

/// What `fetch_sockets` tells of a local socket, shaped as Node's `socket.handshake`.
socket_info describe(socket_impl& s)
{
    socket_info info;
    info.id = s.id_ref();
    info.rooms = s.room_list();
    info.data = s.data;
    info.handshake = s.handshake().to_json(s.auth());
    return info;
}

} // namespace

void local_adapter::broadcast(namespace_state& ns, const broadcast_operator& op, std::string_view event,
                              const payload& args)
{
    if (needs_publish(ns, op)) {
        publish(ns, op, event, args);
        return;
    }
    auto job = std::make_shared<broadcast_job>();
    job->ns = &ns;
    job->packets = encode_event(ns.name(), event, args);  // once, for every recipient
    job->rooms = op.rooms();
    job->except = op.except_rooms();
    job->is_volatile = op.is_volatile();
    srv_.metrics().broadcasts.fetch_add(1, std::memory_order_relaxed);
    std::shared_ptr<const broadcast_job> shared = std::move(job);
    srv_.on_every_shard([shared](shard& sh) { deliver(sh, shared); });
}

void local_adapter::broadcast_with_ack(namespace_state& ns, const broadcast_operator& op, std::string_view event,
                                       const payload& args, const std::shared_ptr<ack_collector>& c)
{
    auto job = std::make_shared<broadcast_job>();
    job->ns = &ns;
    job->ack_id = ns.next_ack_id();  // one id for every recipient, as socket.io does
    job->packets = encode_event(ns.name(), event, args, job->ack_id);
    job->rooms = op.rooms();
    job->except = op.except_rooms();
    job->is_volatile = op.is_volatile();
    job->collector = c;
    job->origin = c->origin;
    c->add_parts(srv_.shards().size());
    // Ended with answers missing (deadline, or the collect policy met): forget the id on
    // every socket, so late answers are ignored and nothing stays registered (socket.io
    // deletes it from every socket too).
    c->on_unanswered.push_back([srv = &srv_, nsp = &ns, id = job->ack_id] {
        srv->on_every_shard([nsp, id](shard& sh) {
            if (auto* local = sh.find_local(*nsp)) {
                for (const auto& [sid, s] : local->sockets()) {
                    s->forget_ack(id);
                }
            }
        });
    });
    srv_.metrics().broadcasts.fetch_add(1, std::memory_order_relaxed);
    std::shared_ptr<const broadcast_job> shared = std::move(job);
    srv_.on_every_shard([shared](shard& sh) { deliver(sh, shared); });
}

void local_adapter::add_sockets(namespace_state& ns, const broadcast_operator& op, std::vector<std::string> rooms)
{
    for_targets_everywhere(&ns, op, [rooms](socket_impl& s) {
        for (const auto& r : rooms) {
            s.join_room(r);
        }
    });
}

void local_adapter::del_sockets(namespace_state& ns, const broadcast_operator& op, std::vector<std::string> rooms)
{
    for_targets_everywhere(&ns, op, [rooms](socket_impl& s) {
        for (const auto& r : rooms) {
            s.leave_room(r);
        }
    });
}

void local_adapter::disconnect_sockets(namespace_state& ns, const broadcast_operator& op, bool close)
{
    for_targets_everywhere(&ns, op, [close](socket_impl& s) { s.disconnect(close); });
}

task<fetch_result> local_adapter::fetch_sockets(namespace_state& ns, const broadcast_operator& op)
{
    // Named, not a temporary in the co_await: GCC 12 destroys such temporaries twice.
    auto here = [nsp = &ns, rooms = op.rooms(), except = op.except_rooms()](shard& sh) {
        std::vector<socket_info> out;
        if (auto* local = sh.find_local(*nsp)) {
            local->for_each_target(rooms, except, sh.next_mark(), [&](socket_impl* s) { out.push_back(describe(*s)); });
        }
        return out;
    };
    auto parts = co_await gather<std::vector<socket_info>>(srv_, here);
    fetch_result r;
    for (auto& part : parts) {
        for (auto& s : part) {
            r.sockets.push_back(std::move(s));
        }
    }
    co_return r;
}

task<std::vector<std::string>> local_adapter::socket_ids(namespace_state& ns, const broadcast_operator& op)
{
    auto here = [nsp = &ns, rooms = op.rooms(), except = op.except_rooms()](shard& sh) {
        std::vector<std::string> out;
        if (auto* local = sh.find_local(*nsp)) {
            local->for_each_target(rooms, except, sh.next_mark(), [&](socket_impl* s) { out.emplace_back(s->id_ref()); });
        }
        return out;
    };
    auto parts = co_await gather<std::vector<std::string>>(srv_, here);
    std::vector<std::string> ids;
    for (auto& part : parts) {
        ids.insert(ids.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
    }
    co_return ids;
}

task<std::size_t> local_adapter::count(namespace_state& ns, const broadcast_operator& op)
{
    auto count_here = [nsp = &ns, rooms = op.rooms(), except = op.except_rooms()](shard& sh) {
        std::size_t n = 0;
        if (auto* local = sh.find_local(*nsp)) {
            local->for_each_target(rooms, except, sh.next_mark(), [&](socket_impl*) { ++n; });
        }
        return n;
    };
    auto counts = co_await gather<std::size_t>(srv_, count_here);
    std::size_t total = 0;
    for (auto c : counts) {
        total += c;
    }
    co_return total;
}

task<room_sizes> local_adapter::rooms(namespace_state& ns)
{
    auto list_here = [nsp = &ns](shard& sh) {
        room_sizes out;
        if (auto* local = sh.find_local(*nsp)) {
            for (const auto& [room, members] : local->named_rooms()) {
                if (!local->find(room)) {  // a socket's own room is not a room to list
                    out.emplace_back(room, members.size());
                }
            }
        }
        return out;
    };
    auto parts = co_await gather<room_sizes>(srv_, list_here);
    std::map<std::string, std::size_t> merged;
    for (auto& part : parts) {
        for (auto& [room, n] : part) {
            merged[room] += n;
        }
    }
    co_return room_sizes(merged.begin(), merged.end());
}

task<std::vector<std::string>> local_adapter::room_names(namespace_state& ns)
{
    auto list_here = [nsp = &ns](shard& sh) {
        std::vector<std::string> out;
        if (auto* local = sh.find_local(*nsp)) {
            for (const auto& [room, members] : local->named_rooms()) {
                out.push_back(room);
            }
            for (const auto& [id, s] : local->sockets()) {  // own rooms, as socket.io's allRooms has them
                if (s->in_own_room()) {
                    out.emplace_back(id);
                }
            }
        }
        return out;
    };
    auto parts = co_await gather<std::vector<std::string>>(srv_, list_here);
    std::set<std::string> merged;
    for (auto& part : parts) {
        merged.insert(part.begin(), part.end());
    }
    co_return std::vector<std::string>(merged.begin(), merged.end());
}

task<server_ack_result> local_adapter::server_side_emit_with_ack(namespace_state&, std::string_view, const payload&,
                                                                 std::chrono::milliseconds)
{
    co_return server_ack_result{};  // no other server: every one of them answered
}

task<std::size_t> local_adapter::server_count() { co_return 1; }

task<std::vector<presence_member>> adapter::members(namespace_state& ns, std::string room)
{
    auto r = co_await fetch_sockets(ns, broadcast_operator{&ns}.to(std::move(room)));
    std::vector<presence_member> out;
    out.reserve(r.sockets.size());
    for (auto& s : r.sockets) {
        out.push_back(presence_member{std::move(s.id), std::move(s.data)});
    }
    co_return out;
}

} // namespace sb::detail

namespace sb::detail {

bool needs_publish(const namespace_state& ns, const broadcast_operator& op) noexcept
{
    return op.is_resumable() || !op.conflation_key().empty() || ns.eventsource() != nullptr ||
           (!op.is_volatile() && ns.recovery() != nullptr);
}

bool carries_offset(const namespace_state& ns, const broadcast_operator& op) noexcept
{
    return !op.is_volatile() && (ns.recovery() != nullptr || op.is_resumable());
}

std::shared_ptr<const std::string> make_sse_frame(std::string_view event, std::string_view data, std::string_view id)
{
    std::string f;
    f.reserve(event.size() + data.size() + id.size() + 32);
    sse::append_event(f, data, event, id);
    return std::make_shared<const std::string>(std::move(f));
}

void publish(namespace_state& ns, const broadcast_operator& op, std::string_view event, const payload& args,
             shard* only, const given_offset* given)
{
    auto& srv = ns.server();
    auto& log = ns.log();
    srv.metrics().broadcasts.fetch_add(1, std::memory_order_relaxed);
    // In cluster mode only the cluster numbers events: one without a given offset (from
    // a Node peer, or `.local()`) is delivered like a volatile one, never logged.
    const bool numbered = given || !log.external();
    const recovery_options* recovery = op.is_volatile() || !numbered ? nullptr : ns.recovery();
    const bool resumable = (given ? given->resumable : op.is_resumable()) && !op.is_volatile() && numbered;
    const bool with_sse = ns.eventsource() != nullptr;
    const std::string_view conflation = given ? given->conflation_key : std::string_view(op.conflation_key());

    auto job = std::make_shared<broadcast_job>();
    job->ns = &ns;
    job->rooms = op.rooms();
    job->except = op.except_rooms();
    job->is_volatile = op.is_volatile();
    job->replay_aware = true;
    job->packets = encode_event(ns.name(), event, args);
    if (!conflation.empty()) {
        std::string key = ns.name();
        key += '\0';
        key += event;
        key += '\0';
        key += conflation;
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
    shard* here = shard::current();
    bool run_here = false;
    std::shared_ptr<const broadcast_job> shared;
    {
        std::lock_guard lock(log.mutex());
        if (given) {
            if (!log.adopt(given->epoch, given->offset)) {
                return;  // delivered already
            }
            job->offset = given->offset;
        }
        else {
            job->offset = log.next_offset();
        }
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
        e->packets.assign(job->packets.begin(), job->packets.end());
        e->event = std::string(event);
        e->data = std::move(data);
        e->sse = job->sse;
        e->conflation_key = job->conflation_key;
        e->resumable = resumable;
        log.record(e, recovery, [&ns](const std::string& room) { return ns.history_rule(room); });
        if (given && given->log_only) {
            return;
        }
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
