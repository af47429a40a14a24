#include "core/call_deadlines.hpp"

namespace sb::detail {

void call_deadlines::set(call_deadline& d, clock::time_point due)
{
    d.owner_ = this;
    d.due_ = due;
    call_deadline* after = tail_;
    while (after && after->due_ > due) {
        after = after->prev_;
    }
    d.prev_ = after;
    d.next_ = after ? after->next_ : head_;
    (d.next_ ? d.next_->prev_ : tail_) = &d;
    (after ? after->next_ : head_) = &d;
    if (due < armed_for_) {
        arm(due);
    }
}

void call_deadlines::clear(call_deadline& d) noexcept
{
    if (d.owner_ != this) {
        return;
    }
    (d.prev_ ? d.prev_->next_ : head_) = d.next_;
    (d.next_ ? d.next_->prev_ : tail_) = d.prev_;
    d.owner_ = nullptr;
    d.prev_ = d.next_ = nullptr;
    // The timer stays armed: when it fires for a deadline cleared meanwhile, it re-arms
    // for the oldest left (one wake-up per deadline length at most, not one per event).
}

void call_deadlines::arm(clock::time_point at)
{
    armed_for_ = at;
    timer_.expires_at(at);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) {
            fire();
        }
    });
}

void call_deadlines::fire()
{
    armed_for_ = clock::time_point::max();
    const auto now = clock::now();
    while (head_ && head_->due_ <= now) {
        auto& d = *head_;
        clear(d);
        d.on_deadline();  // may set or clear others
    }
    if (head_ && head_->due_ < armed_for_) {
        arm(head_->due_);
    }
}

} // namespace sb::detail
