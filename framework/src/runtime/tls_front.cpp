#include "runtime/tls_front.hpp"

#include "engine/deadline.hpp"
#include "net/peer_address.hpp"
#include "runtime/http_connection.hpp"
#include "runtime/server_impl.hpp"
#include "runtime/worker.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using namespace boost::asio::experimental::awaitable_operators;

namespace sb::detail {

std::shared_ptr<ssl::context> make_tls_context(const std::string& cert_file, const std::string& key_file)
{
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    // TLS 1.2 and 1.3 only; OpenSSL's default ciphers for them are the modern ones.
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    boost::system::error_code ec;
    ctx->use_certificate_chain_file(cert_file, ec);
    if (ec) {
        throw std::runtime_error("switchboard: TLS certificate " + cert_file + ": " + ec.message());
    }
    ctx->use_private_key_file(key_file, ssl::context::pem, ec);
    if (ec) {
        throw std::runtime_error("switchboard: TLS key " + key_file + ": " + ec.message());
    }
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
        throw std::runtime_error("switchboard: the TLS key " + key_file + " does not match " + cert_file);
    }
    return ctx;
}

namespace {

net::awaitable<void> pump(worker& w, std::shared_ptr<ssl::stream<net::ip::tcp::socket>> tls,
                          std::shared_ptr<net::ip::tcp::socket> plain, int plain_peer_fd)
{
    const auto& t = w.server().options().timeouts;
    {
        net::steady_timer deadline(tls->get_executor(), t.http_read);
        auto r = co_await (tls->async_handshake(ssl::stream_base::server, net::as_tuple(net::use_awaitable)) ||
                           deadline.async_wait(net::as_tuple(net::use_awaitable)));
        if (r.index() != 0 || std::get<0>(std::get<0>(r))) {
            // Too slow, or not TLS (a plain HTTP request, a scanner): both ends close.
            boost::system::error_code ignored;
            tls->lowest_layer().close(ignored);
            plain->close(ignored);
            forget_bridged_peer(plain_peer_fd);
            co_return;
        }
    }
    write_clock clock;
    // Bytes from the client, decrypted, to the HTTP side.
    auto inbound = [&]() -> net::awaitable<void> {
        char buf[16 * 1024];
        for (;;) {
            auto [ec, n] = co_await tls->async_read_some(net::buffer(buf), net::as_tuple(net::use_awaitable));
            if (ec) {
                break;
            }
            auto [wec, wn] = co_await net::async_write(*plain, net::buffer(buf, n), net::as_tuple(net::use_awaitable));
            if (wec) {
                break;
            }
        }
        boost::system::error_code ignored;
        plain->shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    };
    // The HTTP side's bytes, encrypted, to the client; then close_notify.
    auto outbound = [&]() -> net::awaitable<void> {
        char buf[16 * 1024];
        for (;;) {
            auto [ec, n] = co_await plain->async_read_some(net::buffer(buf), net::as_tuple(net::use_awaitable));
            if (ec) {
                break;
            }
            clock.begin();
            auto [wec, wn] = co_await net::async_write(*tls, net::buffer(buf, n), net::as_tuple(net::use_awaitable));
            clock.end();
            if (wec) {
                co_return;
            }
        }
        co_await tls->async_shutdown(net::as_tuple(net::use_awaitable));
    };
    // A client that stops reading would leave the pump writing for ever (the HTTP side's
    // own deadline only closes its end): past timeouts.write, the connection is cut.
    auto watchdog = [&]() -> net::awaitable<void> {
        co_await watch_writes(tls->get_executor(), t.write, clock);
        w.server().metrics().connections_timed_out.fetch_add(1, std::memory_order_relaxed);
    };
    // Both directions until the client and the HTTP side are done (or the watchdog fires).
    auto both = [&]() -> net::awaitable<void> {
        auto i = inbound();
        auto o = outbound();
        co_await (std::move(i) && std::move(o));
    };
    auto b = both();
    auto d = watchdog();
    co_await (std::move(b) || std::move(d));
    boost::system::error_code ignored;
    tls->lowest_layer().close(ignored);
    plain->close(ignored);
    forget_bridged_peer(plain_peer_fd);
}

} // namespace

void serve_tls(worker& w, net::ip::tcp::socket sock, ssl::context& tls_ctx)
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        return;  // out of descriptors: the connection closes with `sock`
    }
    boost::system::error_code ec;
    const auto peer = sock.remote_endpoint(ec).address().to_string();
    boost::system::error_code ignored;
    sock.set_option(net::ip::tcp::no_delay(true), ignored);
    auto tls = std::make_shared<ssl::stream<net::ip::tcp::socket>>(std::move(sock), tls_ctx);
    auto ours = std::make_shared<net::ip::tcp::socket>(w.context());
    net::ip::tcp::socket theirs(w.context());
    // Local stream sockets behave as TCP ones for everything the HTTP side does with
    // them (read, write, shutdown, hand-over); only the peer address is not theirs to say.
    ours->assign(net::ip::tcp::v4(), fds[0], ec);
    if (ec) {
        ::close(fds[0]);
        ::close(fds[1]);
        return;
    }
    theirs.assign(net::ip::tcp::v4(), fds[1], ec);
    if (ec) {
        ::close(fds[1]);
        return;  // `ours` closes fds[0]
    }
    note_bridged_peer(fds[1], peer);
    net::co_spawn(w.context(), pump(w, tls, ours, fds[1]), net::detached);
    serve_http(w, std::move(theirs));
}

} // namespace sb::detail
