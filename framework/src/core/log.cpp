#include "core/log.hpp"

#include <iostream>
#include <mutex>
#include <string>

namespace sb::detail {

namespace {

const char* name(log_level l)
{
    switch (l) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warning: return "warning";
    case log_level::error: return "error";
    }
    return "?";
}

std::mutex stderr_mutex;  // one line at a time from every shard

} // namespace

void log(const server_options& o, log_level level, std::string_view component, std::string_view message,
         std::string_view socket_id, std::string_view nsp)
{
    if (level < o.min_log_level) {
        return;
    }
    if (o.log) {
        try {
            o.log(log_record{level, component, message, socket_id, nsp});
        }
        catch (...) {
            // A sink that throws must not take a shard down with it.
        }
        return;
    }
    std::string line = "switchboard: ";
    line += name(level);
    line += ": ";
    line += component;
    line += ": ";
    if (!socket_id.empty() || !nsp.empty()) {
        line += nsp;
        line += ' ';
        line += socket_id;
        line += ": ";
    }
    line += message;
    line += '\n';
    std::lock_guard lock(stderr_mutex);
    std::cerr << line << std::flush;
}

} // namespace sb::detail
