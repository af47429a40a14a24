#include "runtime/parked_connection.hpp"

#include "engine/engine_shard.hpp"
#include "engine/exact_allocator.hpp"
#include "engine/http_endpoint.hpp"
#include "runtime/http_connection.hpp"
#include "runtime/server_impl.hpp"
#include "runtime/worker.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>

namespace net = boost::asio;
namespace beast = boost::beast;

namespace sb::detail {

// Into `buffer` through the shard's receive buffer, so that a try that finds nothing
// allocates nothing. The socket is in non-blocking mode (serve_http); a busy connection
// finds its next request here, as Beast's own first read would have, and makes no other
// call.
arrival read_available(worker& sh, net::ip::tcp::socket& sock, beast::flat_buffer& buffer)
{
    boost::system::error_code ec;
    const auto scratch = sh.engine().receive_buffer();
    const auto n = sock.read_some(net::buffer(scratch.data(), scratch.size()), ec);
    if (!ec) {
        buffer.commit(net::buffer_copy(buffer.prepare(n), net::buffer(scratch.data(), n)));
        return arrival::bytes;
    }
    return ec == net::error::would_block || ec == net::error::try_again ? arrival::nothing_yet : arrival::closed;
}

namespace {

/** A keep-alive connection between requests, held without a coroutine: the socket, its
    idle deadline as an entry on the shard's timers, and a readiness wait at its own size
    (exact_allocator.hpp) that owns it. The POST connection of every polling or sse
    client sits here between messages, and a polling GET's between its answer and the
    next GET; run()'s frame and co_spawn's (~1.3 KB) are made again when bytes come. At
    the deadline the wait is cancelled and the connection closed, as a client that sends
    nothing is (timeouts.http_read); when the shard's loop is destroyed, the pending wait
    and this with it. */
class idle_connection final : public shard_timer {
public:
    static void park(worker& sh, net::ip::tcp::socket sock, shard_timers::clock::time_point deadline, bool busy)
    {
        std::unique_ptr<idle_connection> c(new idle_connection(sh, std::move(sock), busy));
        sh.engine().timers().schedule(*c, deadline);
        auto& s = c->sock_;
        s.async_wait(net::socket_base::wait_read,
                     net::bind_allocator(exact_allocator<void>{}, [c = std::move(c)](boost::system::error_code ec) mutable {
                         c->readable(ec);
                     }));
    }
    idle_connection(const idle_connection&) = delete;
    idle_connection& operator=(const idle_connection&) = delete;
    ~idle_connection() { sh_.engine().timers().cancel(*this); }

private:
    idle_connection(worker& sh, net::ip::tcp::socket sock, bool busy) : sh_(sh), sock_(std::move(sock)), busy_(busy) {}

    void on_timer() override
    {
        expired_ = true;
        boost::system::error_code ignored;
        sock_.cancel(ignored);
    }

    void readable(boost::system::error_code ec)
    {
        sh_.engine().timers().cancel(*this);
        if (ec || expired_) {
            boost::system::error_code ignored;
            sock_.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
            return;  // the socket closes with this
        }
        // Bytes, or the client closing: run() reads which.
        resume_http(sh_, std::move(sock_), {}, busy_);
    }

