#pragma once
// Static files: the app's web page directory, and the official Socket.IO browser client
// under the engine path (as Socket.IO serves /socket.io/socket.io.js).
#include "net/http.hpp"

#include <switchboard/options.hpp>

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

/// Answers a GET/HEAD for a file under `o.static_dir` (or the client bundle), or 404.
http_response serve_file(const server_options& o, const http_request& req);

} // namespace sb::detail
