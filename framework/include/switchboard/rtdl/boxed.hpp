#pragma once
/** @file
    `sb_rtdl::boxed<T>`: the C++ type of an `optional<T>` field whose `T` contains the
    enclosing struct by value (`struct Node { next: optional<Node> }`).
*/
#include <memory>

namespace sb_rtdl {

/** An optional held on the heap, so the struct that contains it stays a complete type.
    Copyable (deep), comparable, empty by default.
*/
template <class T>
class boxed {
public:
    boxed() = default;
    boxed(const T& v) : p_(std::make_unique<T>(v)) {}
    boxed(const boxed& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
    boxed(boxed&&) noexcept = default;
    boxed& operator=(const boxed& o)
    {
        p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
        return *this;
    }
    boxed& operator=(boxed&&) noexcept = default;
    explicit operator bool() const noexcept { return p_ != nullptr; }
    bool has_value() const noexcept { return p_ != nullptr; }
    T& operator*() const { return *p_; }
    T* operator->() const { return p_.get(); }
    T& emplace()
    {
        p_ = std::make_unique<T>();
        return *p_;
    }
    void reset() noexcept { p_.reset(); }
    friend bool operator==(const boxed& a, const boxed& b)
    {
        return a.has_value() == b.has_value() && (!a.has_value() || *a == *b);
    }

private:
    std::unique_ptr<T> p_;
};

} // namespace sb_rtdl
