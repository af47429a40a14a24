#include "runtime/http_connection.hpp"

#include "engine/eventsource_endpoint.hpp"
#include "engine/exact_allocator.hpp"
#include "engine/handler_memory.hpp"
#include "engine/http_endpoint.hpp"
#include "engine/engine_shard.hpp"
#include "core/shard_timers.hpp"
#include "engine/socket_deadline.hpp"
#include "net/origin.hpp"
#include "net/static_files.hpp"
#include "runtime/parked_connection.hpp"
#include "runtime/server_impl.hpp"
#include "runtime/worker.hpp"

#include <switchboard/protocol/eio_request.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <fstream>
#include <span>
#include <tuple>
#include <unistd.h>
#include <utility>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace sb::detail {

namespace {

/** Sends `size` bytes of the file at `path` after its header, `static_chunk_size` at a time:
    one piece in memory per download, and the shard serves others between pieces. Each
    write has the write deadline. A file that shrank since its Content-Length was written
    cannot be answered correctly any more: the connection is closed (an error). */
net::awaitable<boost::system::error_code> stream_file(shard_timers& timers, net::ip::tcp::socket& sock,
                                                      const std::string& path, std::uint64_t size,
                                                      std::chrono::milliseconds write_timeout)
{
    std::ifstream in(path, std::ios::binary);
    std::string piece(std::min<std::uint64_t>(size, static_chunk_size), '\0');
    while (size > 0) {
        in.read(piece.data(), static_cast<std::streamsize>(std::min<std::uint64_t>(size, piece.size())));
        const auto n = static_cast<std::size_t>(in.gcount());
        if (n == 0) {
            co_return make_error_code(boost::system::errc::io_error);
        }
        socket_deadline due(timers, sock, write_timeout);
        auto [ec, written] = co_await net::async_write(sock, net::buffer(piece.data(), n), net::as_tuple(net::use_awaitable));
        if (due.expired()) {
            co_return make_error_code(net::error::timed_out);
        }
        if (ec) {
            co_return ec;
        }
        size -= n;
    }
    co_return boost::system::error_code{};
}

std::string metrics_text(server_impl& srv)
{
    auto& m = srv.metrics();
    std::string out;
    auto line = [&](std::string_view name, std::string_view help, std::uint64_t v) {
        out += "# HELP switchboard_";
        out += name;
        out += ' ';
        out += help;
        out += "\n# TYPE switchboard_";
        out += name;
        out += " counter\nswitchboard_";
        out += name;
        out += ' ';
        out += std::to_string(v);
        out += '\n';
    };
    line("sessions_opened_total", "Engine.IO sessions opened", m.sessions_opened.load());
    line("sessions_closed_total", "Engine.IO sessions closed", m.sessions_closed.load());
    line("packets_received_total", "Engine.IO packets received", m.packets_received.load());
    line("events_dispatched_total", "Socket.IO events dispatched to handlers", m.events_dispatched.load());
    line("broadcasts_total", "broadcasts emitted", m.broadcasts.load());
    line("volatile_dropped_total", "volatile packets dropped for clients that were behind", m.volatile_dropped.load());
    line("slow_client_disconnects_total", "sessions closed because their send buffer was full",
         m.slow_client_disconnects.load());
    line("connections_timed_out_total", "connections cut because a write or a close passed its deadline",
         m.connections_timed_out.load());
    line("handshakes_refused_total", "sessions and streams refused by the connection caps or the handshake rate",
         m.handshakes_refused.load());
    line("bad_requests_total", "Engine.IO requests refused", m.bad_requests.load());
    line("requests_forwarded_total", "polling, sse and upgrade requests forwarded to the node owning their session",
         m.requests_forwarded.load());
    if (srv.clustered()) {
        auto& c = srv.cluster();
        line("cluster_published_total", "messages published to the other nodes", c.published.load());
        line("cluster_received_total", "messages from other nodes acted on", c.received.load());
        line("cluster_publish_dropped_total", "messages for other nodes dropped while the bus was down",
             c.publish_dropped.load());
        line("cluster_bad_messages_total", "undecodable or oversized bus messages dropped", c.bad_messages.load());
        line("cluster_reconnects_total", "reconnections of the bus subscriber", c.reconnects.load());
        line("cluster_request_timeouts_total", "cluster requests answered partially (a node did not answer)",
             c.request_timeouts.load());
        line("cluster_durable_dropped_total", "numbered events dropped (durable queue full, or refused by Redis)",
             c.durable_dropped.load());
        line("cluster_durable_holes_total", "numbered events a node never received (its stream was trimmed or lost)",
             c.durable_holes.load());
        line("cluster_sessions_unsaved_total", "session writes skipped while Redis was down", c.sessions_unsaved.load());
        out += "# HELP switchboard_cluster_durable_waiting numbered events waiting for Redis\n"
               "# TYPE switchboard_cluster_durable_waiting gauge\nswitchboard_cluster_durable_waiting ";
        out += std::to_string(c.durable_waiting.load());
        out += '\n';
        out += "# HELP switchboard_cluster_leader 1 while this node holds the cluster lease (server::leads)\n"
               "# TYPE switchboard_cluster_leader gauge\nswitchboard_cluster_leader ";
        out += std::to_string(c.leader.load());
        out += '\n';
        out += "# HELP switchboard_cluster_connected 1 while the bus subscriber is connected\n"
               "# TYPE switchboard_cluster_connected gauge\nswitchboard_cluster_connected ";
        out += std::to_string(c.connected.load());
        out += '\n';
    }
    return out;
}

/// 0 when the request's Transfer-Encoding (all its header lines together) is absent or
/// just "chunked"; 400 when its last coding is not chunked; 501 for other codings.
unsigned unsupported_transfer_coding(const http_request& req)
{
    std::string all;
    for (auto [it, end] = req.equal_range(http::field::transfer_encoding); it != end; ++it) {
        if (!all.empty()) {
            all += ',';
        }
        all.append(it->value().data(), it->value().size());
    }
    if (all.empty()) {
        return 0;
    }
    std::vector<std::string> codings;
    for (auto token : http::token_list{all}) {
        std::string c(token.data(), token.size());
        for (auto& ch : c) {
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        }
        codings.push_back(std::move(c));
    }
    if (codings.empty() || codings.back() != "chunked") {
        return 400;
    }
    return codings.size() == 1 ? 0 : 501;
}

/// Compares in time that does not depend on where the strings differ.
bool same_secret(std::string_view a, std::string_view b) noexcept
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    }
    return diff == 0;
}

