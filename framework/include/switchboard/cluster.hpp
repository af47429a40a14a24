#pragma once
/** @file
    What cluster-wide operations return: sockets fetched from every node, answers of
    other servers. Without a cluster adapter (`server_options::redis`) "every node" is
    this one.
*/
#include <switchboard/payload.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

#include <string>
#include <vector>

namespace sb {

/// A member of a room as presence tracks it: the socket's id and its `data` as it was
/// when it joined (what the application put there in its middleware or connect handler).
struct presence_member {
    std::string id;
    boost::json::value data;
};

/** A socket as `fetch_sockets()` sees it, on this node or another (Socket.IO's
    `RemoteSocket`). Act on it through its own room: `io.to(s.id).emit(...)`,
    `io.in(s.id).sockets_join("room")`, `io.in(s.id).disconnect_sockets()`. */
struct socket_info {
    std::string id;
    std::vector<std::string> rooms;  ///< its own room (its id) included
    boost::json::value data;         ///< `socket::data`
    /// As Node's `socket.handshake`: `headers`, `time`, `address`, `xdomain`, `secure`,
    /// `issued`, `url`, `query`, `auth` (what this node or the remote one knew).
    boost::json::object handshake;
};

/// The answer to `fetch_sockets()`.
struct fetch_result {
    std::vector<socket_info> sockets;
    /// `sb::error::timeout` when some node did not answer in time (`partial` is then
    /// true and `sockets` holds what did arrive); never a hang.
    boost::system::error_code ec;
    bool partial = false;
};

/** The answer to `server_side_emit_with_ack`: one entry per other server (its
    handler's first ack argument), `ec` = `sb::error::timeout` when some did not answer. */
struct server_ack_result {
    boost::system::error_code ec;
    std::vector<boost::json::value> responses;
    std::size_t missing = 0;
};

} // namespace sb
