#pragma once
/// @file CPU time of a process, from /proc/<pid>/stat.
#include <optional>

namespace loadgen {

/// User plus system CPU seconds used so far by process `pid` (0: this process); nullopt if unreadable.
std::optional<double> cpu_seconds(int pid);

} // namespace loadgen
