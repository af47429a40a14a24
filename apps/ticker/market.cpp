#include "ticker/market.hpp"

#include <algorithm>

namespace ticker {

namespace {

constexpr std::int64_t e8 = 100'000'000;

} // namespace

market::market(std::vector<std::string> symbols, std::uint64_t seed) : symbols_(std::move(symbols)), rng_(seed)
{
    books_.reserve(symbols_.size());
    for (std::size_t i = 0; i < symbols_.size(); ++i) {
        // Start between 20 and 500 units, with a spread of 1–5 cents.
        const std::int64_t mid = (20 + static_cast<std::int64_t>(rng_.below(480))) * e8;
        const std::int64_t spread = (1 + static_cast<std::int64_t>(rng_.below(5))) * (e8 / 100);
        books_.push_back({mid, spread});
    }
}

std::vector<std::string> market::default_symbols(std::size_t n)
{
    static constexpr const char* known[] = {"AAPL", "MSFT", "GOOG", "AMZN", "NVDA", "META", "TSLA", "BRK.B"};
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) {
        if (i < std::size(known)) {
            out.emplace_back(known[i]);
            continue;
        }
        std::string name = std::to_string(i);
        out.push_back("S" + std::string(name.size() < 3 ? 3 - name.size() : 0, '0') + name);
    }
    return out;
}

bool market::listed(std::string_view symbol) const noexcept
{
    return std::find(symbols_.begin(), symbols_.end(), symbol) != symbols_.end();
}

tk::Quote market::quote(std::string_view symbol, sb_rtdl::timestamp ts) const
{
    const auto i = static_cast<std::size_t>(std::find(symbols_.begin(), symbols_.end(), symbol) - symbols_.begin());
    const book& b = books_.at(i);
    return tk::Quote{.symbol = symbols_[i],
                     .bid = b.mid - b.spread / 2,
                     .ask = b.mid - b.spread / 2 + b.spread,
                     .bid_size = 100,
                     .ask_size = 100,
                     .ts = ts};
}

market_tick market::step(sb_rtdl::timestamp ts)
{
    market_tick out;
    for (std::size_t i = 0; i < symbols_.size(); ++i) {
        book& b = books_[i];
        // A step of -3..+3 basis points of the price; a third of the symbols stay put
        // each step, so conflation and "only what changed" have something to do.
        const std::int64_t r = static_cast<std::int64_t>(rng_.below(7)) - 3;
        if (r == 0 || rng_.below(3) == 0)
            continue;
        b.mid = std::max<std::int64_t>(e8 / 100, b.mid + b.mid / 10'000 * r);
        auto q = quote(symbols_[i], ts);
        q.bid_size = static_cast<std::uint32_t>(100 * (1 + rng_.below(20)));
        q.ask_size = static_cast<std::uint32_t>(100 * (1 + rng_.below(20)));
        out.quotes.push_back(q);
        // One move in four prints a trade at the touch it moved towards.
        if (rng_.below(4) == 0) {
            const bool up = r > 0;
            out.trades.push_back(tk::Trade{.symbol = symbols_[i],
                                           .price = up ? q.ask : q.bid,
                                           .size = static_cast<std::uint32_t>(10 * (1 + rng_.below(50))),
                                           .side = up ? tk::Side::buy : tk::Side::sell,
                                           .ts = ts});
        }
    }
    return out;
}

} // namespace ticker
