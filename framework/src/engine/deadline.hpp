#pragma once
// A connection's deadlines ("this write must be taken by then", "the close must be done by
// then") on one timer that is armed lazily: a deadline later than the armed one is not
// re-armed, the owner looks again when the timer fires. A write starting on the hot path
// then costs a clock read and a compare, not a timer cancel (a completion) and a re-arm.
//
// The owner keeps its own time points and implements `on_deadline()`: it ends what is
// overdue and re-arms for the next one it still has.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <memory>

namespace sb::detail {

class lazy_deadline {
public:
    using clock = std::chrono::steady_clock;

    /// The timer fires no later than `at` and then calls `owner.on_deadline()`, unless the
    /// owner is gone. The owner is only referenced (weak_from_this) when the timer really
    /// is re-armed: the common call, from a write starting, touches no reference count.
    ///
    /// The timer itself (120 bytes, and its pending wait) exists only while armed: it is
    /// made here and freed once it fires with nothing left to watch, so an idle connection
    /// carries none. That costs one allocation per write timeout of a busy connection.
    template <class Owner>
    void arm(clock::time_point at, Owner& owner, const boost::asio::any_io_executor& ex)
    {
        if (armed_ && timer_->expiry() <= at) {
            return;
        }
        if (!timer_) {
            timer_ = std::make_unique<boost::asio::steady_timer>(ex);
        }
        armed_ = true;
        timer_->expires_at(at);
        timer_->async_wait([this, w = owner.weak_from_this()](boost::system::error_code ec) {
            if (ec) {
                return;  // re-armed earlier, cancelled, or the owner is being destroyed
            }
            if (auto o = w.lock()) {
                armed_ = false;
                o->on_deadline();
                if (!armed_) {
                    timer_.reset();  // its handler is this one, already off the timer
                }
            }
        });
    }

    /// What an owner's on_deadline() compares the clock with: its close deadline, or, while
    /// a write is pending, that write's, whichever comes first (max(): nothing is due).
    static clock::time_point due(clock::time_point close_by, bool writing, clock::time_point write_started,
                                 std::chrono::milliseconds write_limit) noexcept
    {
        return writing ? std::min(close_by, write_started + write_limit) : close_by;
    }

    void cancel()
    {
        armed_ = false;
        if (timer_) {
            timer_->cancel();
        }
    }

private:
    std::unique_ptr<boost::asio::steady_timer> timer_;
    bool armed_ = false;
};

/// One coroutine writer, as a watchdog sees it: begin() before each write, end() after.
struct write_clock {
    bool writing = false;
    lazy_deadline::clock::time_point started{};
    void begin() noexcept
    {
        writing = true;
        started = lazy_deadline::clock::now();
    }
    void end() noexcept { writing = false; }
};

/** For writers that are coroutines (the plain EventSource stream, the TLS pump): returns
    once a write of `c` has been pending for `limit`; the caller then ends the connection.
    Run it beside the writer in an `||`, which cancels it when the writer ends first. Wakes
    once per `limit` while idle, not per write. */
boost::asio::awaitable<void> watch_writes(const boost::asio::any_io_executor& ex, std::chrono::milliseconds limit,
                                          const write_clock& c);

} // namespace sb::detail
