#pragma once
/// @file Pieces of the JSON report shared by the scenarios.
#include "latency_histogram.hpp"

#include <boost/json/object.hpp>

#include <cmath>
#include <string>

namespace loadgen {

/// {"p50","p99","p999","max","samples"}, latencies in whole microseconds.
inline boost::json::object latency_report(const latency_histogram& h)
{
    auto us = [](std::uint64_t ns) { return std::llround(static_cast<double>(ns) / 1000.0); };
    return {{"p50", us(h.quantile(0.50))},
            {"p99", us(h.quantile(0.99))},
            {"p999", us(h.quantile(0.999))},
            {"max", us(h.max())},
            {"samples", h.count()}};
}

/// Marks a report as failed; run.sh shows the message instead of numbers.
inline void report_error(boost::json::object& out, const std::string& message)
{
    out["error"] = message;
}

} // namespace loadgen
