#include "engine/http_endpoint.hpp"

#include "engine/engine_shard.hpp"
#include "engine/forward.hpp"
#include "engine/raw_engine.hpp"
#include "engine/session.hpp"
#include "engine/sse_transport.hpp"
#include "engine/client_limits.hpp"
#include "engine/socket_deadline.hpp"
#include "engine/ws_transport.hpp"
#include "core/log.hpp"
#include "net/client_address.hpp"
#include "net/origin.hpp"
#include "net/peer_address.hpp"

#include <switchboard/protocol/eio_request.hpp>
#include <switchboard/protocol/sse_frame.hpp>
#include <switchboard/protocol/ws_frame.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/assert.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <algorithm>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace sb::detail {

namespace {

plain_response engine_error(eio::request_error e)
{
    return make_plain(eio::http_status(e), "application/json", eio::error_body(e));
}

/// Answers `e`, counted as a bad request.
http_outcome refuse(engine_shard& sh, plain_response& res, eio::request_error e)
{
    sh.server().metrics().bad_requests.fetch_add(1, std::memory_order_relaxed);
    res = engine_error(e);
    return http_outcome::respond;
}

bool transport_enabled(const engine_options& o, std::string_view name)
{
    return std::find(o.transports.begin(), o.transports.end(), name) != o.transports.end();
}


/// RFC 6455 §4.2.2: the 101 answer, written by the write deadline; our own framing takes
/// the socket afterwards.
net::awaitable<bool> accept_websocket(engine_shard& sh, net::ip::tcp::socket& sock, const http_request& req)
{
    const auto key = req[http::field::sec_websocket_key];
    if (key.empty() || req[http::field::sec_websocket_version] != "13") {
        co_return false;
    }
    std::string head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Accept: ";
    head += ws::accept_key(key);
    head += "\r\n\r\n";
    socket_deadline due(sh.timers(), sock, sh.server().options().timeouts.write);
    auto [ec, n] = co_await net::async_write(sock, net::buffer(head), net::as_tuple(net::use_awaitable));
    co_return !ec && !due.expired();
}

std::shared_ptr<ws_transport> take_websocket(engine_shard& sh, net::ip::tcp::socket& sock, beast::flat_buffer& buffer,
                                             bool b64)
{
    std::string leftover(static_cast<const char*>(buffer.data().data()), buffer.size());
    buffer.consume(buffer.size());
    return std::make_shared<ws_transport>(std::move(sock), sh, b64, std::move(leftover));
}

/// The head of an `sse` stream: no length (the stream ends with the connection), no
/// caching, no proxy buffering, and CORS as for polling responses.
std::string sse_head(const server_options& o, const http_request& req)
{
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: ";
    head += sse::content_type;
    head += "\r\nCache-Control: ";
    head += sse::cache_control;
    head += "\r\nX-Accel-Buffering: ";
    head += sse::accel_buffering;
    head += "\r\nConnection: close\r\n";
    append_cors(head, cors_for(o, req[http::field::origin]));
    head += "\r\n";
    return head;
}

std::shared_ptr<sse_transport> take_sse(engine_shard& sh, net::ip::tcp::socket& sock, const http_request& req)
{
    return std::make_shared<sse_transport>(std::move(sock), sh, sse_head(sh.server().options(), req));
}

/// True when the request went to the node tagged `tag` (its socket is taken).
net::awaitable<bool> forward_elsewhere(engine_shard& sh, net::ip::tcp::socket& sock, beast::flat_buffer& buffer,
                                       http_request& req, std::string tag)
{
    if (sh.server().node_tag().empty() || req.count(forwarded_header) != 0) {
        co_return false;  // not clustered, or a second hop
    }
    const auto& opts = sh.server().options().engine;
    auto owner = co_await sh.server().node_address(std::move(tag));
    if (!owner || !co_await forward_to_owner(sock, buffer, req, *owner, std::chrono::seconds(2),
                                             opts.ping_interval + opts.ping_timeout + std::chrono::seconds(10))) {
        co_return false;
    }
    sh.server().metrics().requests_forwarded.fetch_add(1, std::memory_order_relaxed);
    co_return true;
}

} // namespace

std::optional<http_outcome> answer_engine_request(engine_shard& sh, net::ip::tcp::socket& sock,
                                                  beast::flat_buffer& buffer, http_request& req, plain_response& res,
                                                  std::shared_ptr<session>& poll, eio::request_query& q)
{
    const auto& opts = sh.server().options().engine;
    q = eio::parse_query(query_of(req.target()));
    auto fail = [&](eio::request_error e) { return refuse(sh, res, e); };

    // Order of checks as engine.io's verify() then handshake(): transport, sid, method, version.
    if (!q.transport || !transport_enabled(opts, q.transport_name)) {
        return fail(eio::request_error::unknown_transport);
    }
    if (!origin_allowed(sh.server().options(), req[http::field::origin])) {
        // A page that is not on the allow-list: no session, no upgrade, no poll (net/origin.hpp).
        return fail(eio::request_error::forbidden);
    }
    if (q.sid.empty()) {
        return std::nullopt;  // a handshake
    }
    if (const auto tag = node_tag_of_session_id(q.sid); !tag.empty() && tag != sh.server().node_tag()) {
        return std::nullopt;  // another node's session
    }
    const auto owner = shard_of_session_id(q.sid);
    if (owner < sh.server().shard_count() && owner != sh.index()) {
        sh.server().hand_over(sh.server().engine_shard_at(owner), sock, buffer, std::move(req));
        return http_outcome::handed_over;
    }
    auto s = sh.find_session(q.sid);
    if (!s) {
        return fail(eio::request_error::unknown_sid);
    }
    if (beast::websocket::is_upgrade(req)) {
        if (*q.transport != eio::transport_kind::websocket) {
            return fail(eio::request_error::bad_request);
        }
        return std::nullopt;  // the 101 is written first
    }
    if (s->transport() != *q.transport) {
        return fail(eio::request_error::bad_request);  // TRANSPORT_MISMATCH
    }
    if (*q.transport == eio::transport_kind::sse && req.method() == http::verb::get) {
        // A second stream for the session: 400, and the session closes (as overlapping polls).
        s->close("transport error");
        return fail(eio::request_error::bad_request);
    }
    if (req.method() == http::verb::get) {
        poll = std::move(s);
        return http_outcome::poll;
    }
    if (req.method() == http::verb::post) {
        if (req[http::field::content_type] == "application/octet-stream") {
            s->close("transport error");  // binary POSTs are v3 only ("invalid content")
            return fail(eio::request_error::bad_request);
        }
        auto r = s->poll_post(req.body());
        res = make_plain(r.status, "text/html", std::move(r.body));
    }
    else {
        res = make_plain(500, {}, {});
    }
    res.no_store = true;
    return http_outcome::respond;
}

