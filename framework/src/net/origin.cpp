#include "net/origin.hpp"

#include <algorithm>

namespace sb::detail {

namespace {

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool glob(std::string_view p, std::string_view s) noexcept
{
    // The classic wildcard walk with one backtrack point (the last star), where a star
    // covers one or more characters and never a `/`. Linear in practice: origins are short.
    constexpr auto none = std::string_view::npos;
    std::size_t pi = 0, si = 0;
    std::size_t star = none, from = 0, len = 0;  // the last star, where its cover starts, how long
    while (si < s.size()) {
        if (pi < p.size() && p[pi] == '*') {
            if (s[si] == '/') {
                return false;
            }
            star = pi++;
            from = si++;
            len = 1;
            continue;
        }
        if (pi < p.size() && lower(p[pi]) == lower(s[si])) {
            ++pi;
            ++si;
            continue;
        }
        if (star == none || from + len >= s.size() || s[from + len] == '/') {
            return false;
        }
        ++len;  // the star takes one more character; the rest of the pattern starts after it
        pi = star + 1;
        si = from + len;
    }
    return pi == p.size();
}

} // namespace

bool origin_matches(std::string_view pattern, std::string_view origin) noexcept
{
    if (origin.empty() || pattern.empty()) {
        return false;
    }
    return glob(pattern, origin);
}

bool origin_allowed(const server_options& o, std::string_view origin)
{
    if (o.allowed_origins.empty() && !o.allow_origin) {
        return true;
    }
    if (origin.empty()) {
        return true;
    }
    if (std::any_of(o.allowed_origins.begin(), o.allowed_origins.end(),
                    [&](const std::string& p) { return origin_matches(p, origin); })) {
        return true;
    }
    return o.allow_origin && o.allow_origin(origin);
}

cors_headers cors_for(const server_options& o, std::string_view origin)
{
    cors_headers c;
    const bool listing = !o.allowed_origins.empty() || o.allow_origin;
    if (listing && !origin.empty() && origin_allowed(o, origin)) {
        c.allow_origin = std::string(origin);
        c.credentials = true;
        c.vary = true;
    }
    else if (o.cors_origin == "*") {
        c.allow_origin = "*";
    }
    else if (!o.cors_origin.empty()) {
        c.allow_origin = o.cors_origin;
        c.vary = true;
    }
    return c;
}

void append_cors(std::string& head, const cors_headers& c)
{
    if (!c.allow_origin.empty()) {
        head += "Access-Control-Allow-Origin: ";
        head += c.allow_origin;
        head += "\r\n";
    }
    if (c.credentials) {
        head += "Access-Control-Allow-Credentials: true\r\n";
    }
    if (c.vary) {
        head += "Vary: Origin\r\n";
    }
}

} // namespace sb::detail
