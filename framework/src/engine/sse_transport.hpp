#pragma once
// The `sse` transport, server to client: one long `text/event-stream` response that
// carries one Engine.IO packet per event (`data: 4...`, binary as `data: b<base64>`).
// Client to server is HTTP POST, handled by the session exactly as polling POSTs.
//
// Like ws_transport it takes the HTTP connection's socket over and is the only writer on
// it: everything queued while a write is in flight, or before a deferred flush runs,
// leaves in one write. A readiness wait only watches for the client going away.
//
// Upgrade to websocket (docs/protocol.md "The `sse` transport"): once the probe has been
// answered the stream gets a `6` (noop) and is paused; the queue waits for the websocket.
// If the probe fails the stream resumes.
#include "engine/deadline.hpp"
#include "engine/deferred_flush.hpp"

#include "engine/session.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>
#include <vector>

namespace sb::detail {

class sse_transport final : public deferred_flush, public std::enable_shared_from_this<sse_transport> {
public:
    /// `head`: the HTTP response head (status line and headers, blank line included),
    /// written before the first event. Timeouts and counters come from the shard's server.
    sse_transport(boost::asio::ip::tcp::socket sock, engine_shard& sh, std::string head);
    ~sse_transport();

    /// Starts watching the connection and draining `s`'s queue.
    void start(std::shared_ptr<session> s);
    /// The session queued packets: write them soon (deferred flush, or after the write in flight).
    void kick();
    /// Writes a noop and stops draining the session queue (the upgrade probe was answered).
    void pause();
    /// Drains the queue again (the upgrade probe failed).
    void resume();
    /// Ends the stream: what is queued, then a close packet `1` (if `with_close_packet`), then EOF.
    /// A client that has not taken it all within `timeouts.close` is cut off.
    void close(bool with_close_packet);
    /// Ends the stream at once, writing nothing more (the session moved to websocket).
    void abort();

    /// The deferred flush that kick() asked for.
    void flush_deferred() override;
    /// A write or the end of the stream passed its deadline (timeout_options): cut it.
    void on_deadline();

private:
    /// Waits until the connection is readable: the client never sends on it, so that is
    /// its end (EOF when the client aborts the fetch, an error when the connection dies).
    void watch();
    void on_readable(const boost::system::error_code& ec);
    void flush();
    void on_written(const boost::system::error_code& ec);
    void finish(std::string_view reason);

    boost::asio::ip::tcp::socket sock_;
    engine_shard& shard_;
    lazy_deadline deadline_;  // bounds each write, and how long a closing stream may take
    lazy_deadline::clock::time_point write_started_{};
    lazy_deadline::clock::time_point close_by_ = lazy_deadline::clock::time_point::max();
    std::shared_ptr<session> session_;
    std::string pending_;  // bytes to write next (head, noop, close) before queued packets
    std::string out_;      // the write in flight
    bool paused_ = false;
    bool writing_ = false;
    bool flush_pending_ = false;
    bool closing_ = false;  // end after the next write
    bool finished_ = false;
};

/** Appends one Engine.IO packet as an SSE event. Text packets are `<type><data>` (their
    LFs become several `data:` lines); binary ones become `b<base64>`.
    @return false (nothing appended) for a text packet holding a CR, which SSE cannot carry. */
bool append_sse_packet(std::string& out, const out_packet& p);

} // namespace sb::detail