    worker& sh_;
    net::ip::tcp::socket sock_;
    bool busy_;  // passed on to run()
    bool expired_ = false;
};

/// After an answer on a keep-alive connection written outside run() (parked_poll): serves what the
/// client sent next (`leftover`: bytes pipelined behind the answered request), or parks
/// the connection until it sends something.
void continue_serving(worker& sh, net::ip::tcp::socket sock, std::string leftover, bool busy)
{
    beast::flat_buffer buffer;
    if (!leftover.empty()) {
        buffer.commit(net::buffer_copy(buffer.prepare(leftover.size()), net::buffer(leftover)));
    }
    else {
        const auto got = read_available(sh, sock, buffer);
        if (got == arrival::closed) {
            return;
        }
        if (got == arrival::nothing_yet) {
            idle_connection::park(sh, std::move(sock), shard_timers::clock::now() + sh.server().options().timeouts.http_read,
                                  busy);
            return;
        }
    }
    resume_http(sh, std::move(sock), std::move(buffer), busy);
}

/** A long-polling GET waiting for its answer, held without a coroutine: the socket and
    what the answer's head needs of the request, owned by the session (session::park_poll)
    until it wakes this. A polling client has one parked nearly all the time; run()'s and
    co_spawn's frames, the request and the wait's own frames were ~2.5 KB of it. When
    woken it posts (the answer takes what the rest of the loop's turn queues too), writes
    the answer by the write deadline (an entry on the shard's timers), and goes on with
    the connection as run() would. Destroyed with its session, or with the shard's loop
    while its answer is posted or written: the connection closes. */
class parked_poll final : public poll_waiter, public shard_timer {
public:
    parked_poll(worker& sh, net::ip::tcp::socket sock, unsigned version, bool keep_alive, cors_headers cors,
                std::string leftover)
        : sh_(sh), sock_(std::move(sock)), cors_(std::move(cors)), leftover_(std::move(leftover)),
          parked_at_(shard_timers::clock::now()), version_(version), keep_alive_(keep_alive)
    {
    }
    parked_poll(const parked_poll&) = delete;
    parked_poll& operator=(const parked_poll&) = delete;
    ~parked_poll() override { sh_.engine().timers().cancel(*this); }

    void wake(std::unique_ptr<poll_waiter> self, std::shared_ptr<session> s) override
    {
        std::unique_ptr<parked_poll> me(static_cast<parked_poll*>(self.release()));
        auto& ctx = sh_.context();
        net::post(ctx, [me = std::move(me), s = std::move(s)]() mutable { answer(std::move(me), *s); });
    }

private:
    static void answer(std::unique_ptr<parked_poll> me, session& s)
    {
        auto reply = poll_response(s.poll_answer());
        const auto now = shard_timers::clock::now();
        me->busy_ = now - me->parked_at_ < busy_wait;
        me->head_ = plain_head(me->version_, me->keep_alive_, reply, me->cors_);
        me->body_ = std::move(reply.body);
        me->sh_.engine().timers().schedule(*me, now + me->sh_.server().options().timeouts.write);
        auto& sock = me->sock_;
        const std::array<net::const_buffer, 2> bufs{net::buffer(me->head_), net::buffer(me->body_)};
        net::async_write(sock, bufs, [me = std::move(me)](const boost::system::error_code& ec, std::size_t) mutable {
            written(std::move(me), ec);
        });
    }

    static void written(std::unique_ptr<parked_poll> me, const boost::system::error_code& ec)
    {
        me->sh_.engine().timers().cancel(*me);
        if (ec || me->expired_ || !me->keep_alive_) {
            boost::system::error_code ignored;
            me->sock_.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
            return;  // the socket closes with this
        }
        continue_serving(me->sh_, std::move(me->sock_), std::move(me->leftover_), me->busy_);
    }

    void on_timer() override
    {
        expired_ = true;
        boost::system::error_code ignored;
        sock_.cancel(ignored);
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
    bool busy_ = false;  // answered within busy_wait: the connection's next poll waits in run()
    bool expired_ = false;
};

/// What parks a busy connection's long poll inside run() (wait_poll): wakes it by
/// cancelling its timer.
class timer_waiter final : public poll_waiter {
public:
    explicit timer_waiter(net::steady_timer& t) : t_(t) {}
    void wake(std::unique_ptr<poll_waiter>, std::shared_ptr<session>) override { t_.cancel(); }

private:
    net::steady_timer& t_;
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

net::awaitable<session::poll_result> wait_poll(worker& sh, session& s)
{
    net::steady_timer park(sh.context(), net::steady_timer::time_point::max());
    auto waiter = std::make_unique<timer_waiter>(park);
    // The waiter refers to `park`: if this frame is destroyed while parked (the shard's
    // loop shutting down), the session must not keep it.
    struct unpark {
        session& s;
        const poll_waiter* w;
        ~unpark() { s.drop_parked_poll(*w); }
    } guard{s, waiter.get()};
    s.park_poll(std::move(waiter));
    co_await park.async_wait(net::as_tuple(net::use_awaitable));
    co_return s.poll_answer();
}

} // namespace sb::detail
