#include "net/peer_address.hpp"

#include <mutex>
#include <unordered_map>

namespace sb::detail {

namespace {

// Looked up once per handshake, and only for bridged connections (a TCP socket answers
// remote_endpoint itself): a mutex is cheap enough. A stale entry for a reused fd number
// is never read by a TCP connection, and a new bridge on that number overwrites it.
std::mutex bridged_mutex;
std::unordered_map<int, std::string> bridged;

} // namespace

std::string peer_address(const boost::asio::ip::tcp::socket& s)
{
    boost::system::error_code ec;
    const auto ep = s.remote_endpoint(ec);
    if (!ec) {
        return ep.address().to_string();
    }
    std::lock_guard lock(bridged_mutex);
    auto it = bridged.find(const_cast<boost::asio::ip::tcp::socket&>(s).native_handle());
    return it != bridged.end() ? it->second : std::string();
}

void note_bridged_peer(int fd, std::string address)
{
    std::lock_guard lock(bridged_mutex);
    bridged[fd] = std::move(address);
}

void forget_bridged_peer(int fd)
{
    std::lock_guard lock(bridged_mutex);
    bridged.erase(fd);
}

} // namespace sb::detail
