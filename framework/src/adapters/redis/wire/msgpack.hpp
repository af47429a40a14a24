#pragma once
// MessagePack, as npm's notepack.io writes it (the encoding of @socket.io/redis-adapter
// and @socket.io/redis-emitter). Pure: no I/O.
//
// `value` is a small tree; `from_json`/`to_json` convert to Boost.JSON, with binary
// parts (msgpack `bin`, a Node Buffer) mapped to Socket.IO's attachments: a `bin` in
// the tree stands where the JSON has a `{"_placeholder":true,"num":i}`.
#include <switchboard/payload.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sb::msgpack {

struct value {
    enum class kind : std::uint8_t { nil, boolean, integer, uinteger, float64, str, bin, array, map, ext };
    kind type = kind::nil;
    bool b = false;
    std::int64_t i = 0;
    std::uint64_t u = 0;
    double f = 0;
    std::int8_t ext_type = 0;
    std::string bytes;                                 ///< str, bin, ext
    std::vector<value> items{};                        ///< array
    /// map: keys and values alternating, in order (a flat vector, because a pair of an
    /// incomplete type is not allowed where a vector of one is).
    std::vector<value> entries{};

    void add(value k, value v)
    {
        entries.push_back(std::move(k));
        entries.push_back(std::move(v));
    }
    std::size_t map_size() const noexcept { return entries.size() / 2; }

    static value string(std::string_view s)
    {
        value v;
        v.type = kind::str;
        v.bytes.assign(s);
        return v;
    }
    /// The value of `key` in a map with string keys, or nullptr.
    const value* find(std::string_view key) const noexcept;
    bool is_str() const noexcept { return type == kind::str; }
};

struct decode_limits {
    std::size_t max_depth = 64;  ///< as Socket.IO's parser
};

/// Decodes exactly one value that fills `in`; false (and `error`) on anything else.
bool decode(std::string_view in, value& out, const char*& error, const decode_limits& lim = {});
/// Appends the encoding of `v` (the smallest forms, as notepack.io chooses them).
void encode(std::string& out, const value& v);

/// JSON → msgpack. Placeholders become `bin` with the bytes of `attachments[num]`.
value from_json(const boost::json::value& v, const std::vector<std::string>* attachments = nullptr);
/// msgpack → JSON. `bin` becomes a placeholder and its bytes are appended to
/// `attachments` (when null, to a base64-free `null`). `ext` -1 (a Date) becomes its ISO
/// 8601 string, as JSON.stringify writes a Date; other `ext` become null.
boost::json::value to_json(const value& v, std::vector<std::string>* attachments);

} // namespace sb::msgpack
