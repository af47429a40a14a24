#pragma once
/** @file
    `sb::handshake_info`: the HTTP request that opened a connection, as Node's
    `socket.handshake` shows it (headers, url, address, time, secure, xdomain, query; the
    per-namespace `auth` is `socket::auth()`).
*/
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sb {

/** The handshake request of an Engine.IO session (or of a plain EventSource stream).

    Kept for the life of the connection and shared by its sockets in every namespace;
    `allow_request` sees it before any session exists. Read it on the socket's shard.
*/
struct handshake_info {
    /// Every request header as received, names in lower case, in order (a repeated header
    /// appears once per line).
    std::vector<std::pair<std::string, std::string>> headers;
    /// The request target: path and query, e.g. "/socket.io/?EIO=4&transport=polling".
    std::string url;
    /// The client's IP address: the TCP peer, or what a proxy in
    /// `limit_options::trusted_proxies` put in X-Forwarded-For ("" when unknown).
    std::string address;
    /// When the handshake arrived.
    std::chrono::system_clock::time_point issued{};
    /// The request came over TLS (`server_options::tls`).
    bool secure = false;
    /// The request carried an Origin header (Node: `!!req.headers.origin`).
    bool xdomain = false;
    /// The query parameters, percent-decoded (`+` read as a space, as URLSearchParams);
    /// a repeated name keeps its last value.
    boost::json::object query;

    /// The value of header `name` (any case), several lines joined with ", "; "" if absent.
    std::string header(std::string_view name) const;
    /// `issued` in milliseconds since the Unix epoch (Node's `handshake.issued`).
    std::int64_t issued_ms() const noexcept;
    /// `issued` as JavaScript's `Date.prototype.toString` writes it in UTC (Node's
    /// `handshake.time`), e.g. "Wed Dec 02 2026 12:36:27 GMT+0000 (Coordinated Universal Time)".
    std::string time() const;
    /// The whole handshake as Node's `socket.handshake` object (what `fetch_sockets` and
    /// the Redis adapter carry), `auth` being the socket's.
    boost::json::object to_json(const boost::json::object& auth) const;
};

} // namespace sb
