#pragma once
// The websocket transport: our own RFC 6455 framing (protocol/ws_frame.hpp) over a raw
// TCP socket, so that everything queued while a write is in flight leaves in the next
// single gather-write (uWebSockets-style coalescing), with no copy of large shared payloads.
//
// The reader is a chain of readiness waits (no buffer while idle) that decodes frames
// and hands Engine.IO packets to the session. The writer writes at once on the
// non-blocking socket from its thread's scratch buffers; only what the kernel does not
// take waits, in the transport's own buffers, for an async_write (one at a time: what is
// queued meanwhile leaves with the next).
#include "engine/deadline.hpp"
#include "engine/deferred_flush.hpp"

#include "engine/session.hpp"

#include <switchboard/protocol/ws_frame.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sb::detail {

class ws_transport final : public deferred_flush, public std::enable_shared_from_this<ws_transport> {
public:
    // On the shard's io_context executor, not any_io_executor: the socket and every
    // operation pending on it (an idle connection's wait) carry an 8-byte executor
    // instead of a type-erased one.
    using socket_type = boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

    /// `leftover`: bytes already read past the HTTP upgrade request.
    /// Limits (max_payload, timeouts) and counters come from the shard's server.
    ws_transport(boost::asio::ip::tcp::socket sock, engine_shard& sh, bool b64, std::string leftover);
    ~ws_transport();

    /// Starts reading. `probe`: this is an upgrade probe of an existing polling session.
    void start(std::shared_ptr<session> s, bool probe);
    /// Made the session's transport: from now on it drains the session's queue.
    void activate();
    /// The session queued packets: write them soon, together with whatever else is
    /// queued before then (shard::defer_flush), or with the next write if one is in flight.
    void kick();
    /// The deferred flush that kick() asked for.
    void flush_deferred() override;
    /// Sends an Engine.IO text packet ahead of the session queue (probe answers).
    void send_direct(std::string text) { send_frame(ws::opcode::text, std::move(text)); }
    /// Sends a frame ahead of the session queue (pongs, probe answers). A pong replaces one
    /// not yet written: RFC 6455 §5.5.3 lets us answer only the latest ping, and a client
    /// that pings without reading must not grow the server.
    void send_frame(ws::opcode op, std::string payload);
    /// Ends the connection: pending packets, then a close frame, then TCP shutdown.
    void close(std::uint16_t code = 1000, std::string_view reason = {});
    /// Closes the TCP connection at once.
    void abort();

    /// True while bytes handed to the kernel have not been confirmed written.
    bool writing() const noexcept { return writing_; }
    /// A write or the close handshake passed its deadline (timeout_options): cut it.
    void on_deadline();

private:
    void begin_reading();
    void wait_readable();
    void on_readable(boost::system::error_code ec);
    /// Parses `bytes` and handles each complete message (the parser keeps an incomplete
    /// frame's part). Stops early once the transport finished.
    void consume(std::string_view bytes);
    /// The frame parser, made when bytes arrive: wait_readable drops it between messages.
    ws::parser& parser();
    void handle_message();
    void flush();
    void on_written(const boost::system::error_code& ec);
    /// Gives the write buffers back when nothing is queued, in flight or due.
    void release_if_idle();
    void finish(std::string_view reason);

    socket_type sock_;
    engine_shard& shard_;
    const timeout_options& timeouts_;
    lazy_deadline deadline_;
    lazy_deadline::clock::time_point write_started_{};
    lazy_deadline::clock::time_point close_by_ = lazy_deadline::clock::time_point::max();
    std::unique_ptr<ws::parser> parser_;  ///< only while a read is being handled or a frame is partial
    std::unique_ptr<std::string> leftover_;  ///< read past the upgrade (rare: most clients wait for the 101)
    std::shared_ptr<session> session_;

    /// Everything a write needs. Writes are built in scratch() and mostly leave at once;
    /// out_ is made only for a control or close frame to send, or for the rest of a write
    /// the kernel took part of, and given back when the writer is idle again. Most
    /// connections are idle most of the time, and these containers were ~200 B of every one.
    struct write_buffers;
    std::unique_ptr<write_buffers> out_;
    write_buffers& out();
    static write_buffers& scratch();
    static void clear(write_buffers& w);
    void half_close();
    // The flags side by side (one word; each beside a pointer took one).
    bool b64_;
    bool probe_ = false;
    bool active_ = false;
    bool writing_ = false;
    bool flush_pending_ = false;  // a deferred flush is scheduled on the shard
    bool closing_ = false;     // a close frame is due after the queue
    bool close_written_ = false;
    bool finished_ = false;
};

} // namespace sb::detail
