// sb::socket: one client in one namespace. Everything here runs on the socket's shard.
#include "core/socket_impl.hpp"

#include "core/adapter.hpp"
#include "core/encode.hpp"
#include "core/json_parse.hpp"
#include "core/launch.hpp"
#include "core/log.hpp"
#include "core/local_namespace.hpp"
#include "core/namespace_state.hpp"
#include "core/publish.hpp"
#include "core/node.hpp"
#include "core/shard.hpp"

#include <switchboard/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace net = boost::asio;

namespace sb {

using detail::socket_impl;

socket::~socket() = default;

std::string_view socket::id() const noexcept { return socket_impl::of(*this).id_ref(); }
const std::string& socket::nsp() const noexcept { return const_cast<socket_impl&>(socket_impl::of(*this)).ns().name(); }
const boost::json::object& socket::auth() const noexcept { return socket_impl::of(*this).auth_ref(); }
bool socket::connected() const noexcept { return socket_impl::of(*this).is_connected(); }
bool socket::recovered() const noexcept { return socket_impl::of(*this).was_recovered(); }

const handshake_info& socket::handshake() const noexcept
{
    static const handshake_info none;
    auto& s = const_cast<socket_impl&>(socket_impl::of(*this));
    if (s.stream()) {
        return s.stream()->handshake();
    }
    return s.conn() ? s.conn()->sink().handshake() : none;
}

boost::json::object socket::query() const { return handshake().query(); }
const std::string& socket::remote_address() const noexcept { return handshake().address; }

boost::asio::any_io_executor socket::executor() const noexcept
{
    auto& s = const_cast<socket_impl&>(socket_impl::of(*this));
    return s.owner().context().get_executor();
}

std::string_view socket::transport() const noexcept
{
    auto& s = const_cast<socket_impl&>(socket_impl::of(*this));
    if (s.is_eventsource()) {
        return "eventsource";
    }
    if (!s.conn()) {
        return "closed";
    }
    return s.conn()->sink().transport_name();
}

void socket::emit(std::string_view event, payload args, emit_options opts)
{
    auto& s = socket_impl::of(*this);
    if (!s.is_connected()) {
        return;
    }
    if (auto* o = s.owner().server().observer()) {
        o->sent(*this, event, args);
    }
    if (!opts.is_volatile && s.ns().recovery()) {
        // Recovery: through the log, as Socket.IO sends socket.emit through the adapter
        // to the socket's own room, so that it gets an offset and can be replayed. When
        // the cluster numbers the namespace, the offset is the cluster's: through it.
        auto& a = s.owner().server().adapter();
        if (a.numbers(s.ns())) {
            a.broadcast(s.ns(), broadcast_operator{&s.ns()}.to(std::string(s.id_ref())), event, args);
            return;
        }
        detail::publish(s.ns(), broadcast_operator{&s.ns()}.to(std::string(s.id_ref())), event, args, &s.owner());
        return;
    }
    if (s.is_eventsource()) {
        const std::string data = args.args.empty() ? std::string{} : boost::json::serialize(args.args.front());
        s.deliver_sse(detail::make_sse_frame(event, data, {}), 0, nullptr, opts.is_volatile);
        return;
    }
    const auto packets = detail::encode_event(s.ns().name(), event, args);
    s.deliver(packets, opts.is_volatile);
}

task<ack_result> socket::emit_with_ack(std::string_view event, payload args, std::chrono::milliseconds timeout)
{
    auto self = socket_impl::of(*this).shared_from_this();
    if (!self->is_connected() || self->is_eventsource()) {
        // An EventSource client cannot acknowledge anything.
        co_return ack_result{make_error_code(error::closed), {}};
    }
    // The waiting coroutine sleeps on a timer; the ack (or the disconnect) cancels it.
    struct waiter {
        explicit waiter(net::any_io_executor ex) : timer(ex) {}
        net::steady_timer timer;
        std::optional<ack_result> result;
    };
    auto w = std::make_shared<waiter>(co_await net::this_coro::executor);
    w->timer.expires_after(timeout);
    const auto id = self->ns().next_ack_id();
    self->expect_ack(id, [w](boost::system::error_code ec, payload&& p) {
        w->result = ack_result{ec, std::move(p)};
        w->timer.cancel();
    });
    self->deliver(detail::encode_event(self->ns().name(), event, args, id), false);
    co_await w->timer.async_wait(net::as_tuple(net::use_awaitable));
    if (!w->result) {
        self->forget_ack(id);
        co_return ack_result{make_error_code(error::timeout), {}};
    }
    co_return std::move(*w->result);
}

void socket::join(std::string room) { socket_impl::of(*this).join_room(room); }

void socket::join(const std::vector<std::string>& rooms)
{
    for (const auto& r : rooms) {
        socket_impl::of(*this).join_room(r);
    }
}

void socket::leave(std::string_view room) { socket_impl::of(*this).leave_room(std::string(room)); }

std::vector<std::string> socket::rooms() const { return socket_impl::of(*this).room_list(); }

broadcast_operator socket::to(std::string room) const { return broadcast().to(std::move(room)); }
broadcast_operator socket::to(std::vector<std::string> rooms) const { return broadcast().to(std::move(rooms)); }
broadcast_operator socket::except(std::string room) const { return broadcast().except(std::move(room)); }
broadcast_operator socket::except(std::vector<std::string> rooms) const
{
    return broadcast().except(std::move(rooms));
}

broadcast_operator socket::broadcast() const
{
    auto& s = const_cast<socket_impl&>(socket_impl::of(*this));
    // The sender is excluded through its own room, as socket.io's socket.to() does.
    return broadcast_operator{&s.ns()}.except(std::string(s.id_ref()));
}

void socket::disconnect(bool close_connection)
{
    auto self = socket_impl::of(*this).shared_from_this();
    if (self->is_connected() && self->stream()) {
        // EventSource: the stream ends (the browser reconnects unless told otherwise).
        auto* es = self->stream();
        self->on_disconnect("server namespace disconnect");
        es->end("server namespace disconnect");
        return;
    }
    if (!self->is_connected() || !self->conn()) {
        return;
    }
    auto* c = self->conn();
    self->send_packet(sio::packet{.type = sio::packet_type::disconnect, .nsp = self->ns().name()});
    c->remove_socket(self->ns().name());
    self->on_disconnect("server namespace disconnect");
    if (close_connection) {
        // socket.io's client._disconnect(): the other sockets of the connection go with it.
        c->close("forced server close");
    }
}

} // namespace sb

