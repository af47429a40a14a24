#include "suggest.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace rtdl {

std::size_t damerau_levenshtein(std::string_view a, std::string_view b)
{
    // Lowrance–Wagner: d[i][j] over a (n+2)×(m+2) table with a sentinel row and column,
    // and the last row where each byte was seen, so transpositions across edits count.
    const std::size_t n = a.size(), m = b.size(), inf = n + m;
    std::vector<std::size_t> d((n + 2) * (m + 2));
    auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * (m + 2) + j]; };
    at(0, 0) = inf;
    for (std::size_t i = 0; i <= n; ++i) {
        at(i + 1, 0) = inf;
        at(i + 1, 1) = i;
    }
    for (std::size_t j = 0; j <= m; ++j) {
        at(0, j + 1) = inf;
        at(1, j + 1) = j;
    }
    std::array<std::size_t, 256> last_row{};
    for (std::size_t i = 1; i <= n; ++i) {
        std::size_t last_col = 0;
        for (std::size_t j = 1; j <= m; ++j) {
            std::size_t i1 = last_row[static_cast<unsigned char>(b[j - 1])];
            std::size_t j1 = last_col;
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            if (cost == 0)
                last_col = j;
            at(i + 1, j + 1) = std::min({at(i, j) + cost, at(i + 1, j) + 1, at(i, j + 1) + 1,
                                         at(i1, j1) + (i - i1 - 1) + 1 + (j - j1 - 1)});
        }
        last_row[static_cast<unsigned char>(a[i - 1])] = i;
    }
    return at(n + 1, m + 1);
}

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

} // namespace

std::vector<std::string> suggest(std::string_view name, const std::vector<std::string>& candidates,
                                 std::size_t max_results)
{
    struct scored {
        std::size_t distance;
        std::size_t order;
        const std::string* text;
    };
    std::vector<scored> found;
    for (std::size_t k = 0; k < candidates.size(); ++k) {
        auto& c = candidates[k];
        if (c == name)
            continue;
        std::size_t dist = equal_ignoring_case(c, name) ? 0 : damerau_levenshtein(name, c);
        if (dist <= 2 && (dist < name.size() || dist == 0))
            found.push_back({dist, k, &c});
    }
    std::stable_sort(found.begin(), found.end(), [](auto& x, auto& y) { return x.distance < y.distance; });
    std::vector<std::string> out;
    for (auto& f : found) {
        if (out.size() == max_results)
            break;
        if (std::find(out.begin(), out.end(), *f.text) == out.end())
            out.push_back(*f.text);
    }
    return out;
}

std::string did_you_mean(const std::vector<std::string>& suggestions)
{
    if (suggestions.empty())
        return {};
    std::string out = "did you mean `" + suggestions[0] + "`";
    for (std::size_t i = 1; i < suggestions.size(); ++i)
        out += (i + 1 == suggestions.size() ? " or `" : ", `") + suggestions[i] + "`";
    return out + "?";
}

} // namespace rtdl
