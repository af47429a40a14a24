#pragma once
/** @file
    An event received from a client.
*/
#include <switchboard/payload.hpp>

#include <boost/json/array.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb {

/** One client→server event, as decoded from the wire.

    The raw JSON text is kept so that generated (typed) code decodes it with simdjson
    straight from the bytes; untyped handlers call `args()`, parsed once on first use.
*/
class event {
public:
    event(std::string name, std::string raw_json, std::vector<std::string> attachments,
          std::optional<std::uint64_t> ack_id);

    /// The event name (first array element; a number's text if numeric).
    const std::string& name() const noexcept { return name_; }
    /// The whole array as received, name included: `["chat",{"text":"hi"}]`.
    std::string_view raw() const noexcept { return raw_; }
    /// Arguments after the name, parsed with Boost.JSON on first call.
    const boost::json::array& args() const;
    /// Binary attachments referenced by placeholders in `args()`.
    const std::vector<std::string>& attachments() const noexcept { return attachments_; }
    /// The arguments and attachments, moved out (the event is spent): what passes a
    /// client's arguments on unchanged, binary included, without copying them
    /// (`co_return std::move(ev).into_payload();`).
    payload into_payload() &&;
    /// True when the client waits for an acknowledgement.
    bool wants_ack() const noexcept { return ack_id_.has_value(); }
    std::optional<std::uint64_t> ack_id() const noexcept { return ack_id_; }

private:
    std::string name_;
    std::string raw_;
    std::vector<std::string> attachments_;
    std::optional<std::uint64_t> ack_id_;
    mutable std::optional<boost::json::array> args_;
};

} // namespace sb
