#include "engine/sse_transport.hpp"

#include "engine/engine_shard.hpp"
#include "engine/exact_allocator.hpp"
#include "engine/session.hpp"

#include <switchboard/protocol/eio_sse.hpp>
#include <switchboard/protocol/sse_frame.hpp>

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace net = boost::asio;

namespace sb::detail {


bool append_sse_packet(std::string& out, const out_packet& p)
{
    return eio::append_sse_packet(out, *p.data, p.binary);
}

sse_transport::sse_transport(net::ip::tcp::socket sock, engine_shard& sh, std::string head)
    : sock_(std::move(sock)), shard_(sh), pending_(std::move(head))
{
    boost::system::error_code ignored;
    sock_.set_option(net::ip::tcp::no_delay(true), ignored);
}

sse_transport::~sse_transport() = default;

void sse_transport::start(std::shared_ptr<session> s)
{
    session_ = std::move(s);
    boost::system::error_code ignored;
    sock_.non_blocking(true, ignored);  // on_readable reads what came without blocking
    watch();
    flush();  // the response head and the open packet, at once
}

void sse_transport::kick()
{
    if (writing_ || flush_pending_ || finished_) {
        return;
    }
    if (!session_) {
        flush();  // refused or closing: no session, hence no shard batch to join
        return;
    }
    flush_pending_ = true;
    session_->owner().defer_flush(shared_from_this());
}

void sse_transport::flush_deferred()
{
    flush_pending_ = false;
    flush();
}

void sse_transport::pause()
{
    if (paused_ || closing_) {
        return;
    }
    // Whatever is queued stays for the websocket; the client pauses on this noop.
    paused_ = true;
    sse::append_event(pending_, "6");
    kick();
}

void sse_transport::resume()
{
    if (!paused_) {
        return;
    }
    paused_ = false;
    kick();
}

void sse_transport::close(bool with_close_packet)
{
    if (closing_ || finished_) {
        return;
    }
    closing_ = true;
    paused_ = false;
    // Drain now: the session is closing and forgets its queue.
    if (session_) {
        auto& q = session_->queue();
        std::size_t bytes = 0;
        while (!q.empty()) {
            bytes += q.front().data->size();
            append_sse_packet(pending_, q.front());
            q.pop_front();
        }
        session_->take_queue_bytes(bytes);
    }
    if (with_close_packet) {
        sse::append_event(pending_, "1");
    }
    session_ = nullptr;  // the session is done with us
    if (!writing_) {
        flush();
    }
    // A client that stopped reading (the usual reason for "send buffer full") never takes
    // the rest: do not keep its socket and buffers for ever.
    if (!finished_) {
        close_by_ = lazy_deadline::clock::now() + shard_.server().options().timeouts.close;
        deadline_.arm(close_by_, *this, shard_.timers());
    }
}

void sse_transport::on_deadline()
{
    if (finished_) {
        return;
    }
    const auto due = lazy_deadline::due(close_by_, writing_, write_started_, shard_.server().options().timeouts.write);
    if (lazy_deadline::clock::now() >= due) {
        shard_.server().metrics().connections_timed_out.fetch_add(1, std::memory_order_relaxed);
        // The session (if it is still ours) hears "transport error" from the failed write.
        boost::system::error_code ignored;
        sock_.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
        sock_.close(ignored);
        if (!writing_) {
            finish("transport error");
        }
        return;
    }
    if (due != lazy_deadline::clock::time_point::max()) {
        deadline_.arm(due, *this, shard_.timers());
    }
}

void sse_transport::abort()
{
    session_ = nullptr;
    finished_ = true;
    deadline_.cancel();
    boost::system::error_code ignored;
    sock_.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    sock_.close(ignored);
}

// The client never sends on the stream's connection: a readiness wait, at its own size
// (exact_allocator.hpp) because it is pending for the stream's life, with this
// transport's shared_ptr in it. A reader coroutine held its frame with a 512-byte buffer
// and co_spawn's: 1.5 KB of every idle sse session.
void sse_transport::watch()
{
    sock_.async_wait(net::socket_base::wait_read,
                     net::bind_allocator(exact_allocator<void>{}, [self = shared_from_this()](
                                                                      const boost::system::error_code& ec) {
                         self->on_readable(ec);
                     }));
}

void sse_transport::on_readable(const boost::system::error_code& ec)
{
    if (!ec && !finished_) {
        // Whatever came is discarded; only the end of the connection counts.
        boost::system::error_code rec;
        for (;;) {
            const auto buf = shard_.receive_buffer();
            const auto n = sock_.read_some(net::buffer(buf.data(), buf.size()), rec);
            if (rec || n < buf.size()) {
                break;
            }
        }
        if (rec == net::error::would_block || rec == net::error::try_again || !rec) {
            watch();
            return;
        }
    }
    finish("transport close");
}

void sse_transport::finish(std::string_view reason)
{
    if (finished_) {
        return;
    }
    if (closing_ && writing_) {
        return;  // the close packet is on its way; on_written ends the connection
    }
    finished_ = true;
    if (auto s = std::exchange(session_, nullptr)) {
        s->on_sse_closed(*this, reason);
    }
    boost::system::error_code ignored;
    sock_.close(ignored);
}

void sse_transport::flush()
{
    if (writing_ || finished_ || !sock_.is_open()) {
        return;
    }
    out_.clear();
    out_.swap(pending_);
    bool refused = false;
    if (!paused_ && session_) {
        auto& q = session_->queue();
        std::size_t bytes = 0;
        while (!q.empty()) {
            bytes += q.front().data->size();
            refused = !append_sse_packet(out_, q.front()) || refused;
            q.pop_front();
        }
        session_->take_queue_bytes(bytes);
    }
    if (refused && session_) {
        // A raw CR in an Engine.IO string (Socket.IO packets are JSON and have none): SSE
        // would deliver something else, so the session ends rather than lie.
        net::post(sock_.get_executor(), [s = session_] { s->close("transport error"); });
    }
    if (out_.empty()) {
        if (closing_) {
            finished_ = true;
            deadline_.cancel();
            boost::system::error_code ignored;
            sock_.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
            sock_.close(ignored);
        }
        return;
    }
    writing_ = true;
    write_started_ = lazy_deadline::clock::now();
    deadline_.arm(write_started_ + shard_.server().options().timeouts.write, *this, shard_.timers());
    net::async_write(sock_, net::buffer(out_),
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t) { self->on_written(ec); });
}

void sse_transport::on_written(const boost::system::error_code& ec)
{
    writing_ = false;
    if (ec) {
        finish("transport error");
        return;
    }
    if (closing_ && pending_.empty()) {
        finished_ = true;
        deadline_.cancel();
        boost::system::error_code ignored;
        sock_.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
        sock_.close(ignored);
        return;
    }
    if (session_ && session_->queue().empty())
        session_->queue().compact();  // idle again: a burst's buffer goes back
    flush();
}

} // namespace sb::detail
