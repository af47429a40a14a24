#include <switchboard/protocol/eio_request.hpp>

#include "js_text.hpp"

#include <array>

namespace sb::eio {
namespace {

int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}


} // namespace

namespace {

// Whether form_decode would change `in`. A loop, not find_first_of("+%"), which calls
// memchr once per character.
bool has_escapes(std::string_view in) noexcept
{
    for (const char c : in) {
        if (c == '+' || c == '%') {
            return true;
        }
    }
    return false;
}

// form_decode into `out`, reusing its storage; `escaped`: has_escapes(in), already known.
void form_decode_into(std::string& out, std::string_view in, bool escaped)
{
    // Nearly every query a client sends is plain: `EIO=4&transport=polling&t=..&sid=..`.
    if (!escaped) {
        out.assign(in);
        return;
    }
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '+') {
            out.push_back(' ');
        }
        else if (c == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(in[i + 1]) << 4 | hex_value(in[i + 2])));
            i += 2;
        }
        else {
            out.push_back(c);
        }
    }
}

} // namespace

std::string form_decode(std::string_view in)
{
    std::string out;
    form_decode_into(out, in, has_escapes(in));
    return out;
}


std::optional<transport_kind> parse_transport(std::string_view name) noexcept
{
    if (name == "polling") {
        return transport_kind::polling;
    }
    if (name == "websocket") {
        return transport_kind::websocket;
    }
    if (name == "sse") {
        return transport_kind::sse;
    }
    return std::nullopt;
}

std::string_view to_string(transport_kind t) noexcept
{
    switch (t) {
    case transport_kind::polling: return "polling";
    case transport_kind::websocket: return "websocket";
    case transport_kind::sse: return "sse";
    }
    return {};
}

namespace {

// The characters parse_query stops at; the rest of a query is skipped a table lookup at a
// time (comparing each character with the four took ~13 instructions a character).
constexpr auto query_special = [] {
    std::array<bool, 256> t{};
    for (const unsigned char c : {'&', '=', '+', '%'}) {
        t[c] = true;
    }
    return t;
}();

} // namespace

request_query parse_query(std::string_view query)
{
    if (!query.empty() && query.front() == '?') {
        query.remove_prefix(1);
    }
    request_query q;
    const char* p = query.data();
    const char* const end = p + query.size();
    while (p != end) {
        // One pass over a parameter finds its '=', its end and whether either side needs
        // decoding: a poll's query is parsed without allocating beyond the values kept,
        // and without a memchr per piece.
        const char* const start = p;
        const char* eq = nullptr;
        bool name_escaped = false;
        bool value_escaped = false;
        for (;;) {
            while (p != end && !query_special[static_cast<unsigned char>(*p)]) {
                ++p;
            }
            if (p == end || *p == '&') {
                break;
            }
            if (*p != '=') {
                (eq ? value_escaped : name_escaped) = true;  // '+' or '%'
            }
            else if (!eq) {
                eq = p;
            }
            ++p;
        }
        const std::string_view raw_name(start, static_cast<std::size_t>((eq ? eq : p) - start));
        const std::string_view raw_value =
            eq ? std::string_view(eq + 1, static_cast<std::size_t>(p - eq - 1)) : std::string_view{};
        if (p != end) {
            ++p;  // past the '&'
        }
        std::string decoded;
        std::string_view name = raw_name;
        if (name_escaped) {
            form_decode_into(decoded, raw_name, true);
            name = decoded;
        }
        if (name == "transport") {
            form_decode_into(q.transport_name, raw_value, value_escaped);
            q.transport = parse_transport(q.transport_name);
        }
        else if (name == "sid") {
            form_decode_into(q.sid, raw_value, value_escaped);
        }
        else if (name == "EIO") {
            form_decode_into(q.eio, raw_value, value_escaped);
        }
        else if (name == "b64") {
            q.b64 = !raw_value.empty(); // every encoding of a non-empty value is non-empty
        }
    }
    return q;
}

std::string_view message(request_error e) noexcept
{
    switch (e) {
    case request_error::unknown_transport: return "Transport unknown";
    case request_error::unknown_sid: return "Session ID unknown";
    case request_error::bad_handshake_method: return "Bad handshake method";
    case request_error::bad_request: return "Bad request";
    case request_error::forbidden: return "Forbidden";
    case request_error::unsupported_protocol_version: return "Unsupported protocol version";
    }
    return "Bad request";
}

unsigned http_status(request_error e) noexcept
{
    return e == request_error::forbidden ? 403 : 400;
}

std::string error_body(request_error e)
{
    return error_body(e, message(e));
}

std::string error_body(request_error e, std::string_view message)
{
    // JSON.stringify({code, message}), as abortRequest sends it.
    std::string out = R"({"code":)";
    out.push_back(static_cast<char>('0' + static_cast<int>(e)));
    out += R"(,"message":)";
    protocol::detail::append_json_string(out, message);
    out.push_back('}');
    return out;
}

} // namespace sb::eio