namespace sb::detail {

socket_impl::socket_impl(client& c, namespace_state& ns, shard& sh, std::string_view id, boost::json::object auth)
    : peer_(&c), ns_(ns), shard_(sh), id_(id), auth_(std::move(auth))
{
}

socket_impl::socket_impl(event_stream& es, namespace_state& ns, shard& sh, std::string_view id, boost::json::object auth)
    : peer_(&es), eventsource_(true), ns_(ns), shard_(sh), id_(id), auth_(std::move(auth))
{
}

socket_impl::~socket_impl() = default;

std::vector<std::string> socket_impl::room_list() const
{
    std::vector<std::string> out;
    out.reserve(rooms_.size() + 1);
    out.insert(out.end(), rooms_.begin(), rooms_.end());
    if (in_own_room_) {
        out.insert(std::lower_bound(out.begin(), out.end(), id_.view()), id_.str());
    }
    return out;
}

void socket_impl::on_connected()
{
    connected_ = true;
    shard_.local(ns_).add(this);
    join_room(id_.str());
}

void socket_impl::join_room(const std::string& room)
{
    if (!connected_) {
        return;
    }
    if (room == id_) {
        if (in_own_room_) {
            return;
        }
        in_own_room_ = true;
    }
    else {
        auto it = std::lower_bound(rooms_.begin(), rooms_.end(), room);
        if (it != rooms_.end() && *it == room) {
            return;
        }
        rooms_.insert(it, room);
    }
    shard_.local(ns_).join(this, room);
    if (auto* o = shard_.server().observer()) {
        o->joined(*this, room);
    }
    if (tracks_presence(room)) {
        shard_.server().adapter().member_joined(ns_, room, id_.str(), data);
    }
    session_changed();
}

void socket_impl::leave_room(const std::string& room)
{
    if (room == id_) {
        if (!in_own_room_) {
            return;
        }
        in_own_room_ = false;
    }
    else {
        auto it = std::lower_bound(rooms_.begin(), rooms_.end(), room);
        if (it == rooms_.end() || *it != room) {
            return;
        }
        rooms_.erase(it);
    }
    shard_.local(ns_).leave(this, room);
    if (auto* o = shard_.server().observer()) {
        o->left(*this, room);
    }
    if (tracks_presence(room)) {
        shard_.server().adapter().member_left(ns_, room, id_.str());
    }
    session_changed();
}

bool socket_impl::tracks_presence(const std::string& room) const
{
    return ns_.presence() != nullptr && room != id_;
}

void socket_impl::session_changed()
{
    if (pid_.empty() || save_queued_ || !connected_ || !shard_.server().adapter().numbers(ns_)) {
        return;
    }
    save_queued_ = true;
    // Two turns of the loop later: a connection handler started with this socket (posted
    // after its first join) has run up to its first suspension, so the data and rooms it
    // set are in the first write, and a burst of joins is one write.
    net::post(shard_.context(), [self = weak_from_this(), &sh = shard_] {
        net::post(sh.context(), [self] {
            if (auto s = self.lock()) {
                s->save_session_now();
            }
        });
    });
}

void socket_impl::save_session_now()
{
    save_queued_ = false;
    if (const auto* rec = ns_.recovery(); rec && connected_ && !pid_.empty()) {
        shard_.server().adapter().save_session(ns_, session(), rec->max_disconnection_duration);
    }
}

void socket_impl::send_reply(std::uint64_t id, const reply& r)
{
    if (auto* c = conn()) {
        c->send(encode_ack(ns_.name(), id, r.value));
    }
}

// One handler's run for one event: started by on_event where the event was read
// (core/launch.hpp), it answers the ack itself when the handler returns.
struct handler_call {
    // The ack is sent once: by the handler's co_return, or by the deadline, which then
    // cancels the handler at its next co_await.
    struct state final : shard_timer, std::enable_shared_from_this<state> {
        state(std::shared_ptr<socket_impl> s, std::uint64_t i, std::chrono::milliseconds l)
            : self(std::move(s)), id(i), limit(l)
        {
        }
        state(const state&) = delete;
        state& operator=(const state&) = delete;
        ~state() { self->owner().timers().cancel(*this); }
        void on_timer() override
        {
            if (replied) {
                return;
            }
            replied = true;
            self->send_reply(id, reply{app_error{"timeout", "the handler did not answer within " +
                                                                std::to_string(limit.count()) + " ms"}});
            // The handler's frame owns this state. An operation that completes inline on
            // cancellation would end the frame, and this, in the middle of emit().
            const auto keep = shared_from_this();
            cancel.emit(net::cancellation_type::terminal);
        }
        std::shared_ptr<socket_impl> self;
        std::uint64_t id;
        std::chrono::milliseconds limit;
        bool replied = false;
        net::cancellation_signal cancel;
    };

