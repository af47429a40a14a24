#pragma once
/** @file
    "Did you mean" suggestions (docs/diagnostics.md rule 5): Damerau–Levenshtein distance ≤ 2 over
    the names visible where the unknown name was written.
*/
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rtdl {

/** The Damerau–Levenshtein distance between two strings: insertions, deletions,
    substitutions and transpositions of adjacent characters each cost 1. This is the
    unrestricted distance (a transposed pair may be edited again), computed over bytes.
*/
std::size_t damerau_levenshtein(std::string_view a, std::string_view b);

/** The candidates closest to `name` within distance 2, best first (ties in candidate
    order, at most `max_results`). A candidate differing only in case always qualifies.
    Candidates that would replace the whole of a short name (distance ≥ its length,
    e.g. `x` → `id`) are not suggested: they read as noise, not as a typo fix.
*/
std::vector<std::string> suggest(std::string_view name, const std::vector<std::string>& candidates,
                                 std::size_t max_results = 1);

/// "did you mean `a`?" or "did you mean `a` or `b`?", or an empty string when none.
std::string did_you_mean(const std::vector<std::string>& suggestions);

} // namespace rtdl
