#pragma once
// An allocator for the operation of a wait that may stay pending for a connection's
// whole life (an idle socket's readiness wait).
//
// Asio recycles handler memory per thread: an operation gets whichever cached block is
// large enough, often one left by a much larger operation that just completed (a Beast
// HTTP read of the upgrade request, ~280 B, or a gather write). A wait that then stays
// pending for hours keeps that block. Bound to this allocator (net::bind_allocator), the
// operation is allocated at its own size instead; asio uses the recycling cache only for
// handlers whose allocator is the default std::allocator<void>.
#include <cstddef>
#include <new>

namespace sb::detail {

template <typename T>
struct exact_allocator {
    using value_type = T;

    exact_allocator() noexcept = default;
    template <typename U>
    exact_allocator(const exact_allocator<U>&) noexcept
    {
    }

    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T))); }
    void deallocate(T* p, std::size_t n) noexcept { ::operator delete(p, n * sizeof(T)); }

    template <typename U>
    bool operator==(const exact_allocator<U>&) const noexcept
    {
        return true;
    }
};

} // namespace sb::detail
