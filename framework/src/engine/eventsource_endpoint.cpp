#include "engine/eventsource_endpoint.hpp"

#include "core/admission.hpp"
#include "core/event_log.hpp"
#include "core/log.hpp"
#include "core/namespace_state.hpp"
#include "core/publish.hpp"
#include "core/node.hpp"
#include "core/shard.hpp"
#include "core/socket_impl.hpp"
#include "core/url_query.hpp"
#include "engine/client_limits.hpp"
#include "engine/deadline.hpp"
#include "net/client_address.hpp"
#include "net/origin.hpp"
#include "net/peer_address.hpp"
#include "core/ids.hpp"

#include <switchboard/protocol/eio_request.hpp>
#include <switchboard/protocol/sse_frame.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;

namespace sb::detail {

namespace {

http_response json_error(const http_request& req, unsigned status, std::string_view code, std::string_view message,
                         const json::value& data = nullptr)
{
    json::object body{{"code", code}, {"message", message}};
    if (!data.is_null()) {
        body["data"] = data;
    }
    auto res = make_response(req, status, "application/json", json::serialize(body));
    res.set(http::field::cache_control, "no-store");
    return res;
}

/// The stream behind an EventSource socket: a queue of SSE frames, drained by the
/// coroutine serving the request. Lives on one shard; no locks.
class eventsource_conn final : public event_stream {
public:
    eventsource_conn(net::any_io_executor ex, handshake_info handshake, std::size_t max_buffer)
        : wake_(ex), handshake_(std::move(handshake)), max_buffer_(max_buffer)
    {
    }

    struct item {
        std::shared_ptr<const std::string> frame;
        std::uint64_t offset = 0;
        std::shared_ptr<const std::string> key;
    };

    send_status push(std::shared_ptr<const std::string> frame, std::uint64_t offset,
                     const std::shared_ptr<const std::string>& key, bool is_volatile) override
    {
        if (ended_) {
            return send_status::closed;
        }
        auto& q = live_ ? queue_ : prelive_;
        if (is_volatile && (!q.empty() || bytes_ + frame->size() > max_buffer_)) {
            return send_status::dropped;
        }
        if (key) {
            // Conflation: the queued, unwritten older copy goes; the newer one is queued
            // last, so ids stay in increasing order on the wire.
            auto it = std::find_if(q.begin(), q.end(), [&](const item& i) { return i.key && *i.key == *key; });
            if (it != q.end()) {
                bytes_ -= it->frame->size();
                q.erase(it);
            }
        }
        if (bytes_ + frame->size() > max_buffer_ && !q.empty()) {
            end("send buffer full");
            return send_status::overflow;
        }
        bytes_ += frame->size();
        q.push_back(item{std::move(frame), offset, key});
        if (live_) {
            wake_.cancel();
        }
        return send_status::queued;
    }

    void end(std::string_view reason) override
    {
        if (ended_) {
            return;
        }
        ended_ = true;
        reason_ = std::string(reason);
        wake_.cancel();
    }

    const handshake_info& handshake() const noexcept override { return handshake_; }

