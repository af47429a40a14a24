#pragma once
// The shard's timers: one asio timer for every deadline on the shard (a session's next
// ping or ping timeout, a transport's write or close deadline, an HTTP connection's wait
// for its next request, a handler that owes an ack), instead of an asio timer each (120
// bytes and, while waiting, its operation and a slot in asio's timer queue: about 200
// bytes of every idle connection; for a handler, an insert and a cancel whose aborted
// wait ran through the scheduler, per event). Owned by core's shard (core/shard.hpp).
//
// A min-heap of (due, entry). An entry is on it at most once and knows its index, so that
// a new time or a cancel moves or removes it in O(log n); the heap holds plain pointers
// because an entry takes itself out before it is destroyed. The one timer is armed for the
// earliest entry, to the asio timer's precision: clients test heartbeat timing
// (pingInterval + pingTimeout) to a few milliseconds.
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <vector>

namespace sb::detail {

class shard_timers;

/// What a connection derives from to be on the shard's timers: on_timer() runs when its
/// time comes (it is off the heap by then, and may schedule itself again).
class shard_timer {
public:
    virtual void on_timer() = 0;
    bool scheduled() const noexcept { return slot_ != none; }

protected:
    shard_timer() = default;
    ~shard_timer() = default;

private:
    friend class shard_timers;
    static constexpr std::size_t none = static_cast<std::size_t>(-1);
    std::size_t slot_ = none;
};

class shard_timers {
public:
    using clock = std::chrono::steady_clock;

    template <class Executor>
    explicit shard_timers(Executor&& ex) : timer_(std::forward<Executor>(ex))
    {
    }

    /// `e` is due at `at` (replacing any time it had).
    void schedule(shard_timer& e, clock::time_point at);
    /// `e` is due no later than `at`: left alone if it already is (then its owner looks
    /// again when it fires), else scheduled at `at`. A write starting on the hot path thus
    /// costs a compare, not a heap update.
    void schedule_by(shard_timer& e, clock::time_point at)
    {
        if (!e.scheduled() || heap_[e.slot_].at > at) {
            schedule(e, at);
        }
    }
    /// `e` is off the clock (a no-op if it was not on it).
    void cancel(shard_timer& e) noexcept;
    std::size_t size() const noexcept { return heap_.size(); }

private:
    struct item {
        clock::time_point at;
        shard_timer* e;
    };
    void place(std::size_t i, item it) noexcept;
    void sift_up(std::size_t i) noexcept;
    void sift_down(std::size_t i) noexcept;
    void remove_at(std::size_t i) noexcept;
    void arm();
    void fire();

    std::vector<item> heap_;
    boost::asio::steady_timer timer_;
    clock::time_point armed_for_ = clock::time_point::max();
};

} // namespace sb::detail
