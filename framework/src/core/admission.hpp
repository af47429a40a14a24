#pragma once
// Letting a socket into a namespace: the one path every kind of connection takes (the
// Socket.IO client's CONNECT, a plain EventSource request). The caller decides what a
// refusal looks like on its wire (CONNECT_ERROR, HTTP 403).
#include <switchboard/namespace.hpp>
#include <switchboard/task.hpp>

#include <optional>

namespace sb::detail {

class namespace_state;

/// Runs the namespace's connect middlewares in order until one refuses; a middleware
/// that throws refuses with "internal error" (its text goes to the log, not the client).
task<std::optional<connect_error>> run_middlewares(namespace_state& ns, socket_ptr s);

} // namespace sb::detail
