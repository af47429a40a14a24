#pragma once
/** @file
    `sb::handshake_info`: the HTTP request that opened a connection, as Node's
    `socket.handshake` shows it (headers, url, address, time, secure, xdomain, query; the
    per-namespace `auth` is `socket::auth()`).
*/
#include <boost/json/object.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>

namespace sb {

/** A request's header lines, in order, each a (name, value) pair of string views.

    Kept in one buffer: a connection holds its handshake for its whole life, and a string
    per name and per value (with a pair and a vector slot each) was ~400 B of every idle
    connection with a handful of headers, more with a browser's.
    `for (auto [name, value] : headers)` reads it; the views live as long as the list.
*/
class header_list {
public:
    using value_type = std::pair<std::string_view, std::string_view>;

    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = header_list::value_type;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = value_type;

        iterator() = default;
        value_type operator*() const noexcept
        {
            const auto n = length(p_);
            const auto v = length(p_ + 4 + n);
            return {std::string_view(p_ + 4, n), std::string_view(p_ + 8 + n, v)};
        }
        iterator& operator++() noexcept
        {
            const auto n = length(p_);
            p_ += 8 + n + length(p_ + 4 + n);
            return *this;
        }
        iterator operator++(int) noexcept
        {
            auto old = *this;
            ++*this;
            return old;
        }
        friend bool operator==(iterator a, iterator b) noexcept { return a.p_ == b.p_; }

    private:
        friend class header_list;
        explicit iterator(const char* p) noexcept : p_(p) {}
        static std::uint32_t length(const char* p) noexcept
        {
            std::uint32_t n;
            std::memcpy(&n, p, sizeof n);
            return n;
        }
        const char* p_ = nullptr;
    };

    /// Appends a line (the framework lower-cases names before).
    void add(std::string_view name, std::string_view value)
    {
        put(name);
        put(value);
        ++count_;
    }
    /// Room for `bytes` of names and values over `lines` lines, to add them without regrowing.
    void reserve(std::size_t lines, std::size_t bytes) { data_.reserve(data_.size() + 8 * lines + bytes); }

    iterator begin() const noexcept { return iterator(data_.data()); }
    iterator end() const noexcept { return iterator(data_.data() + data_.size()); }
    std::size_t size() const noexcept { return count_; }
    bool empty() const noexcept { return count_ == 0; }

private:
    void put(std::string_view s)
    {
        const auto n = static_cast<std::uint32_t>(s.size());
        data_.append(reinterpret_cast<const char*>(&n), sizeof n);
        data_.append(s);
    }
    std::string data_;  ///< per line: u32 name length, name, u32 value length, value
    std::size_t count_ = 0;
};

/** The handshake request of an Engine.IO session (or of a plain EventSource stream).

    Kept for the life of the connection and shared by its sockets in every namespace;
    `allow_request` sees it before any session exists. Read it on the socket's shard.
*/
struct handshake_info {
    /// Every request header as received, names in lower case, in order (a repeated header
    /// appears once per line).
    header_list headers;
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

    /// The query parameters of `url`, percent-decoded (`+` read as a space, as
    /// URLSearchParams); a repeated name keeps its last value. Decoded on each call: a
    /// connection does not carry a decoded copy for its whole life (~110 bytes of ~2.5 KB).
    boost::json::object query() const;
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
