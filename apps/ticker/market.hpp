#pragma once
// A simulated market: one seeded random walk per symbol. Deterministic: the same seed
// and the same sequence of `step()` calls give the same quotes and trades, which is what
// lets tests (and two runs of a demo) agree on every price. No I/O and no clock: the
// caller passes the timestamp and emits what comes out.
//
// Prices are integers in units of 1e-8 (PriceE8 in ticker.rtdl): no floating point in
// money, and every value is exact in JavaScript.
#include "ticker.rtdl.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ticker {

namespace tk = acme::ticker;

/// splitmix64: tiny, fast, and well distributed; enough for a demo market.
class rng {
public:
    explicit rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() noexcept
    {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, n).
    std::uint64_t below(std::uint64_t n) noexcept { return next() % n; }

private:
    std::uint64_t state_;
};

/// What one step produced: a quote per symbol whose price moved, and some trades.
struct market_tick {
    std::vector<tk::Quote> quotes;
    std::vector<tk::Trade> trades;
};

class market {
public:
    /// `symbols` must be valid `Symbol`s (A-Z0-9., 1–12 chars).
    market(std::vector<std::string> symbols, std::uint64_t seed);

    /// The demo's universe: `n` symbols (the first few are familiar tickers, the rest
    /// are generated: "S001" …).
    static std::vector<std::string> default_symbols(std::size_t n);

    const std::vector<std::string>& symbols() const noexcept { return symbols_; }
    bool listed(std::string_view symbol) const noexcept;

    /// Moves every symbol one step of its walk.
    market_tick step(sb_rtdl::timestamp ts);

    /// The current quote of a listed symbol.
    tk::Quote quote(std::string_view symbol, sb_rtdl::timestamp ts) const;

private:
    struct book {
        std::int64_t mid;     ///< PriceE8
        std::int64_t spread;  ///< PriceE8, ask - bid
    };
    std::vector<std::string> symbols_;
    std::vector<book> books_;
    rng rng_;
};

} // namespace ticker
