#pragma once
// Plain EventSource endpoints, `GET /<ns>/sse?<query>`, and their short-polling twin,
// `GET /<ns>/history?room=<room>&after=<id>`, for namespaces that declared
// `namespace_::eventsource()`. No Engine.IO here: a bare browser `new EventSource(url)`
// or `fetch` is the client. See namespace.hpp for the contract.
#include "net/http.hpp"

#include <boost/asio/awaitable.hpp>

#include <string_view>

namespace sb::detail {

class client_limits;

class shard;
class node;
class namespace_state;

/// Which endpoint a request path names, if any.
struct eventsource_route {
    enum class kind { stream, history } what = kind::stream;
    namespace_state* ns = nullptr;
};

/// `/<ns>/sse` or `/<ns>/history` (`/sse`, `/history` for "/") of a namespace with an
/// EventSource endpoint; `ns` null otherwise.
eventsource_route find_eventsource_route(node& srv, std::string_view path);

/// Serves the event stream until it ends. `http_outcome::respond` when it answered with
/// an error in `res` instead; `upgraded` when the stream ran (the connection is spent).
/// The stream holds a slot of `limits` while it runs.
boost::asio::awaitable<http_outcome> serve_event_stream(shard& sh, client_limits& limits, boost::asio::ip::tcp::socket& sock,
                                                        const http_request& req, http_response& res,
                                                        namespace_state& ns);

/// Answers a history request at once (JSON).
http_response serve_history(const http_request& req, namespace_state& ns);

} // namespace sb::detail