void add_cors(const server_options& o, const http_request& req, http_response& res)
{
    const auto c = cors_for(o, req[http::field::origin]);
    if (!c.allow_origin.empty()) {
        res.set(http::field::access_control_allow_origin, c.allow_origin);
    }
    if (c.credentials) {
        res.set(http::field::access_control_allow_credentials, "true");
    }
    if (c.vary) {
        res.set(http::field::vary, "Origin");
    }
}

/// Whether `target` is an Engine.IO request, and for which endpoint: nullopt when it is
/// not one (no query, or a client file); nullptr for the Socket.IO endpoint; else the
/// plain Engine.IO path's route.
std::optional<const raw_engine_route*> engine_route(worker& sh, const server_options& opts, std::string_view target,
                                                    std::string_view path)
{
    if (query_of(target).empty()) {
        return std::nullopt;
    }
    if (path.starts_with(opts.path) && !serves_client_file(opts, path)) {
        return nullptr;
    }
    if (const auto* raw = sh.server().raw_engine_for(path)) {
        return raw;
    }
    return std::nullopt;
}

enum class arrival { bytes, nothing_yet, closed };

/// What the client has sent so far, without waiting, appended to `buffer`: through the
/// shard's receive buffer, so that a try that finds nothing allocates nothing. The socket
/// is in non-blocking mode (serve_http); a busy connection finds its next request here,
/// as Beast's own first read would have, and makes no other call.
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

using request_parser = http::request_parser<http::string_body>;

/// The bounds of a request, and eager: a body is parsed as its bytes come.
void bound(request_parser& parser, const server_options& opts)
{
    parser.body_limit(opts.engine.max_payload);
    parser.header_limit(16 * 1024);
    parser.eager(true);
}

/// The request read_available() saw, when it came whole (most do): parsed here, without
/// read_request's coroutine frame (~850 B, with the parser in it) and its suspension
/// machinery. false leaves `buffer` as it was, for read_request to parse from the start:
/// a request not all here yet, or one it must refuse.
bool take_whole_request(worker& sh, beast::flat_buffer& buffer, http_request& req)
{
    request_parser parser;
    bound(parser, sh.server().options());
    boost::system::error_code ec;
    const auto used = parser.put(buffer.data(), ec);
    if (ec || !parser.is_done()) {
        return false;
    }
    buffer.consume(used);
    req = parser.release();
    return true;
}

