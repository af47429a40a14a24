#include "sio_client.hpp"

#include <switchboard/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

namespace loadgen {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t read_buffer_size = 16 * 1024;
// Generous: the server only ever sends small packets in these scenarios.
constexpr std::size_t max_message = 1 << 20;

error_code handshake_failed()
{
    return make_error_code(boost::system::errc::protocol_error);
}

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

/// The value of header `name` in an HTTP response head, or empty.
std::string_view header_value(std::string_view head, std::string_view name)
{
    std::size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos && pos + 2 < head.size()) {
        const std::size_t start = pos + 2;
        const std::size_t end = head.find("\r\n", start);
        const std::string_view line = head.substr(start, end == std::string_view::npos ? end : end - start);
        const std::size_t colon = line.find(':');
        if (colon != std::string_view::npos && iequals(line.substr(0, colon), name)) {
            return trim(line.substr(colon + 1));
        }
        pos = end;
    }
    return {};
}

} // namespace

sio_client::sio_client(net::any_io_executor ex, std::uint64_t seed, transport t)
    : socket_(ex), parser_(sb::ws::role::client, max_message),
      read_buffer_(std::make_unique_for_overwrite<char[]>(read_buffer_size)),
      rng_(seed * 0x9E3779B97F4A7C15ull + 1), transport_(t), post_socket_(std::move(ex))
{
}

std::uint64_t sio_client::next_random() noexcept
{
    // xorshift64*: mask keys only need to be unpredictable to proxies, not to attackers.
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    return rng_ * 0x2545F4914F6CDD1Dull;
}

net::awaitable<error_code> sio_client::open(const tcp::endpoint& ep)
{
    if (transport_ != transport::websocket) {
        co_return co_await open_http(ep);
    }
    if (auto [ec] = co_await socket_.async_connect(ep, use_tuple); ec) {
        co_return ec;
    }
    socket_.set_option(tcp::no_delay(true));
    if (auto ec = co_await upgrade(ep.address().to_string() + ":" + std::to_string(ep.port())); ec) {
        co_return ec;
    }
    // Engine.IO open packet `0{"sid":...}` first, then the namespace CONNECT.
    if (auto ec = co_await read([](std::string_view p) { return p.empty() || p[0] != '0'; }); ec) {
        co_return ec;
    }
    co_return co_await connect_namespace();
}

net::awaitable<error_code> sio_client::connect_namespace()
{
    send(connect_packet_);
    bool connected = false;
    auto on_packet = [&connected](std::string_view p) {
        connected = p.starts_with("40");
        return !connected && !p.starts_with("44"); // 44 is CONNECT_ERROR
    };
    if (auto ec = co_await read(on_packet); ec) {
        co_return ec;
    }
    co_return connected ? error_code{} : handshake_failed();
}

net::awaitable<error_code> sio_client::read_head(std::size_t& head_end)
{
    head_end = std::string_view::npos;
    while (head_end == std::string_view::npos) {
        if (read_end_ == read_buffer_size) {
            co_return handshake_failed();
        }
        auto [ec, n] = co_await socket_.async_read_some(
            net::buffer(read_buffer_.get() + read_end_, read_buffer_size - read_end_), use_tuple);
        if (ec) {
            co_return ec;
        }
        read_end_ += n;
        head_end = std::string_view{read_buffer_.get(), read_end_}.find("\r\n\r\n");
    }
    co_return error_code{};
}

net::awaitable<error_code> sio_client::upgrade(const std::string& host)
{
    // Sec-WebSocket-Key is base64 of 16 random bytes: 21 free characters, then one whose low four
    // bits are zero (the last byte contributes only two bits), then the padding.
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string key;
    for (int i = 0; i < 21; ++i) {
        key += alphabet[next_random() % 64];
    }
    key += "AQgw"[next_random() % 4];
    key += "==";

    const std::string request = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                                "Host: " +
                                host +
                                "\r\n"
                                "Upgrade: websocket\r\n"
                                "Connection: Upgrade\r\n"
                                "Sec-WebSocket-Key: " +
                                key +
                                "\r\n"
                                "Sec-WebSocket-Version: 13\r\n\r\n";
    if (auto [ec, n] = co_await net::async_write(socket_, net::buffer(request), use_tuple); ec) {
        co_return ec;
    }

    // Read the response head into the read buffer: whatever follows it (the server may send its
    // first frames right behind the 101) stays there for the WebSocket parser.
    std::size_t head_end = 0;
    if (auto ec = co_await read_head(head_end); ec) {
        co_return ec;
    }
    const std::string_view head{read_buffer_.get(), head_end + 2};
    read_begin_ = head_end + 4;
    if (!head.starts_with("HTTP/1.1 101") ||
        header_value(head, "Sec-WebSocket-Accept") != sb::ws::accept_key(key)) {
        co_return handshake_failed();
    }
    co_return error_code{};
}

