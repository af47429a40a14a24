#pragma once
// RESP2, the Redis wire protocol: commands out, replies in. Pure: no I/O, no Asio.
//
// The parser is restartable rather than incremental: `parse` looks at the bytes received
// so far and either returns one whole reply and how many bytes it used, or says it needs
// more (and the caller retries when more arrive). Headers are scanned before anything is
// copied, so a large bulk string arriving in many reads costs one scan of a few header
// bytes per read, and one copy when it is complete.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sb::redis {

/// One RESP2 reply.
struct value {
    enum class kind : std::uint8_t { simple, error, integer, bulk, array, null };
    kind type = kind::null;
    std::string str;                ///< simple, error, bulk
    std::int64_t integer = 0;       ///< integer
    std::vector<value> elements{};  ///< array
    /// An error the client made itself (not connected, connection lost, no answer in
    /// time): Redis never refused the command, and may not even have seen it.
    bool local = false;

    bool is_error() const noexcept { return type == kind::error; }
    /// An error after which the same command may succeed later: the client's own, or
    /// Redis saying it is not ready (LOADING, BUSY, TRYAGAIN, NOSCRIPT, MASTERDOWN).
    /// Any other error is a refusal that would repeat (a bad argument, out of memory).
    bool retry_later() const noexcept;
    bool is_array() const noexcept { return type == kind::array; }
    /// Text of a simple or bulk string ("" otherwise).
    std::string_view text() const noexcept
    {
        return type == kind::simple || type == kind::bulk ? std::string_view{str} : std::string_view{};
    }
};

/// Bounds that keep a hostile or broken server from making the parser allocate without end.
struct limits {
    std::size_t max_bulk = 512 * 1024 * 1024;  ///< Redis's own proto-max-bulk-len
    std::size_t max_elements = 1 << 20;        ///< per array
    std::size_t max_depth = 8;                 ///< nested arrays
};

enum class parse_status { done, need_more, error };

struct parse_result {
    parse_status status = parse_status::need_more;
    std::size_t consumed = 0;  ///< bytes of `in` the reply used (done only)
    const char* error = "";    ///< why (error only)
};

/// Parses one reply from the start of `in` into `out`.
parse_result parse(std::string_view in, value& out, const limits& lim = {});

/// Appends `args` as a command: an array of bulk strings.
void append_command(std::string& out, std::span<const std::string_view> args);
inline void append_command(std::string& out, std::initializer_list<std::string_view> args)
{
    append_command(out, std::span<const std::string_view>(args.begin(), args.size()));
}

} // namespace sb::redis
