#include "runtime/parked_connection.hpp"

#include "engine/engine_shard.hpp"
#include "engine/exact_allocator.hpp"
#include "engine/http_endpoint.hpp"
#include "engine/socket_deadline.hpp"
#include "runtime/http_connection.hpp"
#include "runtime/server_impl.hpp"
#include "runtime/worker.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <optional>

namespace net = boost::asio;
namespace beast = boost::beast;

namespace sb::detail {

namespace {

/** A keep-alive connection between requests, held without a coroutine: the socket, its
    idle deadline as an entry on the shard's timers, and a readiness wait at its own size
    (exact_allocator.hpp) that owns it. The POST connection of every polling or sse
    client sits here between messages, and a polling GET's between its answer and the
    next GET; run()'s frame and co_spawn's (~1.3 KB) are made again when bytes come. At
    the deadline the wait is cancelled and the connection closed, as a client that sends
    nothing is (timeouts.http_read); when the shard's loop is destroyed, the pending wait
    and this with it. */
class idle_connection {
public:
    static void park(worker& sh, net::ip::tcp::socket sock, shard_timers::clock::time_point deadline, bool busy)
    {
        std::unique_ptr<idle_connection> c(new idle_connection(sh, std::move(sock), deadline, busy));
        auto& s = c->sock_;
        s.async_wait(net::socket_base::wait_read,
                     net::bind_allocator(exact_allocator<void>{}, [c = std::move(c)](boost::system::error_code ec) mutable {
                         c->readable(ec);
                     }));
    }

private:
    idle_connection(worker& sh, net::ip::tcp::socket sock, shard_timers::clock::time_point deadline, bool busy)
        : sh_(sh), sock_(std::move(sock)), due_(sh.engine().timers(), sock_, deadline), busy_(busy)
    {
    }

    void readable(boost::system::error_code ec)
    {
        if (ec || due_.expired()) {
            boost::system::error_code ignored;
            sock_.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
            return;  // the socket closes with this
        }
        // Bytes, or the client closing: run() reads which.
        resume_http(sh_, std::move(sock_), {}, busy_);
    }

    worker& sh_;
    net::ip::tcp::socket sock_;
    socket_deadline due_;  // after sock_, which it cancels
    bool busy_;  // passed on to run()
};

/** A long-polling GET waiting for its answer, held without a coroutine: the socket and
    what the answer's head needs of the request, owned by the session (session::park_poll)
    until its answer is due. A polling client has one parked nearly all the time; run()'s
    and co_spawn's frames, the request and the wait's own frames were ~2.5 KB of it. It
    writes the answer by the write deadline and hands the connection back to run().
    Destroyed with its session, or with the shard's loop while its answer is due or being
    written: the connection closes. */
class parked_poll final : public poll_waiter {
public:
    parked_poll(worker& sh, net::ip::tcp::socket sock, unsigned version, bool keep_alive, cors_headers cors,
                std::string leftover)
        : sh_(sh), sock_(std::move(sock)), cors_(std::move(cors)), leftover_(std::move(leftover)),
          parked_at_(shard_timers::clock::now()), version_(version), keep_alive_(keep_alive)
    {
    }

    void answer(std::unique_ptr<poll_waiter> self, session& s) override
    {
        std::unique_ptr<parked_poll> me(static_cast<parked_poll*>(self.release()));
        auto reply = poll_response(s.poll_answer());
        const auto now = shard_timers::clock::now();
        me->busy_ = now - me->parked_at_ < busy_wait;
        plain_head_into(me->head_, me->version_, me->keep_alive_, reply, me->cors_);
        me->body_ = std::move(reply.body);
        me->due_.emplace(me->sh_.engine().timers(), me->sock_, now + me->sh_.server().options().timeouts.write);
        auto& sock = me->sock_;
        const std::array<net::const_buffer, 2> bufs{net::buffer(me->head_), net::buffer(me->body_)};
        net::async_write(sock, bufs, [me = std::move(me)](const boost::system::error_code& ec, std::size_t) mutable {
            written(std::move(me), ec);
        });
    }

    static void written(std::unique_ptr<parked_poll> me, const boost::system::error_code& ec)
    {
        const bool expired = me->due_->expired();
        me->due_.reset();
        if (ec || expired || !me->keep_alive_) {
            boost::system::error_code ignored;
            me->sock_.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
            return;  // the socket closes with this
        }
        // The next request (pipelined behind the GET, or still to come) is run()'s.
        beast::flat_buffer buffer;
        buffer.commit(net::buffer_copy(buffer.prepare(me->leftover_.size()), net::buffer(me->leftover_)));
        resume_http(me->sh_, std::move(me->sock_), std::move(buffer), me->busy_);
    }

    worker& sh_;
    net::ip::tcp::socket sock_;
    cors_headers cors_;
    std::string leftover_;
    std::string head_;
    std::string body_;
    shard_timers::clock::time_point parked_at_;
    unsigned version_;
    bool keep_alive_;
    std::optional<socket_deadline> due_;  // while the answer is written
    bool busy_ = false;  // answered within busy_wait: the connection's next poll waits in run()
};

/// What parks a busy connection's long poll inside run() (wait_poll): the coroutine's
/// own completion handler, resumed when its answer is due. It was a steady_timer with no
/// expiry, cancelled to wake: a timer-queue insert and a cancel, each under the reactor's
/// mutex, the wait's operation and a post of its completion (callgrind, polling fan-out:
/// 15,786 instructions per poll with it, 14,946 without). Posting the handler instead
/// cost more than the timer, through any_io_executor's type erasure.
template <typename Handler>
class handler_waiter final : public poll_waiter {
public:
    explicit handler_waiter(Handler h) : h_(std::move(h)) {}
    void answer(std::unique_ptr<poll_waiter>, session&) override
    {
        auto h = std::move(h_);
        std::move(h)();  // run() goes on, and asks the session for the answer
    }

private:
    Handler h_;
};
} // namespace

void park_idle(worker& sh, net::ip::tcp::socket sock, shard_timers::clock::time_point deadline, bool busy)
{
    idle_connection::park(sh, std::move(sock), deadline, busy);
}

std::unique_ptr<poll_waiter> make_parked_poll(worker& sh, net::ip::tcp::socket sock, unsigned version, bool keep_alive,
                                              cors_headers cors, std::string leftover)
{
    return std::make_unique<parked_poll>(sh, std::move(sock), version, keep_alive, std::move(cors), std::move(leftover));
}

net::awaitable<void> wait_poll(session& s)
{
    // Until it is woken, the session holds the awaiting coroutine's handler, and with it
    // the frames of run(), which hold the session. It wakes it when it has something to
    // send and when it closes; a stopping server drops it (worker::teardown). So these
    // frames never outlive their place in the session: they end after the waiter has been
    // handed back or dropped.
    // A plain function: a coroutine of its own here cost a frame per poll (callgrind,
    // polling fan-out: ~500 instructions).
    return net::async_initiate<const net::use_awaitable_t<>&, void()>(
        [&s](auto handler) { s.park_poll(std::make_unique<handler_waiter<decltype(handler)>>(std::move(handler))); },
        net::use_awaitable);
}

} // namespace sb::detail
