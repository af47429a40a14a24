#pragma once
// The server's log lines, through `server_options::log` (or stderr). Every place in the
// framework that has something to tell an operator goes through here, with a level, a
// component and, when there is one, the socket concerned.
#include <switchboard/options.hpp>

#include <string_view>

namespace sb::detail {

void log(const server_options& o, log_level level, std::string_view component, std::string_view message,
         std::string_view socket_id = {}, std::string_view nsp = {});

} // namespace sb::detail