/// Reads the request whose first bytes read_available() saw, by `deadline` (its own
/// coroutine, called after the wait: the parser is in a frame only while a request is
/// read) into `req`. false: close the connection (an error, a timeout, or an oversize
/// body, answered 413 first as engine.io does).
net::awaitable<bool> read_request(worker& sh, net::ip::tcp::socket& sock, beast::flat_buffer& buffer,
                                  shard_timers::clock::time_point deadline, http_request& req)
{
    const auto& opts = sh.server().options();
    request_parser parser;
    // Parse what read_available() has read first, without Beast's read operation, its
    // timer and the post with which it completes when it did not have to read.
    bound(parser, opts);
    // Also the deadline of the 413 written below.
    socket_deadline due(sh.engine().timers(), sock, deadline);
    boost::system::error_code ec;
    buffer.consume(parser.put(buffer.data(), ec));
    if (ec == http::error::need_more) {
        ec = {};  // a header (or a chunk's header) is not all here yet
    }
    if (!ec && !parser.is_done()) {  // (a body cut short is not need_more: put() took it all)
        std::tie(ec, std::ignore) = co_await http::async_read(sock, buffer, parser, net::as_tuple(net::use_awaitable));
    }
    if (due.expired()) {
        co_return false;
    }
    if (ec == http::error::body_limit) {
        // engine.io answers an oversize POST with 413 and keeps the session.
        http_request head = parser.release();
        auto res = make_response(head, 413, {}, {});
        res.keep_alive(false);
        add_cors(opts, head, res);
        co_await http::async_write(sock, res, net::as_tuple(net::use_awaitable));
        co_return false;
    }
    if (ec) {
        co_return false;
    }
    req = parser.release();
    co_return true;
}

/// What run() does after a request was answered.
enum class next_step {
    keep_alive,  ///< read the next request
    close,       ///< shut the connection down
    gone,        ///< the socket belongs to a websocket, an event stream, or another shard now
};

/// Every answer but the Engine.IO endpoint's (which run() writes itself: it is the one a
/// long-polling client waits in, and this coroutine's frame, with a response, a file
/// reply and a serializer in it, would be held by every parked GET).
net::awaitable<next_step> serve_other(worker& sh, net::ip::tcp::socket& sock, const http_request& req)
{
    const auto& opts = sh.server().options();
    auto& timers = sh.engine().timers();
    // RFC 9112 §6.1 and §6.3: a request whose last transfer coding is not chunked has
    // no knowable length, and what follows must not be read as the next request
    // (request smuggling behind a proxy): 400 and close. Codings other than chunked
    // are not implemented: 501 and close.
    if (auto te = unsupported_transfer_coding(req)) {
        auto bad = make_response(req, te, "text/plain", te == 400 ? "bad Transfer-Encoding\n"
                                                                  : "transfer coding not implemented\n");
        bad.keep_alive(false);
        socket_deadline due(timers, sock, opts.timeouts.write);
        co_await http::async_write(sock, bad, net::as_tuple(net::use_awaitable));
        co_return next_step::close;
    }

    const auto path = path_of(req.target());
    http_response res;
    file_reply file;  // a static file too large to hold: its body is streamed below
    if (req.method() == http::verb::options && !origin_allowed(opts, req[http::field::origin])) {
        res = make_response(req, 403, "application/json", eio::error_body(eio::request_error::forbidden));
    }
    else if (req.method() == http::verb::options) {
        res = make_response(req, 204, {}, {});
        res.set(http::field::access_control_allow_methods, "GET, POST, OPTIONS");
        res.set(http::field::access_control_allow_headers, "content-type");
    }
    else if (path == "/healthz") {
        // 503 while draining, so that a balancer sends new clients elsewhere.
        res = sh.server().stopping() ? make_response(req, 503, "text/plain", "draining\n")
                                     : make_response(req, 200, "text/plain", "ok\n");
    }
    else if (!opts.metrics_path.empty() && path == opts.metrics_path) {
        if (!opts.metrics_token.empty() && !same_secret(req[http::field::authorization], "Bearer " + opts.metrics_token)) {
            res = make_response(req, 401, "text/plain", "metrics need Authorization: Bearer <token>\n");
            res.set(http::field::www_authenticate, "Bearer");
        }
        else {
            res = make_response(req, 200, "text/plain; version=0.0.4", metrics_text(sh.server()));
        }
    }
    else if (auto es = find_eventsource_route(sh.server(), path); es.ns) {
        // Plain EventSource endpoints (core's namespace_::eventsource).
        if (!origin_allowed(opts, req[http::field::origin])) {
            res = make_response(req, 403, "application/json",
                                R"({"error":"forbidden","message":"this origin may not connect"})");
        }
        else if (es.what == eventsource_route::kind::stream) {
            if (co_await serve_event_stream(sh.core(), sh.server().limits(), sock, req, res, *es.ns) !=
                http_outcome::respond) {
                co_return next_step::gone;
            }
        }
        else {
            res = serve_history(req, *es.ns);
        }
    }
    else {
        file = serve_file(opts, req);
        res = std::move(file.res);
    }
    add_cors(opts, req, res);
    boost::system::error_code wec;
    {
        socket_deadline due(timers, sock, opts.timeouts.write);
        if (req.method() == http::verb::head || !file.stream_path.empty()) {
            // The header a GET would get (Content-Length included), and no body: a body
            // here would be read by a proxy as the start of the next response.
            http::response_serializer<http::string_body> sr{res};
            std::tie(wec, std::ignore) = co_await http::async_write_header(sock, sr, net::as_tuple(net::use_awaitable));
        }
        else if (!res.chunked()) {
            // Head and body in one gather write (net/http.hpp: response_head).
            const auto head = response_head(res);
            const std::array<net::const_buffer, 2> bufs{net::buffer(head), net::buffer(res.body())};
            std::tie(wec, std::ignore) = co_await net::async_write(sock, bufs, net::as_tuple(net::use_awaitable));
        }
        else {
            std::tie(wec, std::ignore) = co_await http::async_write(sock, res, net::as_tuple(net::use_awaitable));
        }
        if (due.expired()) {
            wec = make_error_code(net::error::timed_out);
        }
    }
    if (!wec && req.method() != http::verb::head && !file.stream_path.empty()) {
        wec = co_await stream_file(timers, sock, file.stream_path, file.stream_size, opts.timeouts.write);
    }
    co_return wec || !res.keep_alive() ? next_step::close : next_step::keep_alive;
}

