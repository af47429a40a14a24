#pragma once
// The address of the peer of a connection being served. A TCP socket knows it; the plain
// end of a TLS bridge (runtime/tls_front.hpp) is a local stream socket whose peer is the
// bridge, so the bridge notes the real peer here, by descriptor, when it makes one.
#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace sb::detail {

/// The peer's IP address ("" when unknown).
std::string peer_address(const boost::asio::ip::tcp::socket& s);

/// The TLS bridge's plain end `fd` serves a peer at `address` (until forgotten or re-noted).
void note_bridged_peer(int fd, std::string address);
void forget_bridged_peer(int fd);

} // namespace sb::detail
