#include "engine/ws_transport.hpp"

#include "engine/engine_shard.hpp"
#include "engine/exact_allocator.hpp"

#include <switchboard/error.hpp>
#include <switchboard/protocol/base64.hpp>
#include <switchboard/protocol/eio_packet.hpp>

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <cstdint>
#include <optional>

namespace net = boost::asio;

namespace sb::detail {

struct ws_transport::write_buffers {
    struct direct_frame {
        ws::opcode op;
        std::string payload;
    };
    std::vector<direct_frame> direct;  // control/probe frames ahead of the queue
    std::string close_frame;           // due after the queue once closing_
    // the write in flight
    std::vector<out_packet> inflight;
    std::vector<direct_frame> inflight_direct;
    std::vector<std::string> b64_frames;  // binary packets re-encoded for b64 clients
    std::string staging;  // headers and small payloads, contiguous
    std::vector<net::const_buffer> bufs;
};

namespace {
/// The connection's descriptor, moved onto the shard's io_context executor.
ws_transport::socket_type adopt(net::ip::tcp::socket sock, engine_shard& sh)
{
    boost::system::error_code ec;
    const auto protocol = sock.local_endpoint(ec).protocol();
    if (ec || !sock.is_open()) {
        return ws_transport::socket_type(sh.context().get_executor());  // closed: reads fail, finishing the transport
    }
    const auto fd = sock.release(ec);
    if (ec) {
        return ws_transport::socket_type(sh.context().get_executor());
    }
    return ws_transport::socket_type(sh.context().get_executor(), protocol, fd);
}
} // namespace

ws_transport::write_buffers& ws_transport::out()
{
    if (!out_) {
        out_ = std::make_unique<write_buffers>();
    }
    return *out_;
}

ws::parser& ws_transport::parser()
{
    if (!parser_) {
        parser_ = std::make_unique<ws::parser>(ws::role::server, shard_.server().options().engine.max_payload);
    }
    return *parser_;
}

ws_transport::ws_transport(net::ip::tcp::socket sock, engine_shard& sh, bool b64, std::string leftover)
    : sock_(adopt(std::move(sock), sh)), shard_(sh), timeouts_(sh.server().options().timeouts),
      leftover_(leftover.empty() ? nullptr : std::make_unique<std::string>(std::move(leftover))), b64_(b64)
{
    boost::system::error_code ignored;
    sock_.set_option(net::ip::tcp::no_delay(true), ignored);
    // Before anything is written: flush() writes at once, and asio's write_some on a socket
    // it does not know to be non-blocking waits in poll() for a full socket - the shard's
    // thread with it. (A probe's first answer, or a refusal, is written before reading begins.)
    sock_.non_blocking(true, ignored);
}

ws_transport::~ws_transport() = default;

void ws_transport::start(std::shared_ptr<session> s, bool probe)
{
    session_ = std::move(s);
    probe_ = probe;
    // Posted: the leftover bytes may hold packets, and the caller is still setting up.
    net::post(sock_.get_executor(), [self = shared_from_this()] { self->begin_reading(); });
}

void ws_transport::activate()
{
    active_ = true;
    probe_ = false;
    flush();
}

void ws_transport::kick()
{
    if (writing_ || flush_pending_) {
        return;  // leaves with the write in flight's successor, or with the pending flush
    }
    if (!session_) {
        flush();
        return;
    }
    flush_pending_ = true;
    session_->owner().defer_flush(shared_from_this());
}

void ws_transport::flush_deferred()
{
    flush_pending_ = false;
    if (!writing_) {
        flush();
    }
}

void ws_transport::send_frame(ws::opcode op, std::string payload)
{
    auto& direct = out().direct;
    if (op == ws::opcode::pong) {
        for (auto& f : direct) {
            if (f.op == ws::opcode::pong) {
                f.payload = std::move(payload);
                return;  // already due to be written
            }
        }
    }
    direct.push_back(write_buffers::direct_frame{op, std::move(payload)});
    kick();
}

void ws_transport::close(std::uint16_t code, std::string_view reason)
{
    if (closing_ || finished_) {
        return;
    }
    closing_ = true;
    auto& frame = out().close_frame;
    frame.resize(ws::max_header_size);
    const auto payload = ws::close_payload(code, reason);
    const auto n =
        ws::write_header(reinterpret_cast<std::uint8_t*>(frame.data()), ws::opcode::close, payload.size());
    frame.resize(n);
    frame += payload;
    close_by_ = lazy_deadline::clock::now() + timeouts_.close;
    deadline_.arm(close_by_, *this, shard_.timers());
    kick();
}

void ws_transport::on_deadline()
{
    const auto due = lazy_deadline::due(close_by_, writing_, write_started_, timeouts_.write);
    if (lazy_deadline::clock::now() >= due) {
        // The peer does not take what we write, or does not finish the close: its fd and
        // buffers go now. A pending write or read fails and finishes the transport.
        if (sock_.is_open()) {
            shard_.server().metrics().connections_timed_out.fetch_add(1, std::memory_order_relaxed);
        }
        abort();
        return;
    }
    if (due != lazy_deadline::clock::time_point::max()) {
        deadline_.arm(due, *this, shard_.timers());
    }
}

void ws_transport::abort()
{
    boost::system::error_code ignored;
    sock_.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    sock_.close(ignored);
}

// ---- reading --------------------------------------------------------------------

// A completion handler, not a coroutine: an idle connection keeps only the pending
// wait's small operation (asio's, with this transport's shared_ptr), where a reader
// coroutine kept its frame and co_spawn's state, ~900 B per connection.
void ws_transport::begin_reading()
{
    // Bytes read past the upgrade request come first. The parser keeps what it needs of
    // an incomplete frame, so whatever it is given is consumed whole (or the transport
    // finished): nothing is ever carried over here.
    if (const auto bytes = std::move(leftover_)) {
        consume(*bytes);
    }
    wait_readable();
}

void ws_transport::wait_readable()
{
    if (finished_) {
        return;
    }
    // Between messages the parser holds nothing: 144 bytes an idle connection does not
    // need (parser() makes it again when bytes arrive).
    if (parser_ && parser_->idle()) {
        parser_.reset();
    }
    // Wait for readability without a buffer, then read into the shard's: an idle
    // connection keeps no receive memory (a 16 KiB buffer per connection was most of
    // an idle connection's heap).
    // The operation may stay pending for the connection's life: at its own size
    // (exact_allocator.hpp), not in a recycled block several times larger.
    sock_.async_wait(net::socket_base::wait_read,
                     net::bind_allocator(exact_allocator<void>{}, [self = shared_from_this()](
                                                                      const boost::system::error_code& ec) {
                         self->on_readable(ec);
                     }));
}

void ws_transport::on_readable(boost::system::error_code ec)
{
    for (bool more = !ec; more && !finished_;) {
        const auto buf = shard_.receive_buffer();
        const auto n = sock_.read_some(net::buffer(buf.data(), buf.size()), ec);
        if (ec == net::error::would_block || ec == net::error::try_again) {
            ec = {};
            break;
        }
        if (ec)
            break;
        more = n == buf.size();  // the kernel may hold more
        consume(std::string_view(buf.data(), n));
    }
    if (ec) {
        finish((ec == net::error::eof || ec == net::error::connection_reset || ec == net::error::operation_aborted)
                   ? "transport close"
                   : "transport error");
        return;
    }
    wait_readable();
}

void ws_transport::consume(std::string_view bytes)
{
    std::size_t used = 0;
    while (used < bytes.size()) {
        boost::system::error_code ec;
        used += parser().put(bytes.substr(used), ec);
        if (ec) {
            // RFC 6455 §7.4.1: 1009 for a message too big, 1002/1007 for violations.
            const std::uint16_t code = ec == sb::error::payload_too_large ? 1009
                                       : ec == sb::error::bad_utf8        ? 1007
                                                                          : 1002;
            close(code, ec.message());
            finish("transport error");
            return;
        }
        if (!parser_->ready())
            break;
        handle_message();
        parser_->next();
        if (finished_)
            return;
    }
}

void ws_transport::handle_message()
{
    if (closing_ && parser_->message_opcode() != ws::opcode::close) {
        // Our close frame is due or sent: what the peer sends meanwhile is discarded
        // (RFC 6455 §1.4), pings included, so a session past its ping timeout or its send
        // bound does no more work for its peer. The close deadline ends it.
        return;
    }
    switch (parser_->message_opcode()) {
    case ws::opcode::ping: send_frame(ws::opcode::pong, std::string(parser_->payload())); return;
    case ws::opcode::pong: return;
    case ws::opcode::close:
        // Answer the close handshake, then end (RFC 6455 §5.5.1).
        close(1000);
        finish("transport close");
        return;
    case ws::opcode::binary:
        if (session_ && !probe_) {
            session_->on_packet(eio::packet_view{eio::packet_type::message, true, parser_->payload()});
        }
        return;
    case ws::opcode::text: {
        eio::packet_view p;
        if (eio::decode_text(parser_->payload(), p)) {
            close(1000);
            finish("parse error");
            return;
        }
        if (!session_) {
            return;
        }
        if (probe_) {
            session_->on_probe_packet(*this, p);
            return;
        }
        if (p.base64) {
            // `b<base64>` from a client that cannot send binary frames (forceBase64).
            std::string bytes;
            if (!base64::decode_append(bytes, p.data)) {
                close(1000);
                finish("parse error");
                return;
            }
            session_->on_packet(eio::packet_view{eio::packet_type::message, true, bytes});
            return;
        }
        session_->on_packet(p);
        return;
    }
    case ws::opcode::continuation: return;
    }
}

void ws_transport::finish(std::string_view reason)
{
    if (finished_) {
        return;
    }
    finished_ = true;
    if (auto s = std::exchange(session_, nullptr)) {
        s->on_websocket_closed(*this, reason);
    }
    if (!writing_) {
        if (closing_ && !close_written_) {
            flush();  // best effort: the close frame, then shutdown
        }
        else {
            abort();
        }
    }
}

// ---- writing ----------------------------------------------------------------------
// Everything queued while a write was in flight goes out in the next one, as a single
// gather-write. Frame headers and small payloads are copied into `staging`, so that
// consecutive small frames make one buffer: a writev takes at most 64 buffers, and one
// buffer per header and per payload held a write to 32 frames per reactor turn, slower
// than a busy client fills the queue (the heartbeat ping then starved behind it). Large
// payloads are written in place, shared by every recipient.

namespace {
constexpr std::size_t copy_limit = 1024;  // payloads up to this size are copied

/// Drops the first `n` bytes of `bufs`.
void drop_front(std::vector<net::const_buffer>& bufs, std::size_t n)
{
    std::size_t i = 0;
    for (; i < bufs.size() && n >= bufs[i].size(); ++i) {
        n -= bufs[i].size();
    }
    if (i < bufs.size()) {
        bufs[i] += n;
    }
    bufs.erase(bufs.begin(), bufs.begin() + static_cast<std::ptrdiff_t>(i));
}
}  // namespace

// The buffers a write is built in, this thread's (a shard runs on one thread, and flush()
// calls out to nothing that could flush another transport meanwhile). Most writes leave
// whole at once, and then nothing is kept per connection; a write the kernel takes only
// part of moves what is left into the transport's own write_buffers.
ws_transport::write_buffers& ws_transport::scratch()
{
    thread_local write_buffers w;
    return w;
}

void ws_transport::flush()
{
    if (writing_ || !sock_.is_open()) {
        return;
    }
    auto& w = scratch();
    clear(w);  // empty already, unless an exception left a write half built
    // Control frames and a close frame wait in out_ (made by send_frame() or close()).
    if (out_) {
        w.inflight_direct.swap(out_->direct);
    }
    if (active_ && session_ && !session_->queue().empty()) {
        // The queue keeps its own (small) buffer: an idle connection's next packet then
        // needs no allocation (swapping vectors left it with this one's).
        session_->queue().move_all(w.inflight);
        std::size_t bytes = 0;
        for (const auto& p : w.inflight)
            bytes += p.data->size();
        session_->take_queue_bytes(bytes);
    }
    // The session's queue was drained just above when this is its transport; a probe's
    // close must not wait for the polling queue, which it never drains.
    const bool with_close = closing_ && !close_written_;
    const std::size_t frames = w.inflight_direct.size() + w.inflight.size();
    if (frames == 0 && !with_close) {
        if (finished_ || close_written_) {
            abort();
        }
        release_if_idle();
        return;
    }
    if (b64_) {
        w.b64_frames.reserve(w.inflight.size());  // stable addresses for the buffers below
        for (const auto& p : w.inflight) {
            if (p.binary) {
                // A client without binary support (b64=1) gets `b<base64>` text frames.
                auto& s = w.b64_frames.emplace_back("b");
                base64::encode_append(s, *p.data);
            }
        }
    }
    // The staging buffer is reserved up front: `bufs` points into it.
    auto& staging = w.staging;
    auto& bufs = w.bufs;
    std::size_t staged = with_close ? out_->close_frame.size() : 0;
    auto stage_size = [](std::size_t payload) { return ws::max_header_size + (payload <= copy_limit ? payload : 0); };
    for (const auto& f : w.inflight_direct) {
        staged += stage_size(f.payload.size());
    }
    std::size_t b = 0;
    for (const auto& p : w.inflight) {
        staged += stage_size(p.binary && b64_ ? w.b64_frames[b++].size() : p.data->size());
    }
    staging.reserve(staged);
    std::size_t segment = 0;  // where the staged bytes not yet in `bufs` start
    auto cut = [&] {
        if (staging.size() > segment) {
            bufs.emplace_back(staging.data() + segment, staging.size() - segment);
            segment = staging.size();
        }
    };
    auto add = [&](ws::opcode op, std::string_view payload) {
        std::uint8_t hdr[ws::max_header_size];
        const auto n = ws::write_header(hdr, op, payload.size());
        staging.append(reinterpret_cast<const char*>(hdr), n);
        if (payload.size() <= copy_limit) {
            staging.append(payload);
        }
        else {
            cut();
            bufs.emplace_back(payload.data(), payload.size());
        }
    };
    for (const auto& f : w.inflight_direct) {
        add(f.op, f.payload);
    }
    b = 0;
    for (const auto& p : w.inflight) {
        if (!p.binary) {
            add(ws::opcode::text, *p.data);
        }
        else if (!b64_) {
            add(ws::opcode::binary, *p.data);
        }
        else {
            add(ws::opcode::text, w.b64_frames[b++]);
        }
    }
    if (with_close) {
        staging += out_->close_frame;
        close_written_ = true;
    }
    cut();

    // Written now, on the non-blocking socket (see the constructor): what the kernel takes in
    // full - nearly every write - costs the sendmsg and nothing else, where an
    // async_write made an operation, posted its completion and armed the write deadline.
    boost::system::error_code ec;
    while (!bufs.empty()) {
        const auto n = sock_.write_some(bufs, ec);
        if (ec) {
            break;
        }
        drop_front(bufs, n);
    }
    if (!ec) {
        clear(w);
        if (close_written_) {
            half_close();
        }
        else {
            release_if_idle();
        }
        return;
    }
    writing_ = true;
    if (ec != net::error::would_block && ec != net::error::try_again) {
        clear(w);
        // Finished from the shard's loop, as an async_write's failure would be: the caller
        // may be in the middle of queuing.
        net::post(sock_.get_executor(), [self = shared_from_this(), ec] { self->on_written(ec); });
        return;
    }
    // The rest waits for the socket: into this transport's own buffers (the staged bytes
    // copied, the shared payloads referenced) for an async_write under the write deadline.
    // Only the staged bytes not yet written are copied: from the first buffer into staging.
    const auto base = reinterpret_cast<std::uintptr_t>(staging.data());
    auto staged_at = [&](const net::const_buffer& buf) -> std::optional<std::size_t> {
        const auto p = reinterpret_cast<std::uintptr_t>(buf.data());
        if (p >= base && p < base + staging.size())
            return p - base;
        return std::nullopt;
    };
    std::size_t first = staging.size();
    for (const auto& buf : bufs) {
        if (const auto at = staged_at(buf)) {
            first = *at;
            break;  // the buffers into staging follow its order
        }
    }
    auto& mine = out();
    mine.staging.assign(staging, first);
    mine.bufs.clear();
    for (const auto& buf : bufs) {
        const auto at = staged_at(buf);
        mine.bufs.emplace_back(at ? mine.staging.data() + (*at - first) : buf.data(), buf.size());
    }
    mine.inflight.swap(w.inflight);
    mine.inflight_direct.swap(w.inflight_direct);
    mine.b64_frames.swap(w.b64_frames);  // the strings stay where they are (and `bufs` with them)
    clear(w);
    write_started_ = lazy_deadline::clock::now();
    deadline_.arm(write_started_ + timeouts_.write, *this, shard_.timers());
    net::async_write(sock_, mine.bufs,
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t) { self->on_written(ec); });
}

