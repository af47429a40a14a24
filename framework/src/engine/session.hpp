#pragma once
// An Engine.IO v4 session: sid, handshake, heartbeat, upgrade, the send queue, and the
// transport currently carrying it (long polling, sse or websocket). It lives on one shard
// and is touched only from that shard's thread, so it has no locks.
//
// The upper layer (the Socket.IO client, core/client.hpp) sees a session only as a
// `socket_sink` (core/socket_sink.hpp) to send encoded packets to, and hears it as a
// `sink_listener`: it never knows which transport is in use.
#include "core/inline_string.hpp"
#include "core/socket_sink.hpp"
#include "engine/packet_fifo.hpp"
#include "engine/poll_waiter.hpp"
#include "core/shard_timers.hpp"

#include <switchboard/options.hpp>
#include <switchboard/protocol/eio_packet.hpp>
#include <switchboard/protocol/eio_request.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sb::detail {

class engine_shard;
class ws_transport;
class sse_transport;
class session;

/// What the session delivers upward (the Socket.IO client, core/client.hpp).
using session_handler = sink_listener;

class session final : public socket_sink, public shard_timer, public std::enable_shared_from_this<session> {
public:
    session(engine_shard& sh, std::string_view sid, eio::transport_kind transport, bool b64, handshake_info handshake);
    ~session();

    std::string_view sid() const noexcept { return sid_; }
    engine_shard& owner() noexcept { return shard_; }
    const engine_options& options() const noexcept { return opts_; }
    eio::transport_kind transport() const noexcept { return transport_; }
    const handshake_info& handshake() const noexcept override { return handshake_; }
    std::string_view transport_name() const noexcept override
    {
        return transport_ == eio::transport_kind::websocket ? "websocket" : "polling";
    }
    std::shared_ptr<void> keep_alive() override { return shared_from_this(); }
    std::string_view id() const noexcept override { return sid_; }

    bool closed() const noexcept { return closed_; }
    bool b64() const noexcept { return b64_; }

    void set_handler(std::unique_ptr<session_handler> h) { handler_ = std::move(h); }
    session_handler* handler() noexcept { return handler_.get(); }

    /// Queues the open packet and starts the heartbeat.
    void open();

    /** Queues the packets of one Socket.IO packet (a text packet and its binary
        attachments: they are kept or dropped together). Volatile packets are dropped when
        the client is behind; past `max_send_buffer` anything else closes the session
        ("send buffer full", posted, so callers may be iterating rooms). */
    send_status send(std::span<const out_packet> packets, bool is_volatile = false) override;
    send_status send(out_packet p, bool is_volatile = false) { return send(std::span{&p, 1}, is_volatile); }

    /// Closes the session with `reason` (Socket.IO's vocabulary); idempotent.
    void close(std::string_view reason) override;

    // ---- called by transports ----------------------------------------------------
    /// One decoded Engine.IO packet from the client, on the current transport.
    void on_packet(const eio::packet_view& p);
    /// The transport failed or the client went away.
    void on_transport_error(std::string_view reason) { close(reason); }

    /// Polling GET. try_poll(): its answer now, when one is due (something queued, a noop
    /// for an upgrade, the close packet, or 400 for a GET overlapping a parked one, which
    /// closes the session); nullopt when the GET must wait: the caller then parks it with
    /// park_poll(), and the session wakes it once (poll_waiter::wake), after which
    /// poll_answer() gives the answer.
    struct poll_result {
        unsigned status = 200;
        std::string body;
    };
    /// `spare`: a string whose storage an answer's body takes (its content is dropped),
    /// moved from only when there is an answer: a busy connection hands back its last
    /// answer's, and its polls allocate no body.
    std::optional<poll_result> try_poll(std::string&& spare = {});
    void park_poll(std::unique_ptr<poll_waiter> w);
    /// The server has stopped: the waiting GET goes without an answer. A busy one holds the
    /// frames of the coroutine serving its connection, and they hold this session.
    void drop_parked_poll_for_teardown() noexcept
    {
        parked_get_.reset();
        get_in_flight_ = false;
    }
    poll_result poll_answer(std::string&& spare = {});
    /// Polling (or SSE) POST body: decodes and dispatches the packets.
    poll_result poll_post(std::string_view body);

