#pragma once
// A string of up to 23 characters kept inside its own 24 bytes, longer ones on the heap:
// for the ids every connection carries (socket id, session id, recovery pid). They are
// 20 characters (120 random bits, as Node's base64id), past std::string's 15-character
// small buffer, so each one cost a 32-byte std::string plus a 32-byte heap block.
//
// Read it as a std::string_view; it is not a container (no append, no c_str).
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace sb::detail {

class inline_string {
public:
    static constexpr std::size_t inline_capacity = 23;

    inline_string() noexcept { raw_[last] = 0; }
    explicit inline_string(std::string_view s) { init(s); }
    inline_string(const inline_string& o) { init(o.view()); }
    inline_string(inline_string&& o) noexcept
    {
        std::memcpy(raw_, o.raw_, sizeof raw_);
        o.raw_[last] = 0;  // o no longer owns a heap block, if it had one
    }
    inline_string& operator=(const inline_string& o)
    {
        if (this != &o) {
            inline_string copy(o);
            *this = std::move(copy);
        }
        return *this;
    }
    inline_string& operator=(inline_string&& o) noexcept
    {
        if (this != &o) {
            release();
            std::memcpy(raw_, o.raw_, sizeof raw_);
            o.raw_[last] = 0;
        }
        return *this;
    }
    inline_string& operator=(std::string_view s)
    {
        inline_string copy(s);
        return *this = std::move(copy);
    }
    ~inline_string() { release(); }

    std::string_view view() const noexcept
    {
        if (on_heap()) {
            return {heap_data(), heap_size()};
        }
        return {reinterpret_cast<const char*>(raw_), raw_[last]};
    }
    operator std::string_view() const noexcept { return view(); }
    std::string str() const { return std::string(view()); }
    std::size_t size() const noexcept { return view().size(); }
    bool empty() const noexcept { return size() == 0; }

    friend bool operator==(const inline_string& a, std::string_view b) noexcept { return a.view() == b; }

private:
    // raw_[last] is the size when the characters are inline (0..23: they fill raw_ up to
    // it), or `heap` when raw_ holds a pointer and a size instead.
    static constexpr std::size_t last = 23;
    static constexpr unsigned char heap = 0xff;

    bool on_heap() const noexcept { return raw_[last] == heap; }
    const char* heap_data() const noexcept
    {
        const char* p;
        std::memcpy(&p, raw_, sizeof p);
        return p;
    }
    std::size_t heap_size() const noexcept
    {
        std::size_t n;
        std::memcpy(&n, raw_ + sizeof(char*), sizeof n);
        return n;
    }
    void init(std::string_view s)
    {
        if (s.size() <= inline_capacity) {
            std::memcpy(raw_, s.data(), s.size());
            raw_[last] = static_cast<unsigned char>(s.size());
            return;
        }
        char* p = new char[s.size()];
        std::memcpy(p, s.data(), s.size());
        const std::size_t n = s.size();
        std::memcpy(raw_, &p, sizeof p);
        std::memcpy(raw_ + sizeof p, &n, sizeof n);
        raw_[last] = heap;
    }
    void release() noexcept
    {
        if (on_heap()) {
            delete[] heap_data();
            raw_[last] = 0;
        }
    }

    alignas(sizeof(char*)) unsigned char raw_[24];
};

static_assert(sizeof(inline_string) == 24);

} // namespace sb::detail