void ws_transport::clear(write_buffers& w)
{
    // The payload references go now; the buffers keep their capacity for the next write,
    // up to a bound (a burst of megabytes to one slow client should not stay with a thread).
    constexpr std::size_t keep_bytes = 256 * 1024;
    w.inflight.clear();
    w.inflight_direct.clear();
    w.b64_frames.clear();
    w.staging.clear();
    w.bufs.clear();
    if (w.staging.capacity() > keep_bytes)
        std::string().swap(w.staging);
    if (w.bufs.capacity() * sizeof(net::const_buffer) > keep_bytes)
        std::vector<net::const_buffer>().swap(w.bufs);
    if (w.inflight.capacity() * sizeof(out_packet) > keep_bytes)
        std::vector<out_packet>().swap(w.inflight);
}

void ws_transport::release_if_idle()
{
    if (out_ && out_->direct.empty() && !closing_ && session_ && session_->queue().empty()) {
        // Idle again: the write's buffers go back, all of them (a busy writer, with
        // something queued meanwhile, keeps them). A writer that wakes up again pays
        // a few small allocations, next to a syscall.
        out_.reset();
        session_->queue().compact();
    }
}

void ws_transport::on_written(const boost::system::error_code& ec)
{
    writing_ = false;
    if (out_) {
        clear(*out_);  // drop our references to shared payloads now
    }
    if (ec) {
        abort();
        finish("transport error");
        return;
    }
    if (close_written_) {
        half_close();
        return;
    }
    flush();  // what was queued while the write was in flight
}

void ws_transport::half_close()
{
    // The peer answers the close frame and hangs up, or the read fails.
    boost::system::error_code ignored;
    sock_.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    if (finished_) {
        abort();
    }
}

} // namespace sb::detail
