#pragma once
// The Socket.IO layer of one Engine.IO session (socket.io's `Client`): decodes packets,
// connects namespaces (middleware, CONNECT/CONNECT_ERROR), routes packets to sockets,
// and closes the connection on any decode error or invalid state.
#include "engine/session.hpp"

#include <switchboard/protocol/sio_packet.hpp>

#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>
#include <string>

namespace sb::detail {

class server_impl;
class socket_impl;
class namespace_state;

class client final : public session_handler {
public:
    client(server_impl& srv, session& s);
    ~client() override;

    session& engine() noexcept { return session_; }
    server_impl& server() noexcept { return srv_; }

    void on_message(std::string_view data, bool binary) override;
    void on_close(std::string_view reason) override;

    /// Queues one Socket.IO packet (text + attachments) on the session.
    send_status send(std::span<const out_packet> packets, bool is_volatile = false)
    {
        return session_.send(packets, is_volatile);
    }
    /// Encodes and queues a packet built here (CONNECT replies, acks, errors).
    void send_packet(const sio::packet& p);

    /// A socket left its namespace (client or server initiated).
    void remove_socket(const std::string& nsp);
    /// Closes the whole connection ("forced close" unless told otherwise).
    void close(std::string_view reason = "forced close");

private:
    void on_packet(sio::packet p);
    void connect(std::string nsp, std::string auth_json);

    server_impl& srv_;
    session& session_;
    sio::decoder decoder_;
    std::map<std::string, std::shared_ptr<socket_impl>, std::less<>> sockets_;
    std::map<std::string, bool, std::less<>> connecting_;  // namespaces whose middleware runs
    boost::asio::steady_timer connect_timer_;
    bool closed_ = false;
};

} // namespace sb::detail
