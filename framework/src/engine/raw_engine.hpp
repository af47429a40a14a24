#pragma once
// Plain Engine.IO sessions (switchboard/engine_io.hpp): a session whose listener hands
// messages to the application instead of to a Socket.IO client. Everything below the
// listener (transports, heartbeat, upgrades, bounds) is the same session as for Socket.IO.
#include <switchboard/engine_io.hpp>

#include <string>

namespace sb::detail {

class session;

/// A path served as plain Engine.IO, and what to call for each new session there.
struct raw_engine_route {
    std::string path;  ///< e.g. "/engine.io/", with the slashes
    engine_connection_handler on_connection;
};

/// Gives a new (not yet opened) session its plain Engine.IO listener; `route.on_connection`
/// runs on the session's shard once the session is open, before any message is delivered.
void attach_raw_engine(session& s, const raw_engine_route& route);

} // namespace sb::detail
