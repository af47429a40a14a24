#pragma once
// The chat sample: chat.rtdl's service, mounted at "/chat". Rooms with recent history
// and members, acknowledged and idempotent sends, volatile typing, direct messages,
// presence, and a moderator kick.
#include <switchboard.hpp>

#include <string>

namespace chat {

struct options {
    /// A connection whose `auth.moderator_key` equals this gets the "moderator" claim
    /// (which `kick` requires). Empty: nobody is a moderator.
    std::string moderator_key = "letmein";
    /// Log joins and disconnects (the contract's `audit` middleware) to stderr.
    bool audit = false;
};

void mount(sb::server& server, options o = {});

} // namespace chat
