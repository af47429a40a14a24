#pragma once
/** @file
    A minimal Socket.IO v5 client over a websocket-only Engine.IO v4 session, written for load:
    no allocation per message, every queued frame leaves in one write, and the read loop hands
    out packets straight from the WebSocket parser's buffer.
*/
#include <switchboard/protocol/ws_frame.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace loadgen {

/** One client connection to the `/` namespace.

    All member functions must run on the executor the client was created with (its shard).
*/
class sio_client : public std::enable_shared_from_this<sio_client> {
  public:
    /// Receives each Engine.IO text packet other than ping and noop (e.g. `0{...}`, `42[...]`, `431[]`);
    /// returns false to make `read()` return.
    using packet_handler = std::function<bool(std::string_view)>;

    sio_client(boost::asio::any_io_executor ex, std::uint64_t seed);

    /** Connects: TCP, the WebSocket upgrade of `GET /socket.io/?EIO=4&transport=websocket`,
        the Engine.IO open packet, then Socket.IO CONNECT `40` until the server's `40{...}`. */
    boost::asio::awaitable<boost::system::error_code> open(const boost::asio::ip::tcp::endpoint& ep);

    /** Reads until `on_packet` returns false or the connection fails. Engine.IO pings (`2`) and
        WebSocket pings are answered on the way. A close from the server ends it with
        `sb::error::closed`. */
    boost::asio::awaitable<boost::system::error_code> read(const packet_handler& on_packet);

    /// Queues a Socket.IO packet, e.g. `2["join","bench"]`: one masked text frame holding `4` + packet.
    void send(std::string_view sio_packet) { queue_text('4', sio_packet); }

    /// Bytes queued but not yet handed to the kernel.
    std::size_t queued_bytes() const noexcept { return out_.size() + (writing_ ? in_flight_.size() : 0); }

    /// Closes the socket; pending reads and writes end with `operation_aborted`.
    void close();

  private:
    void queue_text(char eio_type, std::string_view body);
    void queue_frame(sb::ws::opcode op, std::string_view first, std::string_view rest);
    boost::asio::awaitable<void> write_loop(std::shared_ptr<sio_client> self);
    boost::asio::awaitable<boost::system::error_code> upgrade(const std::string& host);
    std::uint64_t next_random() noexcept;

    boost::asio::ip::tcp::socket socket_;
    sb::ws::parser parser_;
    std::unique_ptr<char[]> read_buffer_; // not zeroed: with thousands of clients that alone costs seconds
    std::size_t read_begin_ = 0;          // read_buffer_[read_begin_, read_end_) is not parsed yet
    std::size_t read_end_ = 0;
    std::string out_; // frames queued while a write is in flight
    std::string in_flight_;
    bool writing_ = false;
    std::uint64_t rng_;
};

} // namespace loadgen