net::awaitable<error_code> sio_client::read(const packet_handler& on_packet)
{
    if (transport_ == transport::sse) {
        co_return co_await read_sse(on_packet);
    }
    if (transport_ == transport::polling) {
        co_return co_await read_polling(on_packet);
    }
    for (;;) {
        for (;;) {
            error_code ec;
            read_begin_ += parser_.put({read_buffer_.get() + read_begin_, read_end_ - read_begin_}, ec);
            if (ec) {
                co_return ec;
            }
            if (!parser_.ready()) {
                break; // everything buffered is consumed
            }
            bool more = true;
            const std::string_view payload = parser_.payload();
            switch (parser_.message_opcode()) {
            case sb::ws::opcode::text:
                if (payload == "2") {
                    queue_text('3', {}); // Engine.IO v4: the server pings, we pong
                }
                else if (payload.starts_with('1')) {
                    co_return sb::error::closed;
                }
                else if (!payload.starts_with('6')) {
                    more = on_packet(payload);
                }
                break;
            case sb::ws::opcode::ping: queue_frame(sb::ws::opcode::pong, payload, {}); break;
            case sb::ws::opcode::close: co_return sb::error::closed;
            default: break; // binary and pong frames carry nothing for these scenarios
            }
            parser_.next();
            if (!more) {
                co_return error_code{};
            }
        }
        read_begin_ = read_end_ = 0;
        auto [ec, n] =
            co_await socket_.async_read_some(net::buffer(read_buffer_.get(), read_buffer_size), use_tuple);
        if (ec) {
            co_return ec;
        }
        read_end_ = n;
    }
}

void sio_client::queue_text(char eio_type, std::string_view body)
{
    if (transport_ != transport::websocket) {
        if (!post_out_.empty()) {
            post_out_ += '\x1e';
        }
        post_out_ += eio_type;
        post_out_ += body;
        if (!posting_ && !sid_.empty()) {
            posting_ = true;
            net::co_spawn(socket_.get_executor(), post_loop(shared_from_this()), net::detached);
        }
        return;
    }
    queue_frame(sb::ws::opcode::text, std::string_view{&eio_type, 1}, body);
}

void sio_client::queue_frame(sb::ws::opcode op, std::string_view first, std::string_view rest)
{
    // RFC 6455 §5.3: a client masks every frame with a fresh key.
    const std::uint64_t r = next_random();
    std::uint8_t key[4];
    std::memcpy(key, &r, 4);

    const std::size_t len = first.size() + rest.size();
    std::uint8_t header[sb::ws::max_header_size];
    out_.append(reinterpret_cast<const char*>(header), sb::ws::write_header(header, op, len, key));
    const std::size_t start = out_.size();
    out_.append(first).append(rest);
    sb::ws::apply_mask(reinterpret_cast<std::uint8_t*>(out_.data() + start), len, key);

    if (!writing_) {
        writing_ = true;
        net::co_spawn(socket_.get_executor(), write_loop(shared_from_this()), net::detached);
    }
}

net::awaitable<void> sio_client::write_loop([[maybe_unused]] std::shared_ptr<sio_client> self)
{
    // `self` keeps the client alive while a write is in flight.
    // Everything queued while a write is in flight leaves in the next single write.
    while (!out_.empty()) {
        in_flight_.swap(out_);
        out_.clear();
        auto [ec, n] = co_await net::async_write(socket_, net::buffer(in_flight_), use_tuple);
        if (ec) {
            out_.clear(); // the reader sees the failure and ends the session
            break;
        }
    }
    in_flight_.clear();
    writing_ = false;
}

void sio_client::close()
{
    error_code ignored;
    socket_.close(ignored);
    post_socket_.close(ignored);
}

