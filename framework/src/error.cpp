#include <switchboard/error.hpp>

#include <string>

namespace sb {
namespace {

class error_category_impl final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "switchboard"; }

    std::string message(int ev) const override
    {
        switch (static_cast<error>(ev)) {
        case error::need_more: return "need more input";
        case error::bad_packet: return "parse error";
        case error::bad_sio_packet: return "malformed Socket.IO packet";
        case error::bad_payload: return "invalid payload";
        case error::too_many_attachments: return "too many attachments";
        case error::unexpected_binary: return "got binary data when not reconstructing a packet";
        case error::unexpected_text: return "got plaintext data when reconstructing a packet";
        case error::bad_frame: return "WebSocket protocol error";
        case error::bad_utf8: return "invalid UTF-8 in WebSocket text frame";
        case error::payload_too_large: return "payload too large";
        case error::closed: return "closed";
        case error::timeout: return "operation has timed out";
        case error::ping_timeout: return "ping timeout";
        case error::send_buffer_full: return "send buffer full (slow client)";
        case error::unknown_namespace: return "Invalid namespace";
        case error::unknown_event: return "unknown event";
        case error::unknown_ack: return "unknown ack id";
        case error::forbidden: return "forbidden";
        case error::rate_limited: return "rate limited";
        case error::server_shutdown: return "server shutting down";
        }
        return "unknown switchboard error";
    }

    boost::system::error_condition default_error_condition(int ev) const noexcept override
    {
        switch (static_cast<error>(ev)) {
        case error::bad_packet:
        case error::bad_sio_packet:
        case error::bad_payload:
        case error::too_many_attachments:
        case error::unexpected_binary:
        case error::unexpected_text:
        case error::bad_frame:
        case error::bad_utf8:
        case error::payload_too_large:
        case error::unknown_namespace:
        case error::unknown_event:
        case error::unknown_ack: return condition::client_fault;
        case error::closed:
        case error::ping_timeout:
        case error::send_buffer_full: return condition::peer_gone;
        default: return {ev, *this};
        }
    }
};

class condition_category_impl final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "switchboard.condition"; }
    std::string message(int ev) const override
    {
        switch (static_cast<condition>(ev)) {
        case condition::client_fault: return "the client sent something invalid";
        case condition::peer_gone: return "the peer went away";
        }
        return "unknown condition";
    }
};

} // namespace

const boost::system::error_category& error_category() noexcept
{
    static const error_category_impl cat;
    return cat;
}
const boost::system::error_category& condition_category() noexcept
{
    static const condition_category_impl cat;
    return cat;
}

} // namespace sb
