#include "engine/session.hpp"

#include "engine/client_limits.hpp"
#include "engine/engine_shard.hpp"
#include "engine/sse_transport.hpp"
#include "engine/ws_transport.hpp"

#include <switchboard/protocol/base64.hpp>
#include <switchboard/protocol/eio_packet.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace net = boost::asio;

namespace sb::detail {

namespace {

const std::shared_ptr<const std::string>& ping_packet()
{
    static const auto p = std::make_shared<const std::string>("2");
    return p;
}

} // namespace

session::session(engine_shard& sh, std::string_view sid, eio::transport_kind transport, bool b64, handshake_info handshake)
    : shard_(sh), opts_(sh.server().options().engine), transport_(transport), b64_(b64), sid_(sid),
      handshake_(std::move(handshake))
{
    sh.server().metrics().sessions_opened.fetch_add(1, std::memory_order_relaxed);
}

session::~session()
{
    shard_.timers().cancel(*this);  // a session never closed (the server stopping)
    // Every session is admitted by client_limits at its handshake (http_endpoint.cpp).
    shard_.server().limits().release(handshake_.address);
    shard_.server().metrics().sessions_closed.fetch_add(1, std::memory_order_relaxed);
}

void session::open()
{
    const bool upgrade = opts_.allow_upgrades &&
                         (transport_ == eio::transport_kind::polling || transport_ == eio::transport_kind::sse) &&
                         std::find(opts_.transports.begin(), opts_.transports.end(), "websocket") !=
                             opts_.transports.end();
    auto open = eio::open_packet(eio::open_info{
        .sid = sid_,
        .upgrade_to_websocket = upgrade,
        .ping_interval_ms = static_cast<std::uint32_t>(opts_.ping_interval.count()),
        .ping_timeout_ms = static_cast<std::uint32_t>(opts_.ping_timeout.count()),
        .max_payload = opts_.max_payload,
    });
    send(out_packet{std::make_shared<const std::string>(std::move(open))});
    schedule_ping();
}

// ---- heartbeat ------------------------------------------------------------------
// v4: the server pings every pingInterval and waits pingTimeout for the pong; a pong
// restarts the interval (engine.io socket.ts schedulePing/resetPingTimeout).

void session::schedule_ping()
{
    awaiting_pong_ = false;
    shard_.timers().schedule(*this, shard_timers::clock::now() + opts_.ping_interval);
}

void session::on_timer()
{
    if (closed_) {
        return;
    }
    auto self = shared_from_this();  // closing (or a failed send) may drop the shard's reference
    if (awaiting_pong_) {
        close("ping timeout");
        return;
    }
    if (send(out_packet{ping_packet()}) == send_status::closed || closed_) {
        return;
    }
    awaiting_pong_ = true;
    shard_.timers().schedule(*this, shard_timers::clock::now() + opts_.ping_timeout);
}

void session::on_pong()
{
    if (awaiting_pong_) {
        schedule_ping();
    }
}

// ---- sending ----------------------------------------------------------------------

send_status session::send(std::span<const out_packet> packets, bool is_volatile)
{
    if (closed_) {
        return send_status::closed;
    }
    std::size_t bytes = 0;
    for (const auto& p : packets) {
        bytes += p.data->size();
    }
    if (is_volatile && (!queue_.empty() || queued_bytes_ + bytes > opts_.max_send_buffer)) {
        // The client has not taken what is already waiting: a volatile packet is not worth queueing.
        shard_.server().metrics().volatile_dropped.fetch_add(1, std::memory_order_relaxed);
        return send_status::dropped;
    }
    if (packets.size() == 1 && packets[0].conflation_key) {
        // Conflation (core, additive): the queued, unsent older copy is dropped and the
        // newer one queued at the end, so the order of events (and of recovery offsets)
        // stays the order they were sent in.
        const auto& key = packets[0].conflation_key;
        for (auto it = queue_.begin(); it != queue_.end(); ++it) {
            if (it->conflation_key && (it->conflation_key == key || *it->conflation_key == *key)) {
                queued_bytes_ -= it->data->size();
                queue_.erase(it);
                break;
            }
        }
    }
    if (queued_bytes_ + bytes > opts_.max_send_buffer && !queue_.empty()) {
        // A slow client. Close on the next turn: the caller may be walking a room.
        shard_.server().metrics().slow_client_disconnects.fetch_add(1, std::memory_order_relaxed);
        net::post(shard_.context(), [self = shared_from_this()] { self->close("send buffer full"); });
        return send_status::overflow;
    }
    for (const auto& p : packets) {
        queue_.push_back(p);
    }
    queued_bytes_ += bytes;
    wake_transport();
    return send_status::queued;
}

void session::wake_transport()
{
    if (ws_) {
        ws_->kick();
    }
    else if (sse_) {
        sse_->kick();
    }
    else {
        wake_parked_get();
    }
}

void session::wake_parked_get()
{
    if (auto w = std::move(parked_get_)) {
        shard_.defer_resume(std::move(w), shared_from_this());
    }
}

// ---- receiving ------------------------------------------------------------------

void session::on_packet(const eio::packet_view& p)
{
    if (closed_) {
        return;
    }
    shard_.server().metrics().packets_received.fetch_add(1, std::memory_order_relaxed);
    switch (p.type) {
    case eio::packet_type::message:
        if (handler_) {
            handler_->on_message(p.data, p.binary);
        }
        return;
    case eio::packet_type::pong: on_pong(); return;
    case eio::packet_type::close:
        // The client said goodbye: a GET it left parked ends with a noop, not with `1`
        // (engine.io answers it so; `1` is for closes the server starts).
        client_closed_ = true;
        close("transport close");
        return;
    case eio::packet_type::noop: return;
    case eio::packet_type::ping:
        // v4 reversed the heartbeat: a client ping is "invalid heartbeat direction".
        close("transport error");
        return;
    case eio::packet_type::open:
    case eio::packet_type::upgrade: close("parse error"); return;
    }
}

// ---- polling ------------------------------------------------------------------------

std::optional<session::poll_result> session::try_poll(std::string&& spare)
{
    if (get_in_flight_) {
        // Overlapping GET: 400 to this one, the session closes, the parked one gets `1`.
        close("transport error");
        return poll_result{400, eio::error_body(eio::request_error::bad_request)};
    }
    if (!closed_ && !probe_answered_ && queue_.empty()) {
        return std::nullopt;  // nothing to answer yet: the caller parks the GET
    }
    return poll_answer(std::move(spare));
}

void session::park_poll(std::unique_ptr<poll_waiter> w)
{
    get_in_flight_ = true;
    parked_get_ = std::move(w);
}

session::poll_result session::poll_answer(std::string&& spare)
{
    get_in_flight_ = false;
    poll_result r{200, std::move(spare)};
    r.body.clear();
    if ((probe_answered_ || transport_ != eio::transport_kind::polling) && !closed_) {
        // Upgrading: end this poll with a noop so the client can pause polling; the
        // queue waits for the websocket (engine.io _maybeUpgrade). Upgraded while this
        // GET was parked (switch_to_websocket woke it): the queue is the websocket's now,
        // and what this GET took would be lost with the discarded polling transport.
        eio::append_payload(r.body, eio::packet_type::noop, {});
        return r;
    }
    // The body's size first, so it is made once: appending ~6 packets one by one grew it
    // ~5 times per poll, a quarter of a long-polling server's allocations.
    std::size_t size = 1;  // a close packet, below
    for (const auto& p : queue_) {
        if (size >= opts_.max_payload) {
            break;
        }
        const auto n = p.data->size();
        size += 1 + (p.binary ? 1 + base64::encoded_size(n) : n);  // as append_payload writes it
    }
    r.body.reserve(size);
    while (!queue_.empty() && r.body.size() < opts_.max_payload) {
        const auto& p = queue_.front();
        const std::string_view d = *p.data;
        if (p.binary) {
            eio::append_payload(r.body, eio::packet_type::message, d, true);
        }
        else {
            eio::append_payload(r.body, static_cast<eio::packet_type>(d[0] - '0'), d.substr(1));
        }
        queued_bytes_ -= d.size();
        queue_.pop_front();
    }
    queue_.compact();  // between polls a session holds at most a small buffer
    if (closed_ && queue_.empty()) {
        eio::append_payload(r.body, client_closed_ ? eio::packet_type::noop : eio::packet_type::close, {});
        close_sent_ = true;
        shard_.remove_session(sid_);
    }
    else if (closed_) {
        // More than one answer holds: the next GET takes the rest and `1`, if it comes.
        linger_for_close();
    }
    return r;
}

session::poll_result session::poll_post(std::string_view body)
{
    auto self = shared_from_this();
    std::vector<eio::packet> packets;
    if (auto ec = eio::decode_payload(body, packets)) {
        // engine.io answers `ok` and closes the session with "parse error".
        close("parse error");
        return poll_result{200, "ok"};
    }
    for (const auto& p : packets) {
        on_packet(eio::packet_view{p.type, p.binary, p.data});
        if (closed_) {
            break;
        }
    }
    return poll_result{200, "ok"};
}

// ---- websocket and upgrade ----------------------------------------------------------

void session::attach_websocket(std::shared_ptr<ws_transport> ws)
{
    if (transport_ == eio::transport_kind::websocket && !ws_ && !closed_) {
        ws_ = std::move(ws);
        ws_->start(shared_from_this(), false);
        ws_->activate();
        return;
    }
    // A probe for a polling session. engine.io closes a second probe ("already been
    // trying to upgrade") and any probe after the upgrade ("had already been upgraded").
    const bool websocket_enabled = std::find(opts_.transports.begin(), opts_.transports.end(), "websocket") !=
                                   opts_.transports.end();
    if (closed_ || probe_ || ws_ || !opts_.allow_upgrades || !websocket_enabled) {
        ws->start(nullptr, true);
        ws->close();
        return;
    }
    probe_ = std::move(ws);
    probe_->start(shared_from_this(), true);
    upgrade_timer().expires_after(opts_.upgrade_timeout);
    upgrade_timer().async_wait([w = weak_from_this(), probe = std::weak_ptr<ws_transport>(probe_)](
                                  boost::system::error_code ec) {
        auto self = w.lock();
        auto pr = probe.lock();
        if (ec || !self || !pr || self->probe_ != pr) {
            return;
        }
        // upgradeTimeout: the probe is closed, polling (or the sse stream) carries on.
        self->probe_ = nullptr;
        self->probe_answered_ = false;
        self->resume_sse();
        pr->close();
    });
}

void session::on_probe_packet(ws_transport& ws, const eio::packet_view& p)
{
    if (closed_ || probe_.get() != &ws) {
        return;
    }
    if (p.type == eio::packet_type::ping && p.data == "probe") {
        ws.send_direct("3probe");
        probe_answered_ = true;
        wake_parked_get();  // it answers with a noop
        if (sse_) {
            sse_->pause();  // a noop, then the stream waits (docs/protocol.md "The `sse` transport")
        }
        return;
    }
    if (p.type == eio::packet_type::upgrade && probe_answered_) {
        switch_to_websocket();
        return;
    }
    // Anything else on a probe closes the probe (engine.io onPacket in _maybeUpgrade).
    auto pr = std::move(probe_);
    probe_answered_ = false;
    resume_sse();
    cancel_upgrade_timer();
    pr->close();
}

void session::switch_to_websocket()
{
    cancel_upgrade_timer();
    ws_ = std::move(probe_);
    probe_answered_ = false;
    transport_ = eio::transport_kind::websocket;
    if (sse_) {
        // Paused since the noop; the client has stopped reading it.
        std::exchange(sse_, nullptr)->abort();
    }
    wake_parked_get();
    ws_->activate();
    if (handler_) {
        handler_->on_upgrade();
    }
}

void session::on_websocket_closed(ws_transport& ws, std::string_view reason)
{
    if (probe_.get() == &ws) {
        probe_ = nullptr;
        probe_answered_ = false;
        cancel_upgrade_timer();
        resume_sse();
        return;
    }
    if (ws_.get() == &ws) {
        close(reason);
    }
}

// ---- sse -------------------------------------------------------------------------

void session::attach_sse(std::shared_ptr<sse_transport> sse)
{
    if (closed_ || sse_ || transport_ != eio::transport_kind::sse) {
        sse->start(nullptr);
        sse->close(true);
        return;
    }
    sse_ = std::move(sse);
    sse_->start(shared_from_this());
}

void session::resume_sse()
{
    if (sse_) {
        sse_->resume();
    }
    else if (transport_ == eio::transport_kind::sse && !closed_) {
        close("transport close");  // the stream went away during the failed upgrade
    }
}

void session::on_sse_closed(sse_transport& sse, std::string_view reason)
{
    if (sse_.get() != &sse) {
        return;
    }
    sse_ = nullptr;
    if (probe_answered_) {
        // Paused for the upgrade: the client may drop the stream now; the websocket carries
        // on after `5` (and if the probe fails, the session ends then).
        return;
    }
    // Packets written to a stream that is gone are lost: the session cannot go on.
    close(reason);
}

// ---- closing ------------------------------------------------------------------------

boost::asio::steady_timer& session::upgrade_timer()
{
    if (!upgrade_timer_) {
        upgrade_timer_ = std::make_unique<boost::asio::steady_timer>(shard_.context());
    }
    return *upgrade_timer_;
}

void session::close(std::string_view reason)
{
    if (closed_) {
        return;
    }
    closed_ = true;
    auto self = shared_from_this();
    shard_.timers().cancel(*this);
    cancel_upgrade_timer();
    if (probe_) {
        std::exchange(probe_, nullptr)->close();
    }
    if (ws_) {
        // The client learns from the websocket closing; nothing else to tell it.
        ws_->close();
    }
    if (handler_) {
        handler_->on_close(reason);
    }
    if (sse_) {
        // What is queued, then the close packet, then the end of the stream.
        std::exchange(sse_, nullptr)->close(true);
    }
    if (ws_ || transport_ != eio::transport_kind::polling) {
        shard_.remove_session(sid_);
        ws_.reset();
        return;
    }
    // Polling: the close packet `1` goes to the parked GET, or to the next one if it
    // comes soon; after that the sid is unknown.
    if (parked_get_) {
        wake_parked_get();
        return;
    }
    if (get_in_flight_) {
        return;  // the GET being answered ends with `1`
    }
    if (reason == "transport close" || reason == "transport error" || reason == "parse error" ||
        reason == "ping timeout") {
        shard_.remove_session(sid_);  // the client is gone or broke the protocol
        return;
    }
    linger_for_close();
}

void session::linger_for_close()
{
    if (lingering_) {
        return;
    }
    lingering_ = true;
    upgrade_timer().expires_after(std::min<std::chrono::milliseconds>(opts_.ping_interval, std::chrono::seconds{5}));
    upgrade_timer().async_wait([self = shared_from_this()](boost::system::error_code) {
        if (!self->close_sent_) {
            self->shard_.remove_session(self->sid_);
        }
    });
}

} // namespace sb::detail