// ---- HTTP transports ------------------------------------------------------------------

namespace {

/// Reads one HTTP/1.1 response with a Content-Length body from `s`; `buffer` keeps what was
/// read past it (keep-alive).
net::awaitable<error_code> read_response(tcp::socket& s, std::string& buffer, unsigned& status, std::string& body)
{
    char chunk[16 * 1024];
    std::size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        auto [ec, n] = co_await s.async_read_some(net::buffer(chunk), use_tuple);
        if (ec) {
            co_return ec;
        }
        buffer.append(chunk, n);
    }
    const std::string_view head{buffer.data(), head_end + 2};
    if (!head.starts_with("HTTP/1.1 ") || head.size() < 12) {
        co_return handshake_failed();
    }
    status = static_cast<unsigned>(std::atoi(std::string(head.substr(9, 3)).c_str()));
    const auto length_text = header_value(head, "Content-Length");
    const std::size_t length = length_text.empty() ? 0 : std::strtoull(std::string(length_text).c_str(), nullptr, 10);
    const std::size_t total = head_end + 4 + length;
    while (buffer.size() < total) {
        auto [ec, n] = co_await s.async_read_some(net::buffer(chunk), use_tuple);
        if (ec) {
            co_return ec;
        }
        buffer.append(chunk, n);
    }
    body.assign(buffer, head_end + 4, length);
    buffer.erase(0, total);
    co_return error_code{};
}

std::string sid_of_open_packet(std::string_view p)
{
    const auto k = p.find("\"sid\":\"");
    if (k == std::string_view::npos) {
        return {};
    }
    const auto start = k + 7;
    const auto end = p.find('"', start);
    return end == std::string_view::npos ? std::string{} : std::string(p.substr(start, end - start));
}

} // namespace

std::string sio_client::target(bool with_sid) const
{
    std::string t = transport_ == transport::sse ? "/socket.io/?EIO=4&transport=sse" : "/socket.io/?EIO=4&transport=polling";
    if (with_sid) {
        t += "&sid=";
        t += sid_;
    }
    return t;
}

net::awaitable<error_code> sio_client::open_http(const tcp::endpoint& ep)
{
    host_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    if (auto [ec] = co_await socket_.async_connect(ep, use_tuple); ec) {
        co_return ec;
    }
    socket_.set_option(tcp::no_delay(true));
    const std::string request = "GET " + target(false) + " HTTP/1.1\r\nHost: " + host_ + "\r\n\r\n";
    if (auto [ec, n] = co_await net::async_write(socket_, net::buffer(request), use_tuple); ec) {
        co_return ec;
    }
    if (transport_ == transport::sse) {
        // The response head, then the event stream stays in the read buffer.
        std::size_t head_end = 0;
        if (auto ec = co_await read_head(head_end); ec) {
            co_return ec;
        }
        if (!std::string_view{read_buffer_.get(), read_end_}.starts_with("HTTP/1.1 200")) {
            co_return handshake_failed();
        }
        read_begin_ = head_end + 4;
    }
    std::string open_packet;
    // Named first: GCC 12 mishandles a capturing lambda temporary inside a co_await expression.
    const packet_handler until_open = [&open_packet](std::string_view p) {
        if (!p.empty() && p[0] == '0') {
            open_packet = p;
            return false;
        }
        return true;
    };
    if (auto ec = co_await read(until_open); ec) {
        co_return ec;
    }
    sid_ = sid_of_open_packet(open_packet);
    if (sid_.empty()) {
        co_return handshake_failed();
    }
    if (auto [ec] = co_await post_socket_.async_connect(ep, use_tuple); ec) {
        co_return ec;
    }
    post_socket_.set_option(tcp::no_delay(true));
    co_return co_await connect_namespace();
}

error_code sio_client::on_http_packet(std::string_view p, const packet_handler& on_packet, bool& more)
{
    if (p == "2") {
        queue_text('3', {});
    }
    else if (p.starts_with('1')) {
        return sb::error::closed;
    }
    else if (!p.starts_with('6')) {
        more = on_packet(p);
    }
    return {};
}

