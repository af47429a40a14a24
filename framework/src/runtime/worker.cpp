#include "runtime/worker.hpp"

#include "core/log.hpp"
#include "core/socket_impl.hpp"
#include "engine/session.hpp"
#include "runtime/http_connection.hpp"
#include "runtime/server_impl.hpp"
#include "runtime/tls_front.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cerrno>

namespace net = boost::asio;

namespace sb::detail {

worker::worker(server_impl& srv, std::size_t index)
    : srv_(srv), core_(srv, index), engine_(srv, core_), acceptor_(core_.context()), accept_pause_(core_.context())
{
}

worker::~worker() { join(); }

void worker::listen(const net::ip::tcp::endpoint& ep)
{
    acceptor_.open(ep.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    // SO_REUSEPORT: every shard binds the same port and the kernel spreads connections.
    int one = 1;
    ::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    acceptor_.bind(ep);
    acceptor_.listen(net::socket_base::max_listen_connections);
}

std::uint16_t worker::local_port() const { return acceptor_.local_endpoint().port(); }

void worker::accept_loop()
{
    acceptor_.async_accept([this](boost::system::error_code ec, net::ip::tcp::socket sock) {
        if (ec == net::error::operation_aborted || !acceptor_.is_open()) {
            return;
        }
        if (!ec) {
            if (auto* tls = srv_.tls()) {
                serve_tls(*this, std::move(sock), *tls);
            }
            else {
                serve_http(*this, std::move(sock));
            }
            accept_loop();
            return;
        }
        // Out of file descriptors (EMFILE, ENFILE) or buffers: the pending connection
        // stays in the backlog and accept would fail again at once, spinning the shard.
        // Wait a little, so that closing connections can free descriptors; other errors
        // (a peer that reset before accept) retry at once.
        const bool exhausted = ec == net::error::no_descriptors || ec.value() == ENFILE ||
                               ec == net::error::no_buffer_space || ec == net::error::no_memory;
        if (!exhausted) {
            accept_loop();
            return;
        }
        if (!fd_warned_) {
            log(srv_.options(), log_level::warning, "accept",
                "shard " + std::to_string(index()) + ": " + ec.message() +
                    "; pausing accepts 100 ms at a time until descriptors free up");
            fd_warned_ = true;
        }
        accept_pause_.expires_after(std::chrono::milliseconds{100});
        accept_pause_.async_wait([this](boost::system::error_code wec) {
            if (!wec && acceptor_.is_open()) {
                accept_loop();
            }
        });
    });
}

void worker::start()
{
    accept_loop();
    thread_ = std::thread([this] {
        shard::set_current(&core_);
        for (;;) {
            try {
                context().run();
                break;
            }
            catch (const std::exception& e) {
                // A bug in a handler must not take the shard down with every session on it.
                log(srv_.options(), log_level::error, "shard",
                    "shard " + std::to_string(index()) + ": uncaught exception: " + e.what());
            }
        }
        shard::set_current(nullptr);
    });
}

void worker::stop()
{
    net::post(context(), [this] {
        // New sessions are refused from now on (503, and /healthz says "draining", so a
        // balancer sends new clients elsewhere); connections are still accepted, because
        // a polling or sse session sends its packets on new ones. The sessions stay open
        // while their handlers finish, so that acks still arrive.
        drain(std::chrono::steady_clock::now() + srv_.options().timeouts.drain);
    });
}

void worker::drain(std::chrono::steady_clock::time_point deadline)
{
    if (core_.tasks_in_flight() == 0 || std::chrono::steady_clock::now() >= deadline) {
        if (core_.tasks_in_flight() != 0) {
            log(srv_.options(), log_level::warning, "drain",
                "shard " + std::to_string(index()) + ": " + std::to_string(core_.tasks_in_flight()) +
                    " handler(s) still running at the drain deadline; closing anyway");
        }
        close_everything();
        return;
    }
    auto t = std::make_shared<net::steady_timer>(context(), std::chrono::milliseconds{20});
    t->async_wait([this, t, deadline](boost::system::error_code) { drain(deadline); });
}

void worker::close_everything()
{
    for (auto& s : engine_.sessions()) {
        s->close("server shutting down");
    }
    for (auto* es : std::vector<event_stream*>(core_.streams())) {
        es->end("server shutting down");
    }
    stop_when_closed(std::chrono::steady_clock::now() + std::chrono::seconds{1});
}

void worker::stop_when_closed(std::chrono::steady_clock::time_point deadline)
{
    // A polling session with no GET parked hears its close packet on its next GET, which
    // a client sends as soon as its last one was answered; stopping before it comes
    // would answer it with a reset ("transport error", and no clean reconnect). The
    // session leaves the table when the close packet is written into an answer. Bounded:
    // a client that went quiet does not hold the process.
    if (engine_.session_count() != 0 && std::chrono::steady_clock::now() < deadline) {
        auto t = std::make_shared<net::steady_timer>(context(), std::chrono::milliseconds{10});
        t->async_wait([this, t, deadline](boost::system::error_code) { stop_when_closed(deadline); });
        return;
    }
    // Give the last answers and close frames a moment to leave, then stop the loop.
    // Connections were accepted until now: that next GET may come on a new one.
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    accept_pause_.cancel();
    auto t = std::make_shared<net::steady_timer>(context(), std::chrono::milliseconds{100});
    t->async_wait([this, t](boost::system::error_code) { context().stop(); });
}

void worker::join()
{
    if (thread_.joinable()) {
        thread_.join();
    }
}

void worker::teardown()
{
    join();
    context().shutdown();  // idempotent: ~io_context runs it again
    engine_.drop_waiters();
    context().shutdown();  // the frames of the busy polls just dropped
    engine_.clear();
    core_.clear();
}

} // namespace sb::detail
