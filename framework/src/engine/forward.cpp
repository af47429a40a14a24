#include "engine/forward.hpp"

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <array>
#include <memory>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace sb::detail {

namespace {

constexpr auto tuple_awaitable = net::as_tuple(net::use_awaitable);

/// Both ends of one forwarded request; closed together when the owner's side ends.
struct relay {
    relay(beast::tcp_stream c, beast::tcp_stream o, std::chrono::milliseconds i)
        : client(std::move(c)), owner(std::move(o)), idle(i)
    {
    }
    beast::tcp_stream client;
    beast::tcp_stream owner;
    std::chrono::milliseconds idle;
    void close()
    {
        boost::system::error_code ignored;
        client.socket().close(ignored);
        owner.socket().close(ignored);
    }
};

/// Owner to client. The owner always speaks within `idle` (a poll's answer, an sse or
/// websocket heartbeat), so silence means it is gone: both ends close.
net::awaitable<void> owner_to_client(std::shared_ptr<relay> r)
{
    std::array<char, 16 * 1024> buf;
    for (;;) {
        r->owner.expires_after(r->idle);
        auto [ec, n] = co_await r->owner.async_read_some(net::buffer(buf), tuple_awaitable);
        if (ec) {
            break;
        }
        r->client.expires_after(r->idle);
        auto [wec, wn] = co_await net::async_write(r->client, net::buffer(buf.data(), n), tuple_awaitable);
        if (wec) {
            break;
        }
    }
    r->close();
}

/// Client to owner: without a deadline (a long poll's client is silent while it waits);
/// when the client is done the owner is told (half-close), and ends its side.
net::awaitable<void> client_to_owner(std::shared_ptr<relay> r)
{
    std::array<char, 16 * 1024> buf;
    for (;;) {
        r->client.expires_never();
        auto [ec, n] = co_await r->client.async_read_some(net::buffer(buf), tuple_awaitable);
        if (ec) {
            break;
        }
        r->owner.expires_after(r->idle);
        auto [wec, wn] = co_await net::async_write(r->owner, net::buffer(buf.data(), n), tuple_awaitable);
        if (wec) {
            r->close();
            co_return;
        }
    }
    boost::system::error_code ignored;
    r->owner.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
}

} // namespace

net::awaitable<bool> forward_to_owner(net::ip::tcp::socket& sock, beast::flat_buffer& buffer, http_request& req,
                                      const std::string& owner, std::chrono::milliseconds connect_timeout,
                                      std::chrono::milliseconds idle)
{
    const auto colon = owner.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        co_return false;
    }
    auto ex = sock.get_executor();
    net::ip::tcp::resolver resolver(ex);
    auto [rec, endpoints] = co_await resolver.async_resolve(owner.substr(0, colon), owner.substr(colon + 1),
                                                            tuple_awaitable);
    if (rec) {
        co_return false;
    }
    beast::tcp_stream upstream(ex);
    upstream.expires_after(connect_timeout);
    auto [cec, ep] = co_await upstream.async_connect(endpoints, tuple_awaitable);
    if (cec) {
        co_return false;
    }
    req.set(forwarded_header, "1");
    if (!beast::websocket::is_upgrade(req)) {
        req.keep_alive(false);  // one request per relay: the owner closes after answering
    }
    upstream.expires_after(idle);
    auto [wec, wn] = co_await http::async_write(upstream, req, tuple_awaitable);
    if (wec) {
        co_return false;
    }
    if (buffer.size() > 0) {
        // What the client sent past the request (websocket frames after an upgrade).
        auto [lec, ln] = co_await net::async_write(upstream, buffer.data(), tuple_awaitable);
        if (lec) {
            co_return false;
        }
        buffer.consume(buffer.size());
    }
    auto r = std::make_shared<relay>(beast::tcp_stream(std::move(sock)), std::move(upstream), idle);
    net::co_spawn(ex, owner_to_client(r), net::detached);
    net::co_spawn(ex, client_to_owner(r), net::detached);
    co_return true;
}

} // namespace sb::detail
