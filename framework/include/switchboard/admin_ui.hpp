#pragma once
/** @file
    `sb::instrument()`: the server side of the official Socket.IO Admin UI
    (`@socket.io/admin-ui` 0.5), so its hosted page shows a Switchboard server's sockets,
    rooms, clients, events and load, and can make sockets join, leave or disconnect.

    @code
    sb::server_options o{.port = 3000};
    // The UI's static files, from the npm package, served by the server itself:
    o.static_mounts = {{"/admin-ui/", "node_modules/@socket.io/admin-ui/ui/dist"}};
    sb::server server{o};
    sb::instrument(server, {.auth = sb::admin_auth{"admin", "$2b$10$..."}});  // a bcrypt hash
    server.run();   // open http://127.0.0.1:3000/admin-ui/ and connect to http://127.0.0.1:3000
    @endcode

    docs/production.md ("The Socket.IO Admin UI") says what is shown and what is not.
*/
#include <chrono>
#include <optional>
#include <string>

namespace sb {

class server;

/// The UI's login, as `instrument(io, {auth: {type: "basic", username, password}})`.
struct admin_auth {
    std::string username;
    /// A bcrypt hash (`$2a$`, `$2b$` or `$2y$`), as `bcrypt.hashSync(password, 10)` makes:
    /// the password itself is never configured.
    std::string password_hash;
};

struct admin_ui_options {
    /// The namespace the UI connects to.
    std::string namespace_name = "/admin";
    /// Who may connect. Unset: nobody, unless `allow_anonymous` (Node's `auth: false`).
    std::optional<admin_auth> auth{};
    /// Anyone who can reach the server may connect, watch and act: for a laptop only.
    bool allow_anonymous = false;
    /// Watch only: the UI's join, leave, disconnect and emit commands are not offered.
    bool readonly = false;
    /// Node's `mode: "production"`: only the load (`server_stats`) is sent, not every socket,
    /// room change and event (which cost a message to the UI each).
    bool production = false;
    /// How this server is named on the UI's Servers page; empty: the host name.
    std::string server_id{};
    /// How often the load is sent (the UI calls a server unhealthy after 10 s of silence).
    std::chrono::milliseconds stats_interval{2000};
};

/** Mounts the Admin UI's namespace on `s`. Call before `start()`, once.
    @throws std::invalid_argument without `auth` and without `allow_anonymous`, for a
            password hash that is not bcrypt, or after start. */
void instrument(server& s, admin_ui_options options);

} // namespace sb
