#pragma once
/** @file
    Switchboard's one error vocabulary.

    Expected failures travel as `boost::system::error_code` values carrying an
    `sb::error`; exceptions are kept for programmer errors and start-up configuration.
    `sb::condition` groups the codes the way callers usually branch on them.
*/
#include <boost/system/error_code.hpp>

#include <type_traits>

namespace sb {

/// Every failure Switchboard reports as a value.
enum class error {
    // Codec faults: the peer sent bytes that do not decode (the connection is closed).
    need_more = 1,          ///< not an error: an incremental parser needs more bytes
    bad_packet,             ///< malformed Engine.IO packet
    bad_sio_packet,         ///< malformed Socket.IO packet (type, attachments, nsp, id, JSON)
    bad_payload,            ///< well-formed packet whose payload is invalid for its type
    too_many_attachments,   ///< BINARY_* packet announcing more than `max_attachments`
    unexpected_binary,      ///< binary message when no BINARY_* packet awaits attachments
    unexpected_text,        ///< text message while a BINARY_* packet awaits attachments
    bad_frame,              ///< WebSocket framing violation (RFC 6455)
    bad_utf8,               ///< WebSocket text frame that is not UTF-8
    payload_too_large,      ///< over `max_payload` (HTTP 413, WebSocket close 1009)
    // Session and socket life.
    closed,                 ///< the session or socket is closed
    timeout,                ///< a deadline passed (ack, connect, upgrade)
    ping_timeout,           ///< no pong within pingTimeout
    send_buffer_full,       ///< a slow client's send queue passed its byte bound
    unknown_namespace,      ///< CONNECT to a namespace that does not exist
    unknown_event,          ///< EVENT with no handler and no catch-all
    unknown_ack,            ///< ACK whose id is not pending
    forbidden,              ///< refused by middleware
    rate_limited,           ///< over a declared rate
    server_shutdown,        ///< the server is stopping
};

/// Broad groups of `sb::error`, for `ec == sb::condition::peer_gone` style tests.
enum class condition {
    client_fault = 1,  ///< the client sent something wrong
    peer_gone,         ///< the peer went away or stopped answering
};

const boost::system::error_category& error_category() noexcept;
const boost::system::error_category& condition_category() noexcept;

inline boost::system::error_code make_error_code(error e) noexcept
{
    return {static_cast<int>(e), error_category()};
}
inline boost::system::error_condition make_error_condition(condition c) noexcept
{
    return {static_cast<int>(c), condition_category()};
}

} // namespace sb

template <>
struct boost::system::is_error_code_enum<sb::error> : std::true_type {};
template <>
struct boost::system::is_error_condition_enum<sb::condition> : std::true_type {};
