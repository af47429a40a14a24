#pragma once
/** @file
    The connection-wide settings a contract's namespace writes (`heartbeat`,
    `idle_timeout`, `max_payload`, `send_buffer`) and how they meet `sb::server_options`.

    They are properties of the Engine.IO session (every namespace on a connection shares
    its heartbeat and its buffers), so they live in `sb::server_options::engine`: the
    generated `configure_<ns>()` writes them there (`apply_settings`) and `mount()` refuses
    options that disagree (`require_settings`). Unwritten ones are left alone.
*/
#include <switchboard/options.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

namespace sb_rtdl {

/// What one namespace's contract wrote (unset: not written).
struct connection_settings {
    std::optional<std::chrono::milliseconds> heartbeat;
    std::optional<std::chrono::milliseconds> idle_timeout;
    std::optional<std::size_t> max_payload;
    std::optional<std::size_t> send_buffer;
};

/// Room an Engine.IO packet needs around an event's arguments (type, namespace, ack id,
/// event name), so that an event of `max_payload` bytes passes the engine's own bound.
inline constexpr std::size_t packet_overhead = 4096;

/// Writes the settings into `o.engine` (a larger engine `max_payload` is kept).
void apply_settings(::sb::server_options& o, const connection_settings& c);

/** Throws `std::invalid_argument` naming every setting `o` contradicts, and the call
    (`configure`, e.g. "configure_chat") that would have written it.
    @param path the namespace, for the message.
*/
void require_settings(const ::sb::server_options& o, std::string_view path, std::string_view configure,
                      const connection_settings& c);

} // namespace sb_rtdl
