// sb::handshake_info (switchboard/handshake.hpp). It is read off a request in the net layer
// (net/http.cpp, make_handshake).
#include "core/url_query.hpp"

#include <switchboard/handshake.hpp>
#include <switchboard/protocol/eio_request.hpp>

#include <boost/json/array.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace sb {

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

} // namespace

namespace detail {

boost::json::object query_object(std::string_view q)
{
    boost::json::object o;
    while (!q.empty()) {
        const auto amp = q.find('&');
        const auto part = q.substr(0, amp);
        q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
        if (part.empty()) {
            continue;
        }
        const auto eq = part.find('=');
        const auto key = eio::form_decode(part.substr(0, eq));
        o[key] = eq == std::string_view::npos ? std::string{} : eio::form_decode(part.substr(eq + 1));
    }
    return o;
}

} // namespace detail

boost::json::object handshake_info::query() const
{
    const std::string_view target = url;
    const auto q = target.find('?');
    return detail::query_object(q == std::string_view::npos ? std::string_view{} : target.substr(q + 1));
}

std::string handshake_info::header(std::string_view name) const
{
    std::string out;
    bool found = false;
    for (const auto& [n, v] : headers) {
        if (iequals(n, name)) {
            if (found) {
                out += ", ";
            }
            out += v;
            found = true;
        }
    }
    return out;
}

std::int64_t handshake_info::issued_ms() const noexcept
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(issued.time_since_epoch()).count();
}

std::string handshake_info::time() const
{
    const std::time_t t = std::chrono::system_clock::to_time_t(issued);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[80];
    const auto n = std::strftime(buf, sizeof buf, "%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)", &tm);
    return std::string(buf, n);
}

boost::json::object handshake_info::to_json(const boost::json::object& auth) const
{
    // Node's `headers` is IncomingMessage#headers: one key per name, repeated lines joined
    // with ", " (what `header()` returns).
    boost::json::object h;
    for (const auto& [n, v] : headers) {
        if (!h.contains(n)) {
            h[n] = header(n);
        }
    }
    boost::json::object o;
    o["headers"] = std::move(h);
    o["time"] = time();
    o["address"] = address;
    o["xdomain"] = xdomain;
    o["secure"] = secure;
    o["issued"] = issued_ms();
    o["url"] = url;
    o["query"] = query();
    o["auth"] = auth;
    return o;
}

} // namespace sb
