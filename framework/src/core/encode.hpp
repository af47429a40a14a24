#pragma once
// Turning events and acks into Engine.IO packets ready for the wire. A broadcast calls
// this once and shares the result with every recipient.
#include "core/socket_sink.hpp"

#include <switchboard/payload.hpp>

#include <boost/container/small_vector.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace sb::detail {

/// The Engine.IO packets of one Socket.IO packet: its text (with the `4`), then one
/// binary packet per attachment. Most carry none: the lone text packet is held inline,
/// so an ack or an emit to one socket allocates no array for it.
using packet_list = boost::container::small_vector<out_packet, 1>;

/// `text` as the packet list's first packet, then `attachments` as binary packets.
packet_list with_attachments(std::string text, const std::vector<std::string>& attachments);

/// `4` + `2[/nsp,][id]["event",...args]` (or `5N-...` with binary attachments), then one
/// binary packet per attachment.
packet_list encode_event(std::string_view nsp, std::string_view event, const payload& args,
                         std::optional<std::uint64_t> id = std::nullopt);

/// `4` + `3[/nsp,]id[...args]` (or `6N-...`), then the attachments.
packet_list encode_ack(std::string_view nsp, std::uint64_t id, const payload& args);

} // namespace sb::detail
