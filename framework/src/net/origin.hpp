#pragma once
// Which pages may talk to the server (the Origin allow-list), and the CORS headers that say
// so. Pure functions of the options and the request's Origin header, shared by every place
// that answers a browser: polling and sse responses, websocket upgrades, plain EventSource
// streams, history and static files.
//
// Why an allow-list at the handshake, not only CORS headers: CORS keeps a foreign page from
// *reading* a response, but a websocket upgrade is not subject to CORS at all, and a polling
// POST is a "simple" request the browser sends with the user's cookies anyway. Refusing the
// session when the Origin is not listed is what stops cross-site use of those cookies.
#include <switchboard/options.hpp>

#include <string>
#include <string_view>

namespace sb::detail {

/** True if a request carrying `origin` (the Origin header, "" when absent) may open a
    session. No allow-list configured: every origin. A request without Origin comes from
    something that is not a browser page (a native or server-side client, curl): allowed,
    since there are no ambient cookies to protect. */
bool origin_allowed(const server_options& o, std::string_view origin);

/// `pattern` matches `origin`: exact (ASCII case-insensitive, as origins are), or with `*`
/// standing for one or more characters other than `/` (`https://*.example.com`,
/// `http://localhost:*`).
bool origin_matches(std::string_view pattern, std::string_view origin) noexcept;

/// The CORS headers for a response to a request carrying `origin`.
struct cors_headers {
    std::string allow_origin;   ///< Access-Control-Allow-Origin ("" for none)
    bool credentials = false;   ///< Access-Control-Allow-Credentials: true
    bool vary = false;          ///< Vary: Origin (the answer depends on the request's Origin)
};

/** - an allow-list is configured and `origin` is on it: that origin, with credentials, and
      `Vary: Origin` (caches must not serve one origin's answer to another);
    - otherwise `cors_origin == "*"`: a literal `*`, never with credentials (the Fetch
      standard forbids the pair, and echoing any origin with credentials would let every
      page read as the user);
    - otherwise `cors_origin` as given (and `Vary: Origin`, as Node's cors does);
    - otherwise none. */
cors_headers cors_for(const server_options& o, std::string_view origin);

/// Appends the headers as raw `Name: value\r\n` lines (for hand-written response heads).
void append_cors(std::string& head, const cors_headers& c);

} // namespace sb::detail
