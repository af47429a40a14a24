// The ticker's market: a seeded, deterministic random walk in integer prices.
#include "ticker/market.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace ticker;

TEST_CASE("market: the same seed gives the same prices; another seed does not")
{
    market a{market::default_symbols(10), 42}, b{market::default_symbols(10), 42}, c{market::default_symbols(10), 7};
    bool differs = false;
    for (int i = 0; i < 50; ++i) {
        auto ta = a.step(1000 + i), tb = b.step(1000 + i), tc = c.step(1000 + i);
        REQUIRE(ta.quotes == tb.quotes);
        REQUIRE(ta.trades == tb.trades);
        differs = differs || ta.quotes != tc.quotes;
    }
    CHECK(differs);
}

TEST_CASE("market: quotes are valid for the contract: bid < ask, prices positive and JavaScript-safe")
{
    market m{market::default_symbols(50), 1};
    std::size_t quotes = 0, trades = 0;
    for (int i = 0; i < 500; ++i) {
        auto t = m.step(i);
        for (auto& q : t.quotes) {
            REQUIRE(q.bid > 0);
            REQUIRE(q.bid < q.ask);
            REQUIRE(q.ask < (std::int64_t{1} << 53));
            REQUIRE(m.listed(q.symbol));
            CHECK(q.ts == i);
            // What the market produces decodes under the contract's constraints.
            acme::ticker::Quote back;
            REQUIRE_FALSE(acme::ticker::decode(acme::ticker::to_json(q), back));
            CHECK(back == q);
        }
        for (auto& tr : t.trades) {
            auto q = m.quote(tr.symbol, i);
            CHECK((tr.price == q.bid || tr.price == q.ask));
            CHECK(tr.size > 0);
        }
        quotes += t.quotes.size();
        trades += t.trades.size();
    }
    // Not every symbol moves every step, and some moves print trades.
    CHECK(quotes > 500 * 50 / 4);
    CHECK(quotes < 500 * 50);
    CHECK(trades > 0);
    CHECK(trades < quotes);
}

TEST_CASE("market: default symbols are valid Symbols and unique")
{
    auto s = market::default_symbols(60);
    std::set<std::string> seen(s.begin(), s.end());
    CHECK(seen.size() == 60);
    CHECK(s[0] == "AAPL");
    CHECK(s[59] == "S059");
    CHECK_FALSE(market{s, 1}.listed("ZZZZ"));
}
