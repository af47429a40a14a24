#pragma once
// The packets a session has queued that no transport has taken yet.
//
// A FIFO over one vector and a head index, instead of std::deque: libstdc++'s deque
// allocates a map and a 480-byte block as soon as it is constructed and keeps a block
// after it empties, which was about a tenth of an idle connection's heap. Here a queue
// allocates on its first packet, and once everything is written (`compact`) keeps at most
// `keep` packets' worth, also when `move_all` hands every packet to a writer.
#include "core/socket_sink.hpp"

#include <cstddef>
#include <vector>

namespace sb::detail {

class packet_fifo {
public:
    using iterator = std::vector<out_packet>::iterator;

    bool empty() const noexcept { return head_ == v_.size(); }
    std::size_t size() const noexcept { return v_.size() - head_; }
    out_packet& front() noexcept { return v_[head_]; }
    iterator begin() noexcept { return v_.begin() + static_cast<std::ptrdiff_t>(head_); }
    iterator end() noexcept { return v_.end(); }

    void push_back(const out_packet& p) { v_.push_back(p); }
    void pop_front()
    {
        v_[head_] = {};  // drop the payload reference now, not when the queue empties
        if (++head_ == v_.size())
            reset();
    }
    /// Removes one queued packet (conflation replaces an unsent older copy).
    void erase(iterator it)
    {
        v_.erase(it);
        if (empty())
            reset();
    }

    /// Moves every queued packet to the end of `out`, keeping this queue's buffer when it
    /// is small (recycle): the next packet of a connection that writes at once, without
    /// waiting, then needs no allocation.
    void move_all(std::vector<out_packet>& out)
    {
        for (auto it = begin(); it != end(); ++it)
            out.push_back(std::move(*it));
        reset();
        compact();
    }

    /// At an idle moment (everything written): gives back a buffer a burst left.
    void compact()
    {
        if (empty())
            recycle(v_);
    }

    /// Empties `v`, keeping its buffer only if small: a burst should not stay with an idle
    /// connection.
    static void recycle(std::vector<out_packet>& v)
    {
        v.clear();
        if (v.capacity() > keep)
            std::vector<out_packet>().swap(v);
    }

private:
    static constexpr std::size_t keep = 8;

    void reset()
    {
        head_ = 0;
        v_.clear();
    }

    std::vector<out_packet> v_;
    std::size_t head_ = 0;
};

} // namespace sb::detail
