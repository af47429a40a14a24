#pragma once
// The Socket.IO layer of one connection (socket.io's `Client`): decodes packets,
// connects namespaces (middleware, CONNECT/CONNECT_ERROR), routes packets to sockets,
// and closes the connection on any decode error or invalid state.
#include "core/event_log.hpp"
#include "core/small_map.hpp"
#include "core/socket_sink.hpp"

#include <switchboard/protocol/sio_packet.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::detail {

class node;
class shard;
class socket_impl;
class namespace_state;

class client final : public sink_listener {
public:
    /// The Socket.IO layer over `sink`, which lives on `sh`.
    client(node& srv, shard& sh, socket_sink& sink);
    ~client() override;

    socket_sink& sink() noexcept { return sink_; }
    node& server() noexcept { return srv_; }

    void on_message(std::string_view data, bool binary) override;
    void on_close(std::string_view reason) override;
    void on_upgrade() override;

    /// Queues one Socket.IO packet (text + attachments) on the session.
    send_status send(std::span<const out_packet> packets, bool is_volatile = false)
    {
        return sink_.send(packets, is_volatile);
    }
    /// Encodes and queues a packet built here (CONNECT replies, acks, errors).
    void send_packet(const sio::packet& p);

    /// A socket left its namespace (client or server initiated).
    void remove_socket(std::string_view nsp);
    /// Closes the whole connection ("forced close" unless told otherwise).
    void close(std::string_view reason = "forced close");

private:
    void on_packet(sio::packet p);
    void connect(std::string nsp, std::string auth_json);
    /// The rest of connect, once any kept session is found: middleware, CONNECT, replay.
    void admit_socket(std::string nsp, namespace_state* ns, boost::json::object auth,
                      std::optional<persisted_session> restored, std::uint64_t after);

    node& srv_;
    shard& shard_;
    socket_sink& sink_;
    sio::decoder decoder_;
    // Its sockets, one per namespace, found by the namespace's name (a socket knows it):
    // 16 B each, where a map keyed by a copy of the name cost 48.
    std::vector<std::shared_ptr<socket_impl>> sockets_;
    std::vector<std::shared_ptr<socket_impl>>::iterator find_socket(std::string_view nsp);
    small_map<bool> connecting_;  // namespaces whose middleware runs
    // connectTimeout, until the first namespace joins; then freed (an idle timer is
    // ~90 bytes of every connection).
    std::unique_ptr<boost::asio::steady_timer> connect_timer_;
    void end_connect_timer() noexcept { connect_timer_.reset(); }
    bool closed_ = false;
};

} // namespace sb::detail
