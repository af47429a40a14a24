#pragma once
// A connection's deadlines ("this write must be taken by then", "the close must be done by
// then") on one entry of the shard's timers that is set lazily: a deadline later than the
// set one is not taken, the owner looks again when it fires. A write starting on the hot
// path then costs a clock read and a compare, not a timer cancel (a completion) and a re-arm.
//
// The owner keeps its own time points and implements `on_deadline()`: it ends what is
// overdue and re-arms for the next one it still has.
#include "core/shard_timers.hpp"

#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <memory>

namespace sb::detail {

class lazy_deadline final : public shard_timer {
public:
    using clock = std::chrono::steady_clock;

    lazy_deadline() = default;
    lazy_deadline(const lazy_deadline&) = delete;
    lazy_deadline& operator=(const lazy_deadline&) = delete;
    ~lazy_deadline()
    {
        if (timers_) {
            timers_->cancel(*this);
        }
    }

    /// On the shard's timers (shard_timers.hpp), which hold no timer per connection: fires
    /// no later than `at` and then calls `owner.on_deadline()`, the owner kept alive for
    /// the call. A deadline later than the one set is not taken: the owner looks again
    /// when it fires, so a write starting on the hot path costs a compare.
    template <class Owner>
    void arm(clock::time_point at, Owner& owner, shard_timers& timers)
    {
        if (!timers_) {
            timers_ = &timers;
            owner_ = &owner;
            call_ = [](void* o) {
                auto self = static_cast<Owner*>(o)->shared_from_this();
                self->on_deadline();
            };
        }
        timers.schedule_by(*this, at);
    }

    /// What an owner's on_deadline() compares the clock with: its close deadline, or, while
    /// a write is pending, that write's, whichever comes first (max(): nothing is due).
    static clock::time_point due(clock::time_point close_by, bool writing, clock::time_point write_started,
                                 std::chrono::milliseconds write_limit) noexcept
    {
        return writing ? std::min(close_by, write_started + write_limit) : close_by;
    }

    void cancel() noexcept
    {
        if (timers_) {
            timers_->cancel(*this);
        }
    }

private:
    void on_timer() override { call_(owner_); }

    shard_timers* timers_ = nullptr;
    void* owner_ = nullptr;
    void (*call_)(void*) = nullptr;
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
