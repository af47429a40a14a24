// Route lookup: the rtdlc-generated constexpr perfect-hash table (`<ns>_routes::lookup`,
// one hash, one slot, one compare) against std::unordered_map<std::string, std::size_t>
// with a transparent hash (so a std::string_view looks up without a std::string copy,
// the best case for the map). Same names, same loop, same run.
#include "route_lookup.hpp"

#include "chat.rtdl.hpp"
#include "ticker.rtdl.hpp"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string_view>
#include <unordered_map>

namespace bench {
namespace {

struct name_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using name_map = std::unordered_map<std::string, std::size_t, name_hash, std::equal_to<>>;

/// Names one edit away from a real one: what a client with a typo or an old version sends.
template <class Names>
std::vector<std::string> near_misses(const Names& names)
{
    std::vector<std::string> out;
    for (std::string_view n : names) {
        std::string s(n);
        std::string upper = s;
        upper[0] = static_cast<char>(upper[0] - 'a' + 'A');
        std::string off = s;
        off.back() = static_cast<char>(off.back() + 1);
        for (auto& m : {upper, off, s.substr(0, s.size() - 1), s + "_", " " + s})
            out.push_back(m);
    }
    return out;
}

/// `names` repeated up to 64 queries (a power of two, so `i % n` is a mask), as
/// separately allocated strings so no lookup can compare pointers.
std::vector<std::string> cycle64(const std::vector<std::string>& names)
{
    std::vector<std::string> out;
    for (std::size_t i = 0; out.size() < 64; ++i)
        out.push_back(names[i % names.size()]);
    return out;
}

template <class Table>
void bench_table(const char* name, std::uint64_t calls, std::vector<route_row>& rows)
{
    std::vector<std::string> hits(Table::names.begin(), Table::names.end());
    name_map map;
    for (std::size_t i = 0; i < hits.size(); ++i)
        map.emplace(hits[i], i);

    for (bool hit : {true, false}) {
        const std::vector<std::string> queries = cycle64(hit ? hits : near_misses(Table::names));
        const std::size_t mask = queries.size() - 1;
        for (const auto& q : queries) { // both sides must agree before either is timed
            auto it = map.find(std::string_view(q));
            std::size_t expected = it == map.end() ? Table::npos : it->second;
            if (Table::lookup(q) != expected || (expected != Table::npos) != hit) {
                std::fprintf(stderr, "%s: lookup of \"%s\" disagrees\n", name, q.c_str());
                std::exit(1);
            }
        }
        auto generated = [&](std::uint64_t i) -> std::uint64_t {
            return Table::lookup(queries[i & mask]) + 1; // npos + 1 == 0
        };
        auto unordered = [&](std::uint64_t i) -> std::uint64_t {
            auto it = map.find(std::string_view(queries[i & mask]));
            return it == map.end() ? 0 : it->second + 1;
        };
        route_row r;
        r.table = std::string(name) + (hit ? " hits" : " near-misses");
        r.queries = hit ? hits.size() : near_misses(Table::names).size();
        warm_up(calls, generated);
        warm_up(calls, unordered);
        for (int k = 0; k < rounds; ++k) {
            timed_round(calls, r.generated, generated);
            timed_round(calls, r.unordered_map, unordered);
        }
        rows.push_back(std::move(r));
    }
}

struct chat_table {
    static constexpr auto& names = acme::chat::chat_routes::names;
    static constexpr std::size_t npos = acme::chat::chat_routes::npos;
    static std::size_t lookup(std::string_view s) noexcept { return acme::chat::chat_routes::lookup(s); }
};
struct ticker_table {
    static constexpr auto& names = acme::ticker::ticker_routes::names;
    static constexpr std::size_t npos = acme::ticker::ticker_routes::npos;
    static std::size_t lookup(std::string_view s) noexcept { return acme::ticker::ticker_routes::lookup(s); }
};

} // namespace

std::vector<route_row> bench_routes(std::uint64_t calls)
{
    std::vector<route_row> rows;
    bench_table<chat_table>("chat_routes", calls, rows);
    bench_table<ticker_table>("ticker_routes", calls, rows);
    return rows;
}

} // namespace bench
