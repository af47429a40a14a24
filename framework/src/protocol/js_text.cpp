#include "js_text.hpp"

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace sb::protocol::detail {

void append_json_string(std::string& out, std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    for (const char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out += "\\u00";
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 0xf]);
            }
            else {
                out.push_back(c);
            }
        }
    }
    out.push_back('"');
}

void append_js_number(std::string& out, double x)
{
    assert(std::isfinite(x));
    if (x == 0) { // also -0
        out.push_back('0');
        return;
    }
    if (x < 0) {
        out.push_back('-');
        x = -x;
    }
    // Shortest round-trip digits, as d.ddde±x; ECMA-262 then lays them out as value = s × 10^(n−k).
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
    const std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
    const std::size_t e_pos = sci.find('e');
    std::string digits;
    for (const char c : sci.substr(0, e_pos)) {
        if (c != '.') {
            digits.push_back(c);
        }
    }
    const int k = static_cast<int>(digits.size());
    std::string_view exp = sci.substr(e_pos + 1); // "+20", "-07"
    const bool negative_exp = exp.front() == '-';
    exp.remove_prefix(1);
    int e = 0;
    std::from_chars(exp.data(), exp.data() + exp.size(), e);
    const int n = (negative_exp ? -e : e) + 1;

    if (k <= n && n <= 21) {
        out += digits;
        out.append(static_cast<std::size_t>(n - k), '0');
    }
    else if (0 < n && n <= 21) {
        out.append(digits, 0, static_cast<std::size_t>(n));
        out.push_back('.');
        out.append(digits, static_cast<std::size_t>(n));
    }
    else if (-6 < n && n <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-n), '0');
        out += digits;
    }
    else {
        out.push_back(digits[0]);
        if (k > 1) {
            out.push_back('.');
            out.append(digits, 1);
        }
        out.push_back('e');
        out.push_back(n - 1 < 0 ? '-' : '+');
        out += std::to_string(std::abs(n - 1));
    }
}

} // namespace sb::protocol::detail