/// The largest poll body a busy connection keeps for its next answer: a poll's usual
/// few messages (8 small ones are ~700 B), not a full max_payload. A busy poller holds
/// it while it waits, beside the frame's ~650 B of head and write memory.
constexpr std::size_t max_spare_body = 2 * 1024;

/** The connection's loop: read a request, answer it, again. Its frame is held for the
    connection's life (by a parked long-polling GET among others), so it keeps only what
    the Engine.IO answer needs; reading and the other answers are coroutines of their own. */
net::awaitable<void> run(worker& sh, net::ip::tcp::socket sock, beast::flat_buffer buffer,
                         std::optional<http_request> pending, bool busy)
{
    const auto& opts = sh.server().options();
    std::string head;   // each answer's, its capacity kept while the connection is busy
    std::string spare;  // the last poll answer's body, whose storage the next one takes
    handler_memory write_memory;  // each answer's write operation
    for (;;) {
        http_request req;
        if (pending) {
            req = std::move(*pending);
            pending.reset();
        }
        else {
            if (buffer.size() == 0) {
                const auto got = read_available(sh, sock, buffer);
                if (got == arrival::closed) {
                    break;  // by the client, or reset
                }
                if (got == arrival::nothing_yet) {
                    // Between requests the connection waits without this frame.
                    park_idle(sh, std::move(sock), shard_timers::clock::now() + opts.timeouts.http_read, busy);
                    co_return;
                }
            }
            // A request has this long from its first bytes to its last.
            const auto deadline = shard_timers::clock::now() + opts.timeouts.http_read;
            if (!take_whole_request(sh, buffer, req) && !co_await read_request(sh, sock, buffer, deadline, req)) {
                break;
            }
            // The buffer stays for the next request. A waiting poll that parks leaves with
            // this frame, buffer included; one that waits here (wait_poll) is busy, and
            // freeing the buffer cost it an allocation and a free per poll.
        }

        const auto route = req.method() == http::verb::options || unsupported_transfer_coding(req)
                               ? std::nullopt
                               : engine_route(sh, opts, req.target(), path_of(req.target()));
        if (!route) {
            const auto step = co_await serve_other(sh, sock, req);
            if (step == next_step::gone) {
                co_return;
            }
            if (step == next_step::close) {
                break;
            }
            continue;
        }
        plain_response reply;
        {
            std::shared_ptr<session> poll;
            eio::request_query query;
            auto outcome = answer_engine_request(sh.engine(), sock, buffer, req, reply, poll, query);
            if (!outcome) {
                outcome = co_await finish_engine_request(sh.engine(), sock, buffer, req, reply, poll, query, *route);
            }
            if (*outcome == http_outcome::poll) {
                auto now = poll->try_poll(std::move(spare));
                if (!now && busy) {
                    const auto parked = shard_timers::clock::now();
                    co_await wait_poll(*poll);
                    now = poll->poll_answer(std::move(spare));
                    busy = shard_timers::clock::now() - parked < busy_wait;
                }
                if (!now) {
                    // The long poll waits without this frame, its connection held by the
                    // session until its answer is due.
                    poll->park_poll(make_parked_poll(
                        sh, std::move(sock), req.version(), req.keep_alive(), cors_for(opts, req[http::field::origin]),
                        std::string(static_cast<const char*>(buffer.data().data()), buffer.size())));
                    co_return;
                }
                reply = poll_response(std::move(*now));
            }
            else if (*outcome != http_outcome::respond) {
                co_return;  // the socket belongs to a websocket, an event stream, or another shard now
            }
        }
        // Head and body in one gather write; no body for a HEAD request.
        plain_head_into(head, req.version(), req.keep_alive(), reply, cors_for(opts, req[http::field::origin]));
        const bool body = req.method() != http::verb::head && !reply.body.empty();
        const std::array<net::const_buffer, 2> bufs{net::buffer(head), net::buffer(reply.body)};
        socket_deadline due(sh.engine().timers(), sock, opts.timeouts.write);
        auto [wec, n] = co_await net::async_write(
            sock, std::span(bufs.data(), body ? 2 : 1),
            net::bind_allocator(handler_allocator<void>(write_memory), net::as_tuple(net::use_awaitable)));
        if (wec || due.expired() || !req.keep_alive()) {
            break;
        }
        if (reply.body.capacity() <= max_spare_body) {
            spare = std::move(reply.body);
        }
    }
    boost::system::error_code ignored;
    sock.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
}

} // namespace

