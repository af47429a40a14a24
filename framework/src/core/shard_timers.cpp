#include "core/shard_timers.hpp"

namespace sb::detail {

void shard_timers::place(std::size_t i, item it) noexcept
{
    heap_[i] = it;
    it.e->slot_ = i;
}

void shard_timers::sift_up(std::size_t i) noexcept
{
    const item it = heap_[i];
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (heap_[parent].at <= it.at) {
            break;
        }
        place(i, heap_[parent]);
        i = parent;
    }
    place(i, it);
}

void shard_timers::sift_down(std::size_t i) noexcept
{
    const item it = heap_[i];
    const std::size_t n = heap_.size();
    for (;;) {
        std::size_t child = 2 * i + 1;
        if (child >= n) {
            break;
        }
        if (child + 1 < n && heap_[child + 1].at < heap_[child].at) {
            ++child;
        }
        if (it.at <= heap_[child].at) {
            break;
        }
        place(i, heap_[child]);
        i = child;
    }
    place(i, it);
}

void shard_timers::remove_at(std::size_t i) noexcept
{
    heap_[i].e->slot_ = shard_timer::none;
    const item last = heap_.back();
    heap_.pop_back();
    if (i == heap_.size()) {
        return;
    }
    place(i, last);
    sift_down(i);
    sift_up(last.e->slot_);  // it may be smaller than its new parent, too
}

void shard_timers::schedule(shard_timer& e, clock::time_point at)
{
    if (e.slot_ != shard_timer::none) {
        remove_at(e.slot_);
    }
    heap_.push_back({at, &e});
    e.slot_ = heap_.size() - 1;
    sift_up(e.slot_);
    if (at < armed_for_) {
        arm();
    }
}

void shard_timers::cancel(shard_timer& e) noexcept
{
    if (e.slot_ != shard_timer::none) {
        remove_at(e.slot_);
    }
    // The timer stays armed for a time that may now be nobody's: it then finds nothing
    // due and re-arms for the next entry. Cheaper than re-arming on every close.
}

void shard_timers::arm()
{
    if (heap_.empty()) {
        return;
    }
    armed_for_ = heap_.front().at;
    timer_.expires_at(armed_for_);  // cancels a wait for a later time: it sees an error
    timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) {
            fire();
        }
    });
}

void shard_timers::fire()
{
    armed_for_ = clock::time_point::max();
    const auto now = clock::now();
    while (!heap_.empty() && heap_.front().at <= now) {
        shard_timer* e = heap_.front().e;
        remove_at(0);
        e->on_timer();  // may schedule it again, or close it
    }
    if (armed_for_ == clock::time_point::max()) {
        arm();
    }
}

} // namespace sb::detail
