#include "adapters/redis/wire/resp.hpp"

#include <algorithm>
#include <charconv>

namespace sb::redis {

namespace {

struct cursor {
    std::string_view in;
    std::size_t pos = 0;
    const limits& lim;
    const char* error = nullptr;
    bool short_input = false;

    bool fail(const char* why)
    {
        error = why;
        return false;
    }

    /// The rest of the line at `pos` (without CRLF); false if incomplete or bad.
    bool line(std::string_view& out)
    {
        const auto end = in.find("\r\n", pos);
        if (end == std::string_view::npos) {
            // A line longer than any header we accept is not going to end well.
            if (in.size() - pos > 64 * 1024) {
                return fail("header line too long");
            }
            short_input = true;
            return false;
        }
        out = in.substr(pos, end - pos);
        pos = end + 2;
        return true;
    }

    bool number(std::string_view text, std::int64_t& n)
    {
        if (text.empty()) {
            return fail("empty number");
        }
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec != std::errc{} || p != text.data() + text.size()) {
            return fail("malformed number");
        }
        return true;
    }

    /// The length of a bulk string or an array: -1 is null (v becomes null), other
    /// negatives and lengths past `max` are errors.
    bool length(std::string_view text, value& v, std::size_t& out, std::size_t max, const char* negative,
                const char* too_long)
    {
        std::int64_t n = 0;
        if (!number(text, n)) {
            return false;
        }
        v.type = value::kind::null;
        if (n == -1) {
            return true;
        }
        if (n < 0) {
            return fail(negative);
        }
        if (static_cast<std::uint64_t>(n) > max) {
            return fail(too_long);
        }
        out = static_cast<std::size_t>(n);
        v.type = value::kind::bulk;  // the caller sets the real kind
        return true;
    }

    bool read(value& v, std::size_t depth)
    {
        if (pos >= in.size()) {
            short_input = true;
            return false;
        }
        const char type = in[pos++];
        std::string_view rest;
        if (!line(rest)) {
            return false;
        }
        switch (type) {
        case '+':
            v.type = value::kind::simple;
            v.str.assign(rest);
            return true;
        case '-':
            v.type = value::kind::error;
            v.str.assign(rest);
            return true;
        case ':':
            v.type = value::kind::integer;
            return number(rest, v.integer);
        case '$': {
            std::size_t len = 0;
            if (!length(rest, v, len, lim.max_bulk, "negative bulk length", "bulk string over the limit")) {
                return false;
            }
            if (v.type == value::kind::null) {
                return true;
            }
            if (in.size() - pos < len + 2) {
                short_input = true;
                return false;
            }
            if (in[pos + len] != '\r' || in[pos + len + 1] != '\n') {
                return fail("bulk string without CRLF");
            }
            v.type = value::kind::bulk;
            v.str.assign(in.substr(pos, len));
            pos += len + 2;
            return true;
        }
        case '*': {
            std::size_t n = 0;
            if (!length(rest, v, n, lim.max_elements, "negative array length", "array over the limit")) {
                return false;
            }
            if (v.type == value::kind::null) {
                return true;
            }
            if (depth >= lim.max_depth) {
                return fail("arrays nested too deep");
            }
            // Each element takes at least 3 bytes ("+\r\n"): reserve only for what can be there.
            v.type = value::kind::array;
            v.elements.clear();
            v.elements.reserve(std::min<std::size_t>(n, (in.size() - pos) / 3 + 1));
            for (std::size_t i = 0; i < n; ++i) {
                v.elements.emplace_back();
                if (!read(v.elements.back(), depth + 1)) {
                    return false;
                }
            }
            return true;
        }
        default:
            return fail("unknown reply type");
        }
    }
};

} // namespace

bool value::retry_later() const noexcept
{
    if (!is_error()) {
        return false;
    }
    if (local) {
        return true;
    }
    const auto t = std::string_view(str);
    return t.starts_with("LOADING") || t.starts_with("BUSY") || t.starts_with("TRYAGAIN") ||
           t.starts_with("NOSCRIPT") || t.starts_with("MASTERDOWN");
}

parse_result parse(std::string_view in, value& out, const limits& lim)
{
    cursor c{in, 0, lim};
    if (c.read(out, 0)) {
        return {parse_status::done, c.pos, ""};
    }
    if (c.error) {
        return {parse_status::error, 0, c.error};
    }
    return {parse_status::need_more, 0, ""};
}

void append_command(std::string& out, std::span<const std::string_view> args)
{
    char buf[24];
    auto num = [&](char type, std::size_t n) {
        out += type;
        auto [p, ec] = std::to_chars(buf, buf + sizeof buf, n);
        out.append(buf, p);
        out += "\r\n";
    };
    num('*', args.size());
    for (auto a : args) {
        num('$', a.size());
        out += a;
        out += "\r\n";
    }
}

} // namespace sb::redis
