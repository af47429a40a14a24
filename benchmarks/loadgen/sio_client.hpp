#pragma once
/** @file
    A minimal Socket.IO v5 client over one Engine.IO v4 transport, written for load: no
    allocation per message on websocket, every queued frame leaves in one write, and the read
    loop hands out packets straight from the parser's buffer.

    Transports: `websocket` (a websocket-only session), `sse` (Switchboard's: one event stream
    down, keep-alive POSTs up) and `polling` (keep-alive GETs down, POSTs up). Over HTTP, one
    POST is in flight at a time and what is queued meanwhile leaves in the next one.
*/
#include <switchboard/protocol/ws_frame.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <deque>
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
    enum class transport { websocket, sse, polling };

    /// Receives each Engine.IO text packet other than ping and noop (e.g. `0{...}`, `42[...]`, `431[]`);
    /// returns false to make `read()` return.
    using packet_handler = std::function<bool(std::string_view)>;

    sio_client(boost::asio::any_io_executor ex, std::uint64_t seed, transport t = transport::websocket);

    /** Connects: TCP, the WebSocket upgrade of `GET /socket.io/?EIO=4&transport=websocket`,
        the Engine.IO open packet, then Socket.IO CONNECT `40` until the server's `40{...}`. */
    boost::asio::awaitable<boost::system::error_code> open(const boost::asio::ip::tcp::endpoint& ep);

    /** Reads until `on_packet` returns false or the connection fails. Engine.IO pings (`2`) and
        WebSocket pings are answered on the way. A close from the server ends it with
        `sb::error::closed`. */
    boost::asio::awaitable<boost::system::error_code> read(const packet_handler& on_packet);

    /// Queues a Socket.IO packet, e.g. `2["join","bench"]`: one masked text frame holding `4` + packet
    /// (or one record of the next POST).
    void send(std::string_view sio_packet) { queue_text('4', sio_packet); }

    /// Bytes queued but not yet handed to the kernel (or not yet answered, over HTTP).
    std::size_t queued_bytes() const noexcept
    {
        return out_.size() + (writing_ ? in_flight_.size() : 0) + post_out_.size() +
               (posting_ ? post_in_flight_.size() : 0);
    }

    /// Closes the socket; pending reads and writes end with `operation_aborted`.
    void close();

    /// The client's shard (for timers of the scenario's own coroutines).
    boost::asio::any_io_executor executor() { return socket_.get_executor(); }

    /// The Socket.IO CONNECT packet `open()` sends: `0` for `/` (the default), or e.g.
    /// `0/arena,{"user":"bot1"}` for another namespace with an auth payload.
    void set_connect(std::string packet) { connect_packet_ = std::move(packet); }

  private:
    void queue_text(char eio_type, std::string_view body);
    void queue_frame(sb::ws::opcode op, std::string_view first, std::string_view rest);
    boost::asio::awaitable<void> write_loop(std::shared_ptr<sio_client> self);
    boost::asio::awaitable<boost::system::error_code> upgrade(const std::string& host);
    /// Sends `connect_packet_` and reads until the namespace's CONNECT (or CONNECT_ERROR).
    boost::asio::awaitable<boost::system::error_code> connect_namespace();
    /// Reads an HTTP response head into the read buffer; `head_end` is where its
    /// "\r\n\r\n" starts. What follows stays in the buffer for the body's parser.
    boost::asio::awaitable<boost::system::error_code> read_head(std::size_t& head_end);
    std::uint64_t next_random() noexcept;

    // HTTP transports (sse, polling).
    boost::asio::awaitable<boost::system::error_code> open_http(const boost::asio::ip::tcp::endpoint& ep);
    boost::asio::awaitable<boost::system::error_code> read_sse(const packet_handler& on_packet);
    boost::asio::awaitable<boost::system::error_code> read_polling(const packet_handler& on_packet);
    boost::asio::awaitable<void> post_loop(std::shared_ptr<sio_client> self);
    /// Handles one Engine.IO packet from an HTTP transport; sets `more` false to stop read().
    boost::system::error_code on_http_packet(std::string_view p, const packet_handler& on_packet, bool& more);
    std::string target(bool with_sid) const;

    boost::asio::ip::tcp::socket socket_;
    sb::ws::parser parser_;
    std::unique_ptr<char[]> read_buffer_; // not zeroed: with thousands of clients that alone costs seconds
    std::size_t read_begin_ = 0;          // read_buffer_[read_begin_, read_end_) is not parsed yet
    std::size_t read_end_ = 0;
    std::string out_; // frames queued while a write is in flight
    std::string in_flight_;
    bool writing_ = false;
    std::uint64_t rng_;

    transport transport_;
    std::string connect_packet_ = "0";
    boost::asio::ip::tcp::socket post_socket_;
    std::string host_;
    std::string sid_;
    std::string post_out_;  // Engine.IO packets for the next POST, joined by \x1e
    std::string post_in_flight_;
    std::string post_buffer_;  // response bytes read on the POST connection
    bool posting_ = false;
    std::string poll_buffer_;  // polling: response bytes read on the GET connection
    std::string poll_body_;    // polling: the payload of the last GET
    std::size_t poll_pos_ = 0;
    bool poll_has_body_ = false;
};

} // namespace loadgen