    /// What the log says of the exception being handled: its what(), or that it was none.
    static std::string thrown()
    {
        try {
            throw;
        }
        catch (const std::exception& e) {
            return std::string("the handler threw: ") + e.what();
        }
        catch (...) {
            return "the handler threw a non-exception";
        }
    }

    static entry_task run(std::shared_ptr<socket_impl> self, const event_handler* h, std::shared_ptr<state> call,
                          std::optional<std::uint64_t> id, event ev, shard::task_guard, net::any_io_executor /*work*/)
    {
        // Nothing may leave this frame: launch_here() would rethrow it into the transport's
        // read loop (which would stop reading), or, after a suspension, out of the shard's
        // run(). What can throw beyond the handler is a failed allocation while logging or
        // queueing the answer; the client's own ack timeout then speaks for it.
        try {
            reply r;
            try {
                r = co_await (*h)(self, std::move(ev));
            }
            catch (...) {
                if (call && call->replied) {
                    co_return;  // cancelled after the deadline answered
                }
                log(self->ns().server().options(), log_level::error, "handler", thrown(), self->id(),
                    self->ns().name());
                // The text stays in the log: it may name files, queries or secrets.
                r = reply{app_error{"internal", "internal error"}};
            }
            if (!id || (call && call->replied)) {
                co_return;
            }
            if (call) {
                call->replied = true;
                self->owner().timers().cancel(*call);
            }
            if (!r.declined) {
                self->send_reply(*id, r);
            }
        }
        catch (...) {
        }
    }
};

void socket_impl::on_event(sio::packet p)
{
    shard_.server().metrics().events_dispatched.fetch_add(1, std::memory_order_relaxed);
    if (auto* o = shard_.server().observer()) {
        o->received(*this, p.data);
    }
    const event_handler* h = ns_.find_handler(p.event);
    const auto id = p.id;
    if (!h) {
        if (id && shard_.server().options().socketio.ack_unknown_events) {
            // Always answer an ack promptly, or clients with `retries` stall their queue.
            send_reply(*id, reply{app_error{"unknown_event", "no handler for event \"" + p.event + "\""}});
        }
        return;
    }
    event ev(std::move(p.event), std::move(p.data), std::move(p.buffers), id);

    // Only an ack-carrying event under a deadline needs this state: the common
    // fire-and-forget event costs no allocation beyond its coroutine. The deadline is an
    // entry on the shard's timers, not an asio timer of its own.
    std::shared_ptr<handler_call::state> call;
    const auto limit = shard_.server().options().socketio.handler_deadline;
    if (id && limit.count() > 0) {
        call = std::make_shared<handler_call::state>(shared_from_this(), *id, limit);
        shard_.timers().schedule(*call, shard_timers::clock::now() + limit);
    }
    auto slot = call ? call->cancel.slot() : net::cancellation_slot();
    const auto ex = shard_.context().get_executor();
    launch_here(handler_call::run(shared_from_this(), h, std::move(call), id, std::move(ev), shard::task_guard(shard_),
                                  track_work(ex)),
                ex, slot);
}

void socket_impl::on_ack(sio::packet p)
{
    if (!p.id) {
        return;
    }
    if (!acks_) {
        return;
    }
    auto it = acks_->find(*p.id);
    if (it == acks_->end()) {
        return;  // late or unknown: ignored, as socket.io does ("bad ack")
    }
    auto cb = std::move(it->second);
    acks_->erase(it);
    payload args;
    boost::system::error_code ec;
    auto v = parse_checked_json(p.data.empty() ? std::string_view("[]") : std::string_view(p.data), ec);
    if (!ec && v.is_array()) {
        args.args = std::move(v.as_array());
    }
    args.attachments = std::move(p.buffers);
    cb({}, std::move(args));
}

void socket_impl::on_disconnect(std::string_view reason)
{
    if (!connected_) {
        return;
    }
    auto self = shared_from_this();
    auto& h = ns_.handlers();
    if (h.on_disconnecting) {
        h.on_disconnecting(self, reason);
    }
    if (const auto* rec = ns_.recovery(); rec && !eventsource_ && !pid_.empty() &&
                                           (reason == "transport error" || reason == "transport close" ||
                                            reason == "forced close" || reason == "ping timeout" ||
                                            reason == "server shutting down" || reason == "forced server close")) {
        // socket.io socket.ts RECOVERABLE_DISCONNECT_REASONS: kept for the client's return.
        // In a cluster that keeps sessions, there only: a copy here would go stale once
        // another node took the session (and it may come back here later).
        auto kept = session();
        if (!shard_.server().adapter().save_session(ns_, kept, rec->max_disconnection_duration)) {
            ns_.log().persist(std::move(kept), rec->max_disconnection_duration);
        }
    }
    else if (!pid_.empty()) {
        shard_.server().adapter().drop_session(ns_, pid_.str());
    }
    auto& local = shard_.local(ns_);
    auto* watcher = shard_.server().observer();
    if (watcher) {
        watcher->disconnected(*this, reason);
    }
    for (const auto& r : room_list()) {
        local.leave(this, r);
        if (watcher) {
            watcher->left(*this, r);
        }
        if (tracks_presence(r)) {
            shard_.server().adapter().member_left(ns_, r, id_.str());
        }
    }
    rooms_.clear();
    in_own_room_ = false;
    local.remove(this);
    connected_ = false;
    peer_ = nullptr;
    // Pending acks complete now with `closed` (socket.io leaves them pending forever).
    if (auto pending = std::move(acks_)) {
        for (auto& [id, cb] : *pending) {
            cb(make_error_code(error::closed), {});
        }
    }
    if (h.on_disconnect) {
        h.on_disconnect(self, reason);
    }
}

} // namespace sb::detail
