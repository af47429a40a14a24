#pragma once
// The shard's heartbeat clock: one timer for every session's next ping or ping timeout,
// instead of one asio timer per session (120 bytes and, while waiting, its operation:
// about 220 bytes of every idle connection).
//
// A min-heap of (due, session). Each session has at most one entry and knows its index,
// so that a pong (a new due time) or a close moves or removes it in O(log n); the heap
// holds plain pointers because a session takes itself out before it is destroyed.
// The one timer is armed for the earliest entry, to the asio timer's precision: clients
// test heartbeat timing (pingInterval + pingTimeout) to a few milliseconds.
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <vector>

namespace sb::detail {

class heartbeats;

/// What a session embeds to be on the clock.
class heartbeat_entry {
public:
    virtual void on_heartbeat() = 0;

protected:
    heartbeat_entry() = default;
    ~heartbeat_entry() = default;

private:
    friend class heartbeats;
    static constexpr std::size_t none = static_cast<std::size_t>(-1);
    std::size_t slot_ = none;
};

class heartbeats {
public:
    using clock = std::chrono::steady_clock;

    template <class Executor>
    explicit heartbeats(Executor&& ex) : timer_(std::forward<Executor>(ex))
    {
    }

    /// `e` is due at `at` (replacing any time it had).
    void schedule(heartbeat_entry& e, clock::time_point at);
    /// `e` is off the clock (a no-op if it was not on it).
    void cancel(heartbeat_entry& e) noexcept;
    std::size_t size() const noexcept { return heap_.size(); }

private:
    struct item {
        clock::time_point at;
        heartbeat_entry* e;
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
