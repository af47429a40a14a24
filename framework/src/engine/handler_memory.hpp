#pragma once
// Memory for one asynchronous operation at a time, held by what starts them one after
// another (a busy HTTP connection's answer writes).
//
// Without it, asio takes an operation's memory from a per-thread cache of two blocks, then
// from malloc. A shard that answers a thousand long polls in one batch has a thousand
// writes in flight at once: each went to malloc, past its per-thread cache too (callgrind,
// polling fan-out: ~300 instructions an answer for the write's operation alone). Bound to
// handler_allocator (net::bind_allocator), the operation is built in the owner's block,
// and only falls back to operator new when the block is taken or too small.
#include <cstddef>
#include <new>

namespace sb::detail {

class handler_memory {
public:
    handler_memory() = default;
    handler_memory(const handler_memory&) = delete;
    handler_memory& operator=(const handler_memory&) = delete;

    void* allocate(std::size_t size)
    {
        if (!in_use_ && size <= sizeof(storage_)) {
            in_use_ = true;
            return storage_;
        }
        return ::operator new(size);
    }
    void deallocate(void* p) noexcept
    {
        if (p == storage_) {
            in_use_ = false;
            return;
        }
        ::operator delete(p);
    }

private:
    // A gather write's operation under a coroutine's handler: 552 bytes (asio 1.81, gcc 12,
    // release). Another compiler or a sanitizer may need more: it then falls back to
    // operator new, slower but correct.
    alignas(std::max_align_t) unsigned char storage_[576];
    bool in_use_ = false;
};

template <typename T>
class handler_allocator {
public:
    using value_type = T;

    explicit handler_allocator(handler_memory& m) noexcept : memory_(&m) {}
    template <typename U>
    handler_allocator(const handler_allocator<U>& o) noexcept : memory_(o.memory_)
    {
    }

    T* allocate(std::size_t n)
    {
        static_assert(alignof(T) <= alignof(std::max_align_t), "handler_memory gives max_align_t alignment");
        return static_cast<T*>(memory_->allocate(n * sizeof(T)));
    }
    void deallocate(T* p, std::size_t) noexcept { memory_->deallocate(p); }

    template <typename U>
    bool operator==(const handler_allocator<U>& o) const noexcept
    {
        return memory_ == o.memory_;
    }

private:
    template <typename>
    friend class handler_allocator;
    handler_memory* memory_;
};

} // namespace sb::detail