net::awaitable<http_outcome> finish_engine_request(engine_shard& sh, net::ip::tcp::socket& sock,
                                                   beast::flat_buffer& buffer, http_request& req, plain_response& res,
                                                   std::shared_ptr<session>& poll, const eio::request_query& q,
                                                   const raw_engine_route* raw)
{
    // answer_engine_request checked the transport and the origin: what is left is another
    // node's session, an upgrade of a session here, or a handshake.
    const auto& opts = sh.server().options().engine;
    const bool upgrade = beast::websocket::is_upgrade(req);
    auto fail = [&](eio::request_error e) { return refuse(sh, res, e); };

    if (!q.sid.empty()) {
        if (const auto tag = node_tag_of_session_id(q.sid); !tag.empty() && tag != sh.server().node_tag()) {
            // Another node's session (no sticky sessions in the balancer): forwarded to
            // it, once. An owner that is gone is answered as an unknown session: the
            // client reconnects (and recovers, where recovery is on).
            if (co_await forward_elsewhere(sh, sock, buffer, req, std::string(tag))) {
                co_return http_outcome::upgraded;
            }
            co_return fail(eio::request_error::unknown_sid);
        }
        // answer_engine_request let through only this: an upgrade to websocket of a
        // session this shard owns.
        BOOST_ASSERT(upgrade && q.transport == eio::transport_kind::websocket);
        auto s = sh.find_session(q.sid);  // found there, and nothing ran since
        if (!s || !co_await accept_websocket(sh, sock, req)) {
            co_return fail(!s ? eio::request_error::unknown_sid : eio::request_error::bad_request);
        }
        s->attach_websocket(take_websocket(sh, sock, buffer, s->b64()));
        co_return http_outcome::upgraded;
    }

    // A handshake.
    if (req.method() != http::verb::get) {
        co_return fail(eio::request_error::bad_handshake_method);
    }
    if (*q.transport == eio::transport_kind::websocket && !upgrade) {
        co_return fail(eio::request_error::bad_request);
    }
    if (q.eio != "4") {
        co_return fail(eio::request_error::unsupported_protocol_version);
    }
    const auto& server_opts = sh.server().options();
    auto info = make_handshake(
        req, client_address(peer_address(sock), req["X-Forwarded-For"], server_opts.limits.trusted_proxies),
        server_opts.tls.has_value());
    if (opts.allow_request) {
        std::optional<request_refusal> refusal;
        try {
            refusal = co_await opts.allow_request(info);
        }
        catch (const std::exception& e) {
            log(server_opts, log_level::error, "allow_request", std::string("allow_request threw: ") + e.what(), {}, {});
            refusal = request_refusal{};
        }
        if (refusal) {
            sh.server().metrics().handshakes_refused.fetch_add(1, std::memory_order_relaxed);
            res = make_plain(eio::http_status(eio::request_error::forbidden), "application/json",
                                eio::error_body(eio::request_error::forbidden, refusal->message));
            co_return http_outcome::respond;
        }
    }
    auto& limits = sh.server().limits();
    if (const auto v = limits.admit(info.address); v != client_limits::verdict::ok) {
        sh.server().metrics().handshakes_refused.fetch_add(1, std::memory_order_relaxed);
        const auto r = client_limits::describe(v);
        res = make_plain(r.status, "application/json", eio::error_body(eio::request_error::forbidden, r.message));
        co_return http_outcome::respond;
    }
    limit_slot slot(limits, info.address);  // the session's from below on; given back if we stop first
    if (upgrade && !co_await accept_websocket(sh, sock, req)) {
        co_return fail(eio::request_error::bad_request);
    }
    auto s = std::make_shared<session>(sh, make_session_id(sh.index(), sh.server().node_tag()), *q.transport, q.b64,
                                       std::move(info));
    slot.release_to_owner();  // ~session gives it back
    if (raw) {
        attach_raw_engine(*s, *raw);
    }
    else {
        sh.server().attach_client(*s);
    }
    sh.add_session(s);
    if (upgrade) {
        s->open();
        s->attach_websocket(take_websocket(sh, sock, buffer, q.b64));
        co_return http_outcome::upgraded;
    }
    s->open();
    if (*q.transport == eio::transport_kind::sse) {
        s->attach_sse(take_sse(sh, sock, req));
        co_return http_outcome::upgraded;
    }
    poll = std::move(s);  // the open packet is queued: the first poll returns at once
    co_return http_outcome::poll;
}

plain_response poll_response(session::poll_result r)
{
    auto res = make_plain(r.status, r.status == 200 ? "text/plain; charset=UTF-8" : "application/json", std::move(r.body));
    res.no_store = true;
    return res;
}

} // namespace sb::detail
