#pragma once
/// @file Wall and CPU time over the measured part of a run.
#include <boost/json/object.hpp>

#include <atomic>
#include <optional>
#include <vector>

namespace loadgen {

/** The span between warm-up and shutdown over which rates are computed. Scenarios record
    latencies only while `active()` is true, so connection setup and warm-up never count. */
class measured_window {
  public:
    /// @param server_pid the server process whose CPU time to measure too; 0 for none.
    explicit measured_window(int server_pid, std::vector<int> more = {}) : server_pid_(server_pid), more_(std::move(more)) {}

    void open();
    void close();
    bool active() const noexcept { return active_.load(std::memory_order_relaxed); }
    double seconds() const noexcept { return wall_s_; }
    /// Server CPU seconds used inside the window, if measured.
    std::optional<double> server_cpu_s() const noexcept;

    /// Adds duration_s, and server_cpu_pct / loadgen_cpu_pct (100 = one core busy) when known.
    void report(boost::json::object& out) const;

  private:
    int server_pid_;
    std::vector<int> more_;  ///< other server processes (a cluster's nodes), summed
    std::atomic<bool> active_{false};
    double wall_s_ = 0;
    std::optional<double> server_cpu_[2];
    std::optional<double> own_cpu_[2];
    double start_s_ = 0;
};

} // namespace loadgen
