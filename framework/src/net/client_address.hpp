#pragma once
// Who the client is, for per-address caps and for `socket::handshake().address`: the TCP
// peer, or, when that peer is a proxy we trust, the address the proxy says it forwarded for.
#include <string>
#include <string_view>
#include <vector>

namespace sb::detail {

/** The client's address. `peer` is the TCP peer; `forwarded_for` the X-Forwarded-For header
    ("" if absent); `trusted` the proxies whose header is believed (exact addresses).

    A peer that is not trusted is the client, whatever it claims. Otherwise the header is read
    from the right (each proxy appends the address it received from), skipping trusted
    proxies: the first address that is not one of ours is the client. A client can put
    anything at the left of the header, so reading from the left would let it pick its own
    address. A header with nothing untrusted in it gives its leftmost entry; none, the peer. */
std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<std::string>& trusted);

} // namespace sb::detail
