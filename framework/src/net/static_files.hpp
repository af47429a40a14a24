#pragma once
// Static files: the app's web page directory, and the official Socket.IO browser client
// under the engine path (as Socket.IO serves /socket.io/socket.io.js).
#include "net/http.hpp"

#include <switchboard/options.hpp>

namespace sb::detail {

/// True for `<engine path>socket.io.js`, `socket.io.min.js` and their maps.
bool serves_client_file(const server_options& o, std::string_view path) noexcept;

/// Answers a GET/HEAD for a file under `o.static_dir` (or the client bundle), or 404.
http_response serve_file(const server_options& o, const http_request& req);

} // namespace sb::detail
