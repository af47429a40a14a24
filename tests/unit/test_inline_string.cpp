// inline_string: every length from empty to past the inline capacity, and the copies,
// moves and assignments that move an id between inline and heap storage.
#include "core/inline_string.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using sb::detail::inline_string;

namespace {

std::string text(std::size_t n)
{
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += static_cast<char>('a' + i % 26);
    }
    return s;
}

} // namespace

TEST_CASE("inline_string holds every length, inline or on the heap")
{
    for (std::size_t n = 0; n <= 40; ++n) {
        const auto s = text(n);
        inline_string v(s);
        CHECK(v.view() == s);
        CHECK(v.size() == n);
        CHECK(v.empty() == (n == 0));
        CHECK(v == s);
        CHECK(v.str() == s);
        // Inline up to the capacity: the characters are inside the object.
        const auto* p = v.view().data();
        const bool inside = p >= reinterpret_cast<const char*>(&v) && p < reinterpret_cast<const char*>(&v + 1);
        CHECK(inside == (n <= inline_string::inline_capacity));
    }
    CHECK(inline_string{}.empty());
    CHECK(inline_string{}.view() == "");
}

TEST_CASE("inline_string copies and moves keep the text and leave the source valid")
{
    for (std::size_t n : {0u, 5u, 20u, 23u, 24u, 31u}) {
        const auto s = text(n);
        inline_string a(s);

        inline_string b(a);  // copy
        CHECK(b == s);
        CHECK(a == s);
        if (n > inline_string::inline_capacity) {
            CHECK(b.view().data() != a.view().data());  // its own heap block
        }

        inline_string c(std::move(b));  // move: b is left empty, c owns the text
        CHECK(c == s);
        CHECK(b.empty());

        inline_string d("x");
        d = c;  // copy-assign over an inline value
        CHECK(d == s);
        inline_string e(text(30));
        e = std::move(d);  // move-assign over a heap value (released)
        CHECK(e == s);
        CHECK(d.empty());

        const auto& alias = e;
        e = alias;  // self-assignment
        CHECK(e == s);
        e = e.view();  // assigned from a view of itself
        CHECK(e == s);
        e = std::string_view(text(n + 10));
        CHECK(e == text(n + 10));
    }
}

TEST_CASE("inline_string in a vector survives reallocation")
{
    std::vector<inline_string> v;
    for (std::size_t n = 0; n < 60; ++n) {
        v.emplace_back(text(n % 35));
    }
    for (std::size_t n = 0; n < 60; ++n) {
        CHECK(v[n] == text(n % 35));
    }
}
