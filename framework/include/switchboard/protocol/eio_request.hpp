#pragma once
/** @file
    Engine.IO request checks that need no I/O: the query string, the error replies.

    Reference: `packages/engine.io/lib/server.ts` (`prepare`, `verify`, `handshake`,
    `Server.errors`, `abortRequest`) and `docs/protocol.md` "Requests".
*/
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb::eio {

/// The transports a request can name (`transport=` query parameter).
enum class transport_kind : std::uint8_t { polling, websocket, sse };

/// The transport named `name` (`"polling"`, `"websocket"`, `"sse"`; case-sensitive), if any.
std::optional<transport_kind> parse_transport(std::string_view name) noexcept;

/// The query-string name of `t`, e.g. `"websocket"`.
std::string_view to_string(transport_kind t) noexcept;

/// Engine.IO's request error codes; the value is the `code` in the JSON error body.
enum class request_error : std::uint8_t {
    unknown_transport = 0,            ///< "Transport unknown"
    unknown_sid = 1,                  ///< "Session ID unknown"
    bad_handshake_method = 2,         ///< "Bad handshake method" (a handshake must be a GET)
    bad_request = 3,                  ///< "Bad request"
    forbidden = 4,                    ///< "Forbidden" (the only one answered with 403)
    unsupported_protocol_version = 5, ///< "Unsupported protocol version" (EIO is not 4)
};

/// The Engine.IO parameters of a request's query string.
struct request_query {
    /// The transport, or nothing when `transport_name` is not a transport we know.
    std::optional<transport_kind> transport{};
    /// The raw (percent-decoded) `transport` value, empty when absent.
    std::string transport_name{};
    /// The session id, empty when absent: the request is then a handshake.
    std::string sid{};
    /// The protocol revision as sent (`"4"` for Engine.IO v4), empty when absent. Node
    /// treats anything but `"4"` as v3, which is answered with `unsupported_protocol_version`.
    std::string eio{};
    /// The client cannot take binary frames (`b64` present with a non-empty value, as
    /// `transport.ts` tests `!!req._query.b64`; so `b64=0` counts too): send binary as
    /// `b<base64>` text.
    bool b64 = false;

    /// `true` when the request carries no sid, i.e. opens a new session.
    bool is_handshake() const noexcept { return sid.empty(); }
};

/** Parse the query string of an Engine.IO request.

    Follows the `URLSearchParams` parsing that Node's `server.ts` `prepare` uses:
    parameters separated by `&` (empty ones skipped), split at the first `=`, `+` read as a
    space, `%XX` decoded in names and values (a `%` not followed by two hex digits is kept
    as is). When a name repeats, the last value wins (`Object.fromEntries`). Names other
    than `transport`, `sid`, `EIO` and `b64` (case-sensitive) are ignored, `t` included.

    Decoded bytes are kept as they are; unlike `URLSearchParams`, invalid UTF-8 is not
    replaced with U+FFFD (such values can only miss: no sid or transport name contains it).

    @param query the part of the request target after `?` (a leading `?` is skipped).
    @return the parameters found; never fails.
*/
request_query parse_query(std::string_view query);

/// application/x-www-form-urlencoded decoding of one query name or value (WHATWG URL
/// §5.1): `+` is a space, `%XX` a byte; a malformed escape is kept as it is.
std::string form_decode(std::string_view in);

/// The message Node gives `e`, e.g. `"Bad request"` (`Server.errorMessages`).
std::string_view message(request_error e) noexcept;

/// The HTTP status for `e`: 403 for `forbidden`, otherwise 400 (`abortRequest`).
unsigned http_status(request_error e) noexcept;

/** The JSON body of an error reply, exactly as Node's `abortRequest` writes it, e.g.
    `{"code":3,"message":"Bad request"}` (sent with `Content-Type: application/json`).

    @param e the error.
    @return the body text.
*/
std::string error_body(request_error e);

/** The JSON body of an error reply with a custom message, as `abortRequest` writes it when
    the error context carries one (e.g. the message an `allowRequest` hook refused with).

    @param e       the error, for the `code`.
    @param message the `message` text (UTF-8), JSON-escaped as `JSON.stringify` would.
    @return the body text, e.g. `{"code":4,"message":"origin not allowed"}`.
*/
std::string error_body(request_error e, std::string_view message);

} // namespace sb::eio
