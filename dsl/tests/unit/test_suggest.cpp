#include "suggest.hpp"

#include <catch2/catch.hpp>

using namespace rtdl;

TEST_CASE("suggest: Damerau-Levenshtein distance")
{
    CHECK(damerau_levenshtein("", "") == 0);
    CHECK(damerau_levenshtein("abc", "") == 3);
    CHECK(damerau_levenshtein("timout", "timeout") == 1);      // insertion
    CHECK(damerau_levenshtein("heartbeet", "heartbeat") == 1); // substitution
    CHECK(damerau_levenshtein("tiemout", "timeout") == 1);     // adjacent transposition
    CHECK(damerau_levenshtein("kitten", "sitting") == 3);
    // Unrestricted: "ca" -> "ac" -> "abc" is 2 (the optimal-string-alignment variant says 3).
    CHECK(damerau_levenshtein("ca", "abc") == 2);
    CHECK(damerau_levenshtein("abc", "ca") == 2);
}

TEST_CASE("suggest: candidates within distance 2, best first")
{
    std::vector<std::string> settings{"auth",        "transports",  "heartbeat",
                                      "max_payload", "send_buffer", "handshake"};
    CHECK(suggest("heartbeet", settings) == std::vector<std::string>{"heartbeat"});
    CHECK(suggest("transport", settings) == std::vector<std::string>{"transports"});
    CHECK(suggest("colour", settings).empty());
    // Only a case difference always qualifies.
    CHECK(suggest("Timestamp", {"timestamp", "string"}) == std::vector<std::string>{"timestamp"});
    // A short name is not "fixed" by replacing all of it.
    CHECK(suggest("x", {"id", "y"}).empty());
    CHECK(suggest("ab", {"ba", "xy"}) == std::vector<std::string>{"ba"});
    CHECK(suggest("mesage", {"message", "messages", "massage"}, 3) ==
          std::vector<std::string>{"message", "messages", "massage"});
    CHECK(suggest("same", {"same"}).empty()); // the name itself is not a suggestion
}

TEST_CASE("suggest: did you mean text")
{
    CHECK(did_you_mean({}).empty());
    CHECK(did_you_mean({"a"}) == "did you mean `a`?");
    CHECK(did_you_mean({"a", "b"}) == "did you mean `a` or `b`?");
    CHECK(did_you_mean({"a", "b", "c"}) == "did you mean `a`, `b` or `c`?");
}
