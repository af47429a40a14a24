#pragma once
// The chat sample: rooms with history and members, acknowledged messages, a volatile
// typing indicator. (The full app, from its .rtdl contract, comes with the compiler.)
#include <switchboard.hpp>

namespace chat {

/// Registers the chat's namespace "/" on `server`.
void mount(sb::server& server);

} // namespace chat