void serve_http(worker& sh, net::ip::tcp::socket sock, std::string leftover, std::optional<http_request> pending)
{
    boost::system::error_code ignored;
    sock.set_option(net::ip::tcp::no_delay(true), ignored);
    sock.non_blocking(true, ignored);  // read_available reads what is there without blocking
    beast::flat_buffer buffer;
    if (!leftover.empty()) {
        auto b = buffer.prepare(leftover.size());
        std::memcpy(b.data(), leftover.data(), leftover.size());
        buffer.commit(leftover.size());
    }
    net::co_spawn(sh.context(), run(sh, std::move(sock), std::move(buffer), std::move(pending), false),
                  net::detached);
}

void resume_http(worker& sh, net::ip::tcp::socket sock, beast::flat_buffer buffer, bool busy)
{
    net::co_spawn(sh.context(), run(sh, std::move(sock), std::move(buffer), std::nullopt, busy), net::detached);
}

void hand_over(worker& target, net::ip::tcp::socket& sock, beast::flat_buffer& buffer, http_request req)
{
    boost::system::error_code ec;
    // A TLS bridge's plain end (runtime/tls_front.hpp) is a local socket: no TCP endpoint,
    // but it moves between shards the same way.
    const auto local = sock.local_endpoint(ec);
    const auto protocol = ec ? net::ip::tcp::v4() : local.protocol();
    ec.clear();
    const int fd = sock.release(ec);
    if (ec) {
        return;
    }
    std::string leftover(static_cast<const char*>(buffer.data().data()), buffer.size());
    // The descriptor in flight is closed if the target never takes it: its loop already
    // stopped (a drain ends each shard on its own), or assign() fails.
    struct owned_fd {
        int fd;
        explicit owned_fd(int f) noexcept : fd(f) {}
        owned_fd(owned_fd&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
        owned_fd(const owned_fd&) = delete;
        ~owned_fd()
        {
            if (fd >= 0) {
                ::close(fd);
            }
        }
    };
    net::post(target.context(), [&target, fd = owned_fd(fd), protocol, leftover = std::move(leftover),
                                 req = std::move(req)]() mutable {
        net::ip::tcp::socket s(target.context());
        boost::system::error_code aec;
        s.assign(protocol, fd.fd, aec);
        if (!aec) {
            fd.fd = -1;  // the socket has it now
            serve_http(target, std::move(s), std::move(leftover), std::move(req));
        }
    });
}

} // namespace sb::detail
