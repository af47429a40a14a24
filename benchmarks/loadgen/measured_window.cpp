#include "measured_window.hpp"

#include "clock.hpp"
#include "cpu_clock.hpp"

#include <cmath>

namespace loadgen {

namespace {

std::optional<double> difference(const std::optional<double> (&v)[2])
{
    if (!v[0] || !v[1]) {
        return std::nullopt;
    }
    return *v[1] - *v[0];
}

} // namespace

/// CPU seconds of `pid` and every process in `more`; nullopt if any cannot be read.
static std::optional<double> measured_window_sum(int pid, const std::vector<int>& more)
{
    auto total = cpu_seconds(pid);
    for (int p : more) {
        const auto c = cpu_seconds(p);
        if (!total || !c) {
            return std::nullopt;
        }
        *total += *c;
    }
    return total;
}

void measured_window::open()
{
    if (server_pid_ != 0) {
        server_cpu_[0] = measured_window_sum(server_pid_, more_);
    }
    own_cpu_[0] = cpu_seconds(0);
    start_s_ = static_cast<double>(now_ns()) / 1e9;
    active_ = true;
}

void measured_window::close()
{
    active_ = false;
    wall_s_ = static_cast<double>(now_ns()) / 1e9 - start_s_;
    if (server_pid_ != 0) {
        server_cpu_[1] = measured_window_sum(server_pid_, more_);
    }
    own_cpu_[1] = cpu_seconds(0);
}

std::optional<double> measured_window::server_cpu_s() const noexcept
{
    return difference(server_cpu_);
}

void measured_window::report(boost::json::object& out) const
{
    // Whole numbers only: Boost.JSON would print 10.0 as 1E1, which is valid but unreadable.
    out["duration_s"] = std::llround(wall_s_);
    if (auto cpu = server_cpu_s()) {
        out["server_cpu_pct"] = std::lround(*cpu / wall_s_ * 100);
    }
    if (auto cpu = difference(own_cpu_)) {
        out["loadgen_cpu_pct"] = std::lround(*cpu / wall_s_ * 100);
    }
}

} // namespace loadgen