    net::steady_timer wake_;
    handshake_info handshake_;
    std::size_t max_buffer_;
    std::size_t bytes_ = 0;
    std::deque<item> queue_;
    std::deque<item> prelive_;  // delivered before the replay was taken (see go_live)
    bool live_ = false;
    bool ended_ = false;
    std::string reason_ = "transport close";
};

/// Appends what the client missed (or a `resync`), and returns what the socket must
/// skip among the jobs still on their way (socket_impl::set_replayed).
void go_live(eventsource_conn& conn, socket_impl& sock, const std::optional<parsed_id>& last, std::string& out)
{
    auto& log = sock.ns().log();
    std::uint64_t after = 0;
    std::vector<std::uint64_t> replayed;
    replay_result r;
    if (!last) {
        r = log.history(std::nullopt, {}, false);  // just the log's position
    }
    else if (last->state != parsed_id::status::ok) {
        r = log.history(std::nullopt, {}, false);
        r.state = replay_result::status::resync;
        r.reason = "unknown epoch";
    }
    else {
        r = log.history(last->offset, sock.room_list(), true);
        after = last->offset;
    }
    if (r.state == replay_result::status::resync) {
        // Start over: the client refetches its state; ids go on from the log's position.
        sse::append_event(out, json::serialize(json::object{{"reason", r.reason}}), "resync", log.id(r.upto));
        after = r.upto;
    }
    else {
        // The replay goes out in one write, so it is bounded like a queue: past the send
        // bound the client is too far behind to catch up this way, and gets a resync
        // (and refetches its state) instead of pinning megabytes for one request.
        const auto head = out.size();
        for (const auto& e : r.events) {
            out += e->sse ? *e->sse : *make_sse_frame(e->event, e->data, log.id(e->offset));
            replayed.push_back(e->offset);
            if (out.size() - head > conn.max_buffer_) {
                out.resize(head);
                out.shrink_to_fit();
                replayed.clear();
                sse::append_event(out, json::serialize(json::object{{"reason", "too far behind"}}), "resync",
                                  log.id(r.upto));
                after = r.upto;
                break;
            }
        }
    }
    // What arrived while the connection handler ran: what the replay already carried
    // (or what a resync supersedes) goes; the rest follows the replay.
    for (auto& i : conn.prelive_) {
        if (i.offset && (i.offset <= after || std::binary_search(replayed.begin(), replayed.end(), i.offset))) {
            conn.bytes_ -= i.frame->size();
            continue;
        }
        conn.queue_.push_back(std::move(i));
    }
    conn.prelive_.clear();
    conn.live_ = true;
    sock.set_replayed(after, std::move(replayed), r.upto);
}

} // namespace

eventsource_route find_eventsource_route(node& srv, std::string_view path)
{
    eventsource_route route;
    std::string_view base;
    if (path.ends_with("/sse")) {
        base = path.substr(0, path.size() - 4);
        route.what = eventsource_route::kind::stream;
    }
    else if (path.ends_with("/history")) {
        base = path.substr(0, path.size() - 8);
        route.what = eventsource_route::kind::history;
    }
    else {
        return route;
    }
    auto* ns = srv.find_namespace(base.empty() ? std::string_view("/") : base);
    if (!ns || !ns->eventsource()) {
        return route;
    }
    if (route.what == eventsource_route::kind::history && !ns->eventsource()->history_endpoint) {
        return route;
    }
    route.ns = ns;
    return route;
}

net::awaitable<http_outcome> serve_event_stream(shard& sh, client_limits& limits, net::ip::tcp::socket& socket, const http_request& req,
                                                http_response& res, namespace_state& ns)
{
    using namespace net::experimental::awaitable_operators;
    const auto& eo = *ns.eventsource();
    const auto& opts = sh.server().options();
    if (req.method() != http::verb::get) {
        res = json_error(req, 405, "method_not_allowed", "an event stream is a GET");
        co_return http_outcome::respond;
    }
    std::optional<parsed_id> last;
    if (const auto h = req["Last-Event-ID"]; !h.empty()) {
        last = ns.log().parse_id(h);
        if (last->state == parsed_id::status::malformed) {
            // Not an id this server ever sent: a clear error rather than a silent restart.
            res = json_error(req, 400, "bad_last_event_id", "Last-Event-ID is not an id of this endpoint");
            co_return http_outcome::respond;
        }
    }
    auto info = make_handshake(
        req, client_address(peer_address(socket), req["X-Forwarded-For"], opts.limits.trusted_proxies),
        opts.tls.has_value());
    const auto query = info.query();
    json::object handshake = query;
    if (eo.handshake) {
        handshake = {};
        std::optional<connect_error> refusal;
        try {
            refusal = eo.handshake(query, handshake);
        }
        catch (const std::exception& e) {
            log(opts, log_level::error, "eventsource", std::string("the handshake decoder threw: ") + e.what(), {},
                ns.name());
            refusal = connect_error{"internal error"};
        }
        if (refusal) {
            res = json_error(req, 400, "bad_handshake", refusal->message, refusal->data);
            co_return http_outcome::respond;
        }
    }

    if (const auto v = limits.admit(info.address); v != client_limits::verdict::ok) {
        sh.server().metrics().handshakes_refused.fetch_add(1, std::memory_order_relaxed);
        const auto r = client_limits::describe(v);
        res = json_error(req, r.status, v == client_limits::verdict::shutting_down ? "shutting_down" : "limited",
                         std::string(r.message));
        co_return http_outcome::respond;
    }
    const limit_slot slot(limits, info.address);  // held while the stream runs

    auto conn = std::make_shared<eventsource_conn>(sh.executor(), std::move(info), opts.engine.max_send_buffer);
    auto sock = std::make_shared<socket_impl>(*conn, ns, sh, make_random_id(), std::move(handshake));
    if (auto refusal = co_await run_middlewares(ns, sock)) {
        res = json_error(req, 403, "forbidden", refusal->message, refusal->data);
        co_return http_outcome::respond;
    }

    sh.add_stream(conn.get());
    sock->on_connected();
    if (auto& h = ns.handlers().on_connection) {
        // The stream starts when the handler returns: it is where rooms are joined, so
        // that `open` on the client means "subscribed". What is emitted meanwhile waits.
        try {
            co_await h(sock);
        }
        catch (const std::exception& e) {
            log(opts, log_level::error, "handler", std::string("the connection handler threw: ") + e.what(), sock->id(),
                ns.name());
        }
    }
    if (!sock->is_connected() || conn->ended_) {
        sh.remove_stream(conn.get());
        sock->on_disconnect(conn->reason_);
        res = json_error(req, 403, "forbidden", "disconnected by the connection handler");
        co_return http_outcome::respond;
    }

    // The response is close-delimited (no length, no chunking): it ends with the stream.
    std::string out = "HTTP/1.1 200 OK\r\nContent-Type: ";
    out += sse::content_type;
    out += "\r\nCache-Control: ";
    out += sse::cache_control;
    out += "\r\nX-Accel-Buffering: ";
    out += sse::accel_buffering;
    out += "\r\nConnection: close\r\n";
    append_cors(out, cors_for(opts, req[http::field::origin]));
    out += "\r\n";
    sse::append_retry(out, static_cast<std::uint32_t>(eo.retry.count()));
    go_live(*conn, *sock, last, out);

    const auto heartbeat = eo.heartbeat.count() > 0 ? eo.heartbeat : opts.engine.ping_interval;
    write_clock clock;
    auto writer = [&]() -> net::awaitable<void> {
        for (;;) {
            if (out.empty()) {
                if (conn->ended_) {
                    co_return;
                }
                if (conn->queue_.empty()) {
                    conn->wake_.expires_after(heartbeat);
                    auto [ec] = co_await conn->wake_.async_wait(net::as_tuple(net::use_awaitable));
                    if (conn->ended_) {
                        co_return;
                    }
                    if (!ec && conn->queue_.empty()) {
                        sse::append_comment(out);  // heartbeat
                    }
                }
                for (const auto& i : conn->queue_) {
                    out += *i.frame;
                }
                conn->queue_.clear();
                conn->bytes_ = 0;
                if (out.empty()) {
                    continue;
                }
            }
            clock.begin();
            auto [ec, n] = co_await net::async_write(socket, net::buffer(out), net::as_tuple(net::use_awaitable));
            clock.end();
            if (ec) {
                conn->end("transport error");
                co_return;
            }
            out.clear();
        }
    };
    auto reader = [&]() -> net::awaitable<void> {
        // Nothing is expected from the client; its end (or any error) ends the stream.
        char scratch[256];
        for (;;) {
            auto [ec, n] = co_await socket.async_read_some(net::buffer(scratch), net::as_tuple(net::use_awaitable));
            if (ec) {
                conn->end("transport close");
                co_return;
            }
        }
    };
    auto watchdog = [&]() -> net::awaitable<void> {
        // A client that stops reading leaves a write pending for ever: past
        // `timeouts.write` the stream ends (and the write is cancelled).
        co_await watch_writes(socket.get_executor(), opts.timeouts.write, clock);
        sh.server().metrics().connections_timed_out.fetch_add(1, std::memory_order_relaxed);
        conn->end("transport error");
    };
    if (!conn->ended_) {
        // Named first: GCC 12 mishandles lambda temporaries inside co_await expressions.
        auto w = writer();
        auto r = reader();
        auto d = watchdog();
        co_await (std::move(w) || std::move(r) || std::move(d));
    }
    sh.remove_stream(conn.get());
    sock->on_disconnect(conn->reason_);
    boost::system::error_code ignored;
    socket.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    co_return http_outcome::upgraded;
}

http_response serve_history(const http_request& req, namespace_state& ns)
{
    const auto& eo = *ns.eventsource();
    if (req.method() != http::verb::get) {
        return json_error(req, 405, "method_not_allowed", "history is a GET");
    }
    const auto query = query_object(query_of(req.target()));
    const auto* room = query.if_contains("room");
    if (!room || room->as_string().empty()) {
        return json_error(req, 400, "bad_request", "the query needs room=<room>");
    }
    const std::string room_name(room->as_string());
    if (eo.allow_history && !eo.allow_history(room_name, query)) {
        return json_error(req, 403, "forbidden", "this room's history is not readable");
    }
    if (!ns.history_rule(room_name)) {
        return json_error(req, 404, "no_history", "this room keeps no history");
    }
    auto& log = ns.log();
    std::string_view after;
    if (const auto* a = query.if_contains("after"); a && !a->as_string().empty()) {
        after = a->as_string();
        if (log.parse_id(after).state == parsed_id::status::malformed) {
            return json_error(req, 400, "bad_after", "after=<id> is not an id of this endpoint");
        }
    }
    const auto r = log.history_after(after, room_name);
    const bool resync = r.state == replay_result::status::resync;
    const auto& reason = r.reason;
    // {"room":..,"resync":..,"last_id":..,"events":[{"id":..,"event":..,"data":..}]}
    std::string body = "{\"room\":";
    body += json::serialize(json::string(room_name));
    body += ",\"resync\":";
    body += resync ? "true" : "false";
    if (resync) {
        body += ",\"reason\":";
        body += json::serialize(json::string(reason));
    }
    body += ",\"last_id\":\"";
    body += log.id(r.upto);
    body += "\",\"events\":[";
    bool first = true;
    for (const auto& e : r.events) {
        if (!first) {
            body += ',';
        }
        first = false;
        body += "{\"id\":\"";
        body += log.id(e->offset);
        body += "\",\"event\":";
        body += json::serialize(json::string(e->event));
        body += ",\"data\":";
        body += e->data.empty() ? std::string("null") : e->data;
        body += '}';
    }
    body += "]}";
    auto res = make_response(req, 200, "application/json", std::move(body));
    res.set(http::field::cache_control, "no-store");
    return res;
}

} // namespace sb::detail
