#pragma once
// The chat sample: chat.rtdl's service, mounted at "/chat". Rooms with recent history
// and members, acknowledged and idempotent sends, volatile typing, direct messages,
// presence, and a moderator kick.
#include <switchboard.hpp>

#include <string>

namespace chat {

struct options {
    /** The HS256 secret of the tokens clients present as `auth.token` (sb::jwt): `sub` is
        the user id, `moderator: true` grants the "moderator" claim that `kick` requires,
        `exp` is required. Nobody can claim a user id without a signed token.
        Empty: development mode. A random secret is made at start, and a "/dev-tokens"
        namespace mints a token for anyone who asks (`mint {user, moderator}`), which the
        page uses by itself; the server says so loudly on stderr. */
    std::string jwt_secret{};
    /// Log joins and disconnects (the contract's `audit` middleware) to stderr.
    bool audit = false;
};

/// The contract's connection-wide settings (heartbeat, idle timeout, buffers) into
/// `opts.engine`; call before constructing the server, which `mount` then accepts.
void configure(sb::server_options& opts);
void mount(sb::server& server, options o = {});

} // namespace chat