    /// WebSocket transports: the first one of a websocket session, or a probe that may
    /// become the transport after `2probe`/`5`.
    void attach_websocket(std::shared_ptr<ws_transport> ws);
    void on_probe_packet(ws_transport& ws, const eio::packet_view& p);
    void on_websocket_closed(ws_transport& ws, std::string_view reason);
    bool upgrading() const noexcept { return probe_ != nullptr; }

    /// SSE: the event stream of an `sse` session (opened by its handshake GET).
    void attach_sse(std::shared_ptr<sse_transport> sse);
    /// The event stream ended (the client went away, or a write failed).
    void on_sse_closed(sse_transport& sse, std::string_view reason);
    bool has_websocket() const noexcept { return ws_ != nullptr; }

    /// Packets waiting for the transport (for the websocket writer, which drains them).
    packet_fifo& queue() noexcept { return queue_; }
    void take_queue_bytes(std::size_t n) noexcept { queued_bytes_ -= n; }

private:
    void schedule_ping();
    void on_pong();
    /// Its entry on the shard's timers came due: time to ping, or the pong is overdue.
    void on_timer() override;
    void wake_transport();
    /// Hands the parked GET (if any) its wake-up.
    void wake_parked_get();
    /// Closed, polling, `1` not sent yet: the sid stays known a little longer (at most
    /// 5 s) for the GET that takes what is left and the close packet; then it goes.
    void linger_for_close();
    void switch_to_websocket();
    /// The upgrade probe failed: the sse stream carries on (or, gone meanwhile, the session ends).
    void resume_sse();

    // What send() reads for every delivered packet comes first, in one or two cache
    // lines (a fan-out touches thousands of sessions once each); the rest after.
    engine_shard& shard_;
    const engine_options& opts_;
    packet_fifo queue_;
    std::size_t queued_bytes_ = 0;
    // Websocket: the current transport.
    std::shared_ptr<ws_transport> ws_;
    // The small fields side by side: 16 bytes where, each beside a pointer, they took 40
    // (and the session a larger malloc size class).
    eio::transport_kind transport_;
    bool b64_;
    bool closed_ = false;
    // Heartbeat, on the shard's clock (shard_timer): the next ping, or, while
    // awaiting_pong_, the ping timeout.
    bool awaiting_pong_ = false;
    bool get_in_flight_ = false;   // polling: a GET is parked or being answered
    bool post_in_flight_ = false;  // polling: a POST is being handled
    bool close_sent_ = false;
    bool client_closed_ = false;  // the client sent `1`
    bool lingering_ = false;      // closed, polling: waiting for the GET that takes `1`
    bool probe_answered_ = false;

    // SSE: the event stream (server to client; the client POSTs as with polling).
    std::shared_ptr<sse_transport> sse_;
    // Polling: the parked GET, owned here while it waits (wake_parked_get hands it back).
    std::unique_ptr<poll_waiter> parked_get_;

    std::unique_ptr<session_handler> handler_;
    inline_string sid_;  // 20 characters (more in a cluster: the node tag follows)
    // Holds the slot of client_limits for handshake_.address, given back by ~session.
    handshake_info handshake_;

    // An upgrade probe on a websocket.
    std::shared_ptr<ws_transport> probe_;
    // Made on first use: most sessions never probe an upgrade nor linger after a close,
    // and an idle timer is ~90 bytes of every connection.
    std::unique_ptr<boost::asio::steady_timer> upgrade_timer_;
    boost::asio::steady_timer& upgrade_timer();
    void cancel_upgrade_timer() noexcept
    {
        if (upgrade_timer_) {
            upgrade_timer_->cancel();
        }
    }
};

} // namespace sb::detail
