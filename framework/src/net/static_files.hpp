#pragma once
// Static files: the app's web page directory, and the official Socket.IO browser client
// under the engine path (as Socket.IO serves /socket.io/socket.io.js).
#include "net/http.hpp"

#include <switchboard/options.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb::detail {

/// True for `<engine path>socket.io.js`, `socket.io.min.js` and their maps.
bool serves_client_file(const server_options& o, std::string_view path) noexcept;

/** The file a request path names under `root`, or nullopt: the path must start with '/',
    and after "..", "." and symlinks are resolved it must still lie inside `root`; a
    directory stands for its index.html. Pure filesystem lookup, no I/O on sockets. */
std::optional<std::string> resolve_static(const std::string& root, std::string_view path);

/// Files up to this size are read whole into the response; larger ones are streamed in
/// pieces of this size, so a download holds at most one piece and never stalls the shard
/// for the time it takes to read the whole file.
constexpr std::size_t static_chunk_size = 64 * 1024;

/// The answer to a static GET/HEAD. When `stream_path` is set, `res` is the header only
/// (its Content-Length is the file's size) and the body is the file, to be sent in
/// `static_chunk_size` pieces (stream_file in the runtime).
struct file_reply {
    http_response res;
    std::string stream_path{};
    std::uint64_t stream_size = 0;
};

/// Answers a GET/HEAD for a file under `o.static_dir` (or the client bundle), or 404.
file_reply serve_file(const server_options& o, const http_request& req);

} // namespace sb::detail
