#pragma once
// The handler deadlines of one shard (socketio_options::handler_deadline: an ack-carrying
// event's handler must answer within it) on one asio timer. Every deadline is set to
// the same length when its event arrives, so they fall due in the order they were set:
// a FIFO (an intrusive list) where setting and clearing one are O(1). The timer is armed
// for the oldest and moved lazily: when it fires it ends what is due and re-arms for the
// oldest left. An asio timer per event was a timer-queue insert and, when the handler
// answered in time (nearly always), a cancel whose aborted wait ran through the scheduler.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

namespace sb::detail {

class call_deadlines;

/// What an event's call state derives from: on_deadline() runs when its time comes (it
/// is off the list by then). The owner clears it (call_deadlines::clear) before it dies.
class call_deadline {
public:
    virtual void on_deadline() = 0;
    bool pending() const noexcept { return owner_ != nullptr; }

protected:
    call_deadline() = default;
    ~call_deadline() = default;

private:
    friend class call_deadlines;
    call_deadlines* owner_ = nullptr;
    call_deadline* prev_ = nullptr;
    call_deadline* next_ = nullptr;
    std::chrono::steady_clock::time_point due_{};
};

class call_deadlines {
public:
    using clock = std::chrono::steady_clock;

    explicit call_deadlines(boost::asio::io_context& ctx) : timer_(ctx) {}
    call_deadlines(const call_deadlines&) = delete;
    call_deadlines& operator=(const call_deadlines&) = delete;

    /// `d` falls due at `due` (it must not be pending). Kept in order of due time: a
    /// deadline earlier than the newest (handler_deadline shortened at run time) walks back.
    void set(call_deadline& d, clock::time_point due);
    /// `d` is off the list (a no-op if it is not on it).
    void clear(call_deadline& d) noexcept;
    bool empty() const noexcept { return head_ == nullptr; }

private:
    void arm(clock::time_point at);
    void fire();

    call_deadline* head_ = nullptr;
    call_deadline* tail_ = nullptr;
    boost::asio::steady_timer timer_;
    clock::time_point armed_for_ = clock::time_point::max();
};

} // namespace sb::detail
