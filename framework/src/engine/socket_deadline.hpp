#pragma once
// A deadline for one wait, read or write on a plain socket: an entry on the shard's
// timers (core/shard_timers.hpp), held where it cannot move while the operation is
// pending (a suspended coroutine's frame, or the heap object that owns the socket).
// When due it cancels what the socket has pending (the operation
// completes with operation_aborted) and says so in expired(). No asio timer, no
// operation allocated per deadline, nothing per connection while none runs: what Beast's
// tcp_stream cost each HTTP connection (a 535-byte shared state with two timers) and each
// operation (a timer armed, then cancelled through the scheduler).
#include "core/shard_timers.hpp"

#include <boost/asio/ip/tcp.hpp>

namespace sb::detail {

class socket_deadline final : public shard_timer {
public:
    socket_deadline(shard_timers& timers, boost::asio::ip::tcp::socket& sock, shard_timers::clock::time_point at)
        : timers_(timers), sock_(sock)
    {
        timers_.schedule(*this, at);
    }
    socket_deadline(shard_timers& timers, boost::asio::ip::tcp::socket& sock, shard_timers::clock::duration in)
        : socket_deadline(timers, sock, shard_timers::clock::now() + in)
    {
    }
    socket_deadline(const socket_deadline&) = delete;
    socket_deadline& operator=(const socket_deadline&) = delete;
    ~socket_deadline() { timers_.cancel(*this); }

    bool expired() const noexcept { return expired_; }

private:
    void on_timer() override
    {
        expired_ = true;
        boost::system::error_code ignored;
        sock_.cancel(ignored);
    }
    shard_timers& timers_;
    boost::asio::ip::tcp::socket& sock_;
    bool expired_ = false;
};

} // namespace sb::detail
