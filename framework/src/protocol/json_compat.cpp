#include "json_compat.hpp"

#include <charconv>
#include <cstdint>

namespace sb::protocol::detail {
namespace {

bool is_digit(char c) noexcept
{
    return c >= '0' && c <= '9';
}

bool is_number_char(char c) noexcept
{
    return is_digit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/// `s` from `pos` on; empty when `pos` is past the end.
std::string_view tail(std::string_view s, std::size_t pos) noexcept
{
    return pos < s.size() ? s.substr(pos) : std::string_view{};
}

/// The value of the four hex digits that `s` starts with, or -1.
int hex4(std::string_view s) noexcept
{
    unsigned v = 0;
    if (s.size() < 4 || std::from_chars(s.data(), s.data() + 4, v, 16).ptr != s.data() + 4) {
        return -1;
    }
    return static_cast<int>(v);
}

/// A JSON integer token (`-?(0|[1-9][0-9]*)`) too large for simdjson's int64/uint64.
bool is_big_integer(std::string_view token) noexcept
{
    const std::string_view digits = token.substr(token.starts_with('-') ? 1 : 0);
    if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) {
        return false;
    }
    for (const char c : digits) {
        if (!is_digit(c)) {
            return false;
        }
    }
    const char* const end = token.data() + token.size();
    if (token.starts_with('-')) {
        std::int64_t v;
        return std::from_chars(token.data(), end, v).ec == std::errc::result_out_of_range;
    }
    std::uint64_t v;
    return std::from_chars(token.data(), end, v).ec == std::errc::result_out_of_range;
}

bool is_high_surrogate(int u) noexcept
{
    return u >= 0xd800 && u <= 0xdbff;
}

bool is_low_surrogate(int u) noexcept
{
    return u >= 0xdc00 && u <= 0xdfff;
}

/// Copies the string starting at `json[i] == '"'`; returns the index after its closing quote.
std::size_t copy_string(std::string_view json, std::size_t i, std::string& out, bool& changed)
{
    out.push_back(json[i++]);
    while (i < json.size()) {
        const char c = json[i];
        if (c == '"') {
            out.push_back(c);
            return i + 1;
        }
        if (c != '\\' || i + 1 == json.size()) {
            out.push_back(c);
            ++i;
            continue;
        }
        const int u = json[i + 1] == 'u' ? hex4(tail(json, i + 2)) : -1;
        if (is_high_surrogate(u) && tail(json, i + 6).starts_with("\\u")
            && is_low_surrogate(hex4(tail(json, i + 8)))) {
            out.append(json.substr(i, 12)); // a proper pair
            i += 12;
        }
        else if (is_high_surrogate(u) || is_low_surrogate(u)) {
            out += "\\ufffd";
            changed = true;
            i += 6;
        }
        else {
            out.append(json.substr(i, 2)); // any other escape; simdjson judges it
            i += 2;
        }
    }
    return i;
}

} // namespace

bool rewrite_for_simdjson(std::string_view json, std::string& out)
{
    out.clear();
    out.reserve(json.size() + 16);
    bool changed = false;
    std::size_t i = 0;
    while (i < json.size()) {
        const char c = json[i];
        if (c == '"') {
            i = copy_string(json, i, out, changed);
        }
        else if (c == '-' || is_digit(c)) {
            std::size_t end = i;
            while (end < json.size() && is_number_char(json[end])) {
                ++end;
            }
            const std::string_view token = json.substr(i, end - i);
            out.append(token);
            if (is_big_integer(token)) {
                out += ".0";
                changed = true;
            }
            i = end;
        }
        else {
            out.push_back(c);
            ++i;
        }
    }
    return changed;
}

} // namespace sb::protocol::detail
