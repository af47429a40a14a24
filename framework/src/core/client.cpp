#include "core/client.hpp"

#include "core/adapter.hpp"
#include "core/admission.hpp"
#include "core/encode.hpp"
#include "core/json_parse.hpp"
#include "core/log.hpp"
#include "core/namespace_state.hpp"
#include "core/node.hpp"
#include "core/socket_impl.hpp"
#include "core/ids.hpp"
#include "core/shard.hpp"

#include <switchboard/error.hpp>

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>


namespace net = boost::asio;

namespace sb::detail {

client::client(node& srv, shard& sh, socket_sink& sink)
    : srv_(srv), shard_(sh), sink_(sink),
      decoder_(sio::decoder_options{.max_attachments = srv.options().socketio.max_attachments}),
      connect_timer_(std::make_unique<net::steady_timer>(sh.context()))
{
    // connectTimeout: a session that joins no namespace in time is closed (client.ts l.101).
    connect_timer_->expires_after(srv.options().socketio.connect_timeout);
    connect_timer_->async_wait([this, w = std::weak_ptr<void>(sink.keep_alive())](boost::system::error_code ec) {
        auto alive = w.lock();
        if (!ec && alive && !closed_ && sockets_.empty()) {
            close("forced close");
        }
    });
}

client::~client() = default;  // the timer, destroyed, cancels its wait

void client::send_packet(const sio::packet& p)
{
    std::string text = "4";
    sio::encode(text, p);
    sink_.send(with_attachments(std::move(text), p.buffers));
}

void client::on_message(std::string_view data, bool binary)
{
    if (closed_) {
        return;
    }
    const auto ec = binary ? decoder_.put_binary(data) : decoder_.put_text(data);
    if (ec) {
        // socket.io's Client.onerror: the whole connection goes (conn.close()).
        close("forced close");
        return;
    }
    while (!closed_ && decoder_.ready()) {
        on_packet(decoder_.take());
    }
}

void client::on_packet(sio::packet p)
{
    using sio::packet_type;
    if (p.type == packet_type::connect) {
        if (find_socket(p.nsp) != sockets_.end() || connecting_.contains(p.nsp)) {
            close();  // a second CONNECT: invalid state (client.ts ondecoded)
            return;
        }
        connect(std::move(p.nsp), std::move(p.data));
        return;
    }
    auto it = find_socket(p.nsp);
    if (it == sockets_.end() || p.type == packet_type::connect_error) {
        close();  // a packet for a namespace that is not connected
        return;
    }
    auto sock = *it;
    switch (p.type) {
    case packet_type::event:
    case packet_type::binary_event: sock->on_event(std::move(p)); return;
    case packet_type::ack:
    case packet_type::binary_ack: sock->on_ack(std::move(p)); return;
    case packet_type::disconnect:
        sockets_.erase(it);
        sock->on_disconnect("client namespace disconnect");
        return;
    default: return;
    }
}

void client::connect(std::string nsp, std::string auth_json)
{
    bool limited = false;
    namespace_state* ns = srv_.resolve(nsp, &limited);
    if (!ns) {
        sio::packet err{.type = sio::packet_type::connect_error, .nsp = nsp};
        // Past max_dynamic_namespaces the client hears what it would for a name nobody
        // serves (its reaction should be the same), and `data` says why.
        err.data = limited ? R"({"message":"Invalid namespace","data":{"code":"namespace_limit"}})"
                           : R"({"message":"Invalid namespace"})";
        send_packet(err);
        return;
    }
    boost::json::object auth;
    if (!auth_json.empty()) {
        boost::system::error_code ec;
        auto v = parse_checked_json(auth_json, ec);
        if (!ec && v.is_object()) {
            auth = std::move(v.as_object());
        }
    }
    // Connection state recovery: a CONNECT carrying {pid, offset} of a kept session
    // takes it back (socket.io namespace.ts _createSocket / restoreSession).
    std::optional<persisted_session> restored;
    std::uint64_t after = 0;
    const auto* pid = auth.if_contains("pid");
    const auto* offset = auth.if_contains("offset");
    if (ns->recovery() && pid && pid->is_string() && offset && offset->is_string()) {
        restored = ns->log().claim(pid->as_string(), offset->as_string(), after);
        auto& cluster = srv_.adapter();
        if (restored && cluster.numbers(*ns)) {
            cluster.drop_session(*ns, restored->pid);  // taken here: no other node may
        }
        else if (cluster.numbers(*ns)) {
            // Kept by another node (or by this one before a restart): ask the cluster.
            // The log here holds the cluster's offsets, so it can replay what was missed.
            connecting_.emplace(nsp, true);
            net::co_spawn(
                shard_.context(),
                [this, alive = sink_.keep_alive(), nsp, ns, auth = std::move(auth), guard = shard::task_guard(shard_),
                 pid = std::string(pid->as_string()),
                 offset = std::string(offset->as_string())]() mutable -> net::awaitable<void> {
                    auto kept = co_await srv_.adapter().take_session(*ns, pid);
                    std::uint64_t from = 0;
                    if (kept && !ns->log().covers(offset, from)) {
                        kept.reset();
                    }
                    connecting_.erase(nsp);
                    if (!closed_) {
                        admit_socket(std::move(nsp), ns, std::move(auth), std::move(kept), from);
                    }
                },
                net::detached);
            return;
        }
    }
    admit_socket(std::move(nsp), ns, std::move(auth), std::move(restored), after);
}

void client::admit_socket(std::string nsp, namespace_state* ns, boost::json::object auth,
                          std::optional<persisted_session> restored, std::uint64_t after)
{
    const recovery_options* recovery = ns->recovery();
    auto sock = std::make_shared<socket_impl>(*this, *ns, shard_, restored ? restored->sid : make_random_id(),
                                              std::move(auth));
    if (recovery) {
        sock->set_pid(restored ? restored->pid : make_random_id());
    }
    if (restored) {
        sock->set_recovered();
        sock->data = std::move(restored->data);
    }
    auto rooms = restored ? std::make_shared<std::vector<std::string>>(std::move(restored->rooms)) : nullptr;

    auto admit = [this, nsp, sock, rooms, after] {
        end_connect_timer();
        sockets_.push_back(sock);  // nsp is not connected (on_packet checked, connecting_ holds it)
        sock->on_connected();
        replay_result missed;
        if (rooms) {
            for (const auto& r : *rooms) {
                sock->join_room(r);
            }
            // The snapshot is taken after the rooms are joined, on this shard: what the
            // log holds up to `missed.upto` is replayed; jobs after it arrive live.
            missed = sock->ns().log().missed(after, sock->room_list());
        }
        sio::packet ok{.type = sio::packet_type::connect, .nsp = nsp};
        boost::json::object reply{{"sid", sock->id()}};
        if (!sock->pid().empty()) {
            reply["pid"] = sock->pid();
        }
        ok.data = boost::json::serialize(reply);
        send_packet(ok);
        if (rooms) {
            std::vector<std::uint64_t> offsets;
            offsets.reserve(missed.events.size());
            for (const auto& e : missed.events) {
                sink_.send(e->packets);
                offsets.push_back(e->offset);
            }
            sock->set_replayed(after, std::move(offsets), missed.upto);
        }
        if (auto* o = srv_.observer()) {
            o->connected(*sock);
        }
        if (auto& h = sock->ns().handlers().on_connection) {
            // Wrapped, so that the task is counted while it runs (a graceful stop waits for it).
            auto run = [guard = shard::task_guard(shard_), task = h(sock)]() mutable -> net::awaitable<void> {
                co_await std::move(task);
            };
            net::co_spawn(shard_.context(), std::move(run),
                          [opts = &srv_.options(), id = sock->id(), nsp_name = std::string(sock->ns().name())](
                              std::exception_ptr e) {
                if (e) {
                    try {
                        std::rethrow_exception(e);
                    }
                    catch (const std::exception& ex) {
                        log(*opts, log_level::error, "handler", std::string("the connection handler threw: ") + ex.what(),
                            id, nsp_name);
                    }
                }
            });
        }
    };
    auto& mws = ns->handlers().middlewares;
    if (mws.empty() || (restored && recovery->skip_middlewares)) {
        admit();
        return;
    }
    connecting_.emplace(nsp, true);
    auto alive = sink_.keep_alive();  // keeps this client alive while middleware runs
    net::co_spawn(
        shard_.context(),
        [this, alive, nsp, sock, ns, admit, guard = shard::task_guard(shard_)]() -> net::awaitable<void> {
            auto refusal = co_await run_middlewares(*ns, sock);
            connecting_.erase(nsp);
            if (closed_) {
                co_return;
            }
            if (refusal) {
                sio::packet err{.type = sio::packet_type::connect_error, .nsp = nsp};
                boost::json::object body{{"message", refusal->message}};
                if (!refusal->data.is_null()) {
                    body["data"] = refusal->data;
                }
                err.data = boost::json::serialize(body);
                send_packet(err);
                co_return;
            }
            admit();
        },
        net::detached);
}

auto client::find_socket(std::string_view nsp) -> std::vector<std::shared_ptr<socket_impl>>::iterator
{
    return std::find_if(sockets_.begin(), sockets_.end(), [&](const auto& s) { return s->ns().name() == nsp; });
}

void client::remove_socket(std::string_view nsp)
{
    if (auto it = find_socket(nsp); it != sockets_.end()) {
        sockets_.erase(it);
    }
}

void client::close(std::string_view reason)
{
    if (closed_) {
        return;
    }
    sink_.close(reason);  // calls on_close
}

void client::on_upgrade()
{
    if (auto* o = srv_.observer()) {
        for (auto& sock : sockets_) {
            o->upgraded(*sock);
        }
    }
}

void client::on_close(std::string_view reason)
{
    closed_ = true;
    end_connect_timer();
    auto sockets = std::move(sockets_);
    sockets_.clear();
    for (auto& sock : sockets) {
        sock->on_disconnect(reason);
    }
}

} // namespace sb::detail