net::awaitable<error_code> sio_client::read_sse(const packet_handler& on_packet)
{
    std::string joined;
    for (;;) {
        for (;;) {
            const std::string_view avail{read_buffer_.get() + read_begin_, read_end_ - read_begin_};
            const auto end = avail.find("\n\n");
            if (end == std::string_view::npos) {
                break;
            }
            std::string_view event = avail.substr(0, end);
            read_begin_ += end + 2;
            std::string_view packet;
            if (event.find('\n') == std::string_view::npos) {
                if (!event.starts_with("data:")) {
                    continue;  // a comment
                }
                packet = event.substr(event.starts_with("data: ") ? 6 : 5);
            }
            else {
                // Several data: lines, joined with LF.
                joined.clear();
                bool first = true;
                while (!event.empty()) {
                    const auto nl = event.find('\n');
                    auto line = event.substr(0, nl);
                    event = nl == std::string_view::npos ? std::string_view{} : event.substr(nl + 1);
                    if (line.starts_with("data:")) {
                        line.remove_prefix(line.starts_with("data: ") ? 6 : 5);
                        if (!first) {
                            joined += '\n';
                        }
                        joined += line;
                        first = false;
                    }
                }
                packet = joined;
            }
            bool more = true;
            if (auto ec = on_http_packet(packet, on_packet, more); ec) {
                co_return ec;
            }
            if (!more) {
                co_return error_code{};
            }
        }
        if (read_begin_ == read_end_) {
            read_begin_ = read_end_ = 0;
        }
        else if (read_begin_ > 0) {
            std::memmove(read_buffer_.get(), read_buffer_.get() + read_begin_, read_end_ - read_begin_);
            read_end_ -= read_begin_;
            read_begin_ = 0;
        }
        if (read_end_ == read_buffer_size) {
            co_return handshake_failed();  // an event larger than the buffer: not in these scenarios
        }
        auto [ec, n] = co_await socket_.async_read_some(
            net::buffer(read_buffer_.get() + read_end_, read_buffer_size - read_end_), use_tuple);
        if (ec) {
            co_return ec;
        }
        read_end_ += n;
    }
}

net::awaitable<error_code> sio_client::read_polling(const packet_handler& on_packet)
{
    for (;;) {
        while (poll_has_body_) {
            const auto sep = poll_body_.find('\x1e', poll_pos_);
            const std::string_view packet =
                std::string_view{poll_body_}.substr(poll_pos_, sep == std::string::npos ? std::string::npos : sep - poll_pos_);
            if (sep == std::string::npos) {
                poll_has_body_ = false;
            }
            else {
                poll_pos_ = sep + 1;
            }
            bool more = true;
            if (auto ec = on_http_packet(packet, on_packet, more); ec) {
                co_return ec;
            }
            if (!more) {
                co_return error_code{};
            }
        }
        if (!sid_.empty()) {
            const std::string request = "GET " + target(true) + " HTTP/1.1\r\nHost: " + host_ + "\r\n\r\n";
            if (auto [ec, n] = co_await net::async_write(socket_, net::buffer(request), use_tuple); ec) {
                co_return ec;
            }
        }
        unsigned status = 0;
        if (auto ec = co_await read_response(socket_, poll_buffer_, status, poll_body_); ec) {
            co_return ec;
        }
        if (status != 200) {
            co_return sb::error::closed;
        }
        poll_pos_ = 0;
        poll_has_body_ = !poll_body_.empty();
    }
}

net::awaitable<void> sio_client::post_loop([[maybe_unused]] std::shared_ptr<sio_client> self)
{
    std::string request;
    std::string body;
    while (!post_out_.empty()) {
        post_in_flight_.swap(post_out_);
        post_out_.clear();
        request = "POST " + target(true) + " HTTP/1.1\r\nHost: " + host_ +
                  "\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: " +
                  std::to_string(post_in_flight_.size()) + "\r\n\r\n";
        request += post_in_flight_;
        auto [ec, n] = co_await net::async_write(post_socket_, net::buffer(request), use_tuple);
        unsigned status = 0;
        if (!ec) {
            ec = co_await read_response(post_socket_, post_buffer_, status, body);
        }
        if (ec || status != 200) {
            post_out_.clear();
            error_code ignored;
            socket_.close(ignored);  // the reader sees the failure and ends the session
            break;
        }
    }
    post_in_flight_.clear();
    posting_ = false;
}

} // namespace loadgen
