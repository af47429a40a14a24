#pragma once
// TLS (https, wss) in front of the plain HTTP path, on the shard that accepted the
// connection: the TLS handshake, then a pump between the TLS stream and one end of a local
// socket pair. The other end is served by serve_http exactly like an accepted TCP
// connection, so every transport, the hand-over between shards, and every deadline work
// unchanged over TLS. It costs a copy and two descriptors per connection; doing TLS inside
// the transports instead is the planned next step (docs/production.md "TLS").
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace sb::detail {

class worker;

/// The server's certificate chain and key (PEM files). Throws std::runtime_error with
/// OpenSSL's reason when they cannot be loaded or do not match.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const std::string& cert_file,
                                                            const std::string& key_file);

/// Serves one accepted connection over TLS.
void serve_tls(worker& w, boost::asio::ip::tcp::socket sock, boost::asio::ssl::context& tls);

} // namespace sb::detail
