#include "lexer.hpp"

#include <catch2/catch.hpp>

using namespace rtdl;

namespace {

struct lexed {
    source_manager sources;
    diagnostic_engine diags;
    std::vector<token> tokens;
};

std::unique_ptr<lexed> lex_text(const std::string& text)
{
    auto l = std::make_unique<lexed>();
    auto id = l->sources.add("t.rtdl", "/t.rtdl", text);
    l->tokens = lex(l->sources.file(id), id, l->diags);
    return l;
}

std::vector<token_kind> kinds(const std::vector<token>& tokens)
{
    std::vector<token_kind> out;
    for (auto& t : tokens)
        out.push_back(t.kind);
    return out;
}

} // namespace

TEST_CASE("lexer: durations are one token, in milliseconds")
{
    auto l = lex_text("250ms 5s 2m 1h 0s");
    REQUIRE(l->tokens.size() == 6);
    std::uint64_t expected[] = {250, 5000, 120000, 3600000, 0};
    for (int i = 0; i < 5; ++i) {
        CHECK(l->tokens[i].kind == token_kind::duration);
        CHECK(l->tokens[i].value == expected[i]);
    }
    CHECK_FALSE(l->diags.has_errors());
}

TEST_CASE("lexer: sizes are one token, in bytes")
{
    auto l = lex_text("64KiB 1MiB 8B 2GiB");
    REQUIRE(l->tokens.size() == 5);
    std::uint64_t expected[] = {65536, 1048576, 8, 2147483648ull};
    for (int i = 0; i < 4; ++i) {
        CHECK(l->tokens[i].kind == token_kind::size);
        CHECK(l->tokens[i].value == expected[i]);
    }
}

TEST_CASE("lexer: a rate is a count, a slash and a unit word")
{
    auto l = lex_text("rate 2/s burst 5");
    CHECK(kinds(l->tokens) == std::vector<token_kind>{token_kind::identifier, token_kind::integer,
                                                      token_kind::slash, token_kind::identifier,
                                                      token_kind::identifier, token_kind::integer,
                                                      token_kind::end_of_file});
    CHECK(l->tokens[3].text == "s");
}

TEST_CASE("lexer: unknown or fractional units are reported (E0005)")
{
    auto l = lex_text("5sec 64KB 1.5s -3s 99999999999999999999");
    auto& d = l->diags.all();
    REQUIRE(d.size() == 5);
    for (auto& x : d)
        CHECK(x.code == "E0005");
    CHECK(d[0].helps.at(0) == "write `5s`");
    CHECK(d[1].helps.at(0) == "sizes are binary: write `64KiB`");
    for (auto& t : l->tokens) {
        if (!t.is(token_kind::end_of_file))
            CHECK(t.malformed);
    }
}

TEST_CASE("lexer: numbers, arrows and punctuation")
{
    auto l = lex_text("-1 6.2832 1e5 9007199254740991 -> { } ( ) < > [ ] , ; : = . @");
    CHECK(l->tokens[0].kind == token_kind::number);
    CHECK(l->tokens[0].text == "-1");
    CHECK(l->tokens[1].kind == token_kind::number);
    CHECK(l->tokens[2].kind == token_kind::number);
    CHECK(l->tokens[3].kind == token_kind::integer);
    CHECK(l->tokens[3].value == 9007199254740991ull);
    CHECK(l->tokens[4].kind == token_kind::arrow);
    CHECK(l->tokens.size() == 20); // 19 and the end of the file
    CHECK_FALSE(l->diags.has_errors());
}

TEST_CASE("lexer: contextual keywords are plain identifiers")
{
    auto l = lex_text("to by at map room on emit struct namespace");
    for (std::size_t i = 0; i + 1 < l->tokens.size(); ++i)
        CHECK(l->tokens[i].kind == token_kind::identifier);
    CHECK(l->tokens[0].is_word("to"));
}

TEST_CASE("lexer: strings decode escapes and keep source offsets")
{
    auto l = lex_text(R"("a\"b\\c\n\t\u00e9z")");
    REQUIRE(l->tokens[0].kind == token_kind::string);
    auto& t = l->tokens[0];
    CHECK(t.text == "a\"b\\c\n\t\xc3\xa9z");
    REQUIRE(t.offsets.size() == t.text.size() + 1);
    CHECK(t.offsets[0] == 1);  // 'a'
    CHECK(t.offsets[1] == 2);  // the `\"` escape
    CHECK(t.offsets[2] == 4);  // 'b'
    CHECK(t.offsets[7] == 12); // both bytes of é point at its `\u`
    CHECK(t.offsets[8] == 12);
    CHECK(t.offsets[9] == 18);     // 'z'
    CHECK(t.offsets.back() == 19); // the closing quote
    CHECK_FALSE(l->diags.has_errors());
}

TEST_CASE("lexer: bad strings and comments")
{
    auto l = lex_text("\"abc\\q\" \"open {\n/* never closed");
    auto& d = l->diags.all();
    REQUIRE(d.size() == 3);
    CHECK(d[0].code == "E0003");
    CHECK(d[1].code == "E0002");
    CHECK(d[2].code == "E0004");
    // The unterminated string stops before the `{` it swallowed, which is lexed again.
    CHECK(l->tokens[1].text == "open");
    CHECK(l->tokens[2].kind == token_kind::l_brace);
}

TEST_CASE("lexer: doc comments attach to the next token, `////` is not one")
{
    auto l = lex_text("/// First line.\n///   Indented.\n// plain\nstruct\n//// ruler\nx");
    CHECK(l->tokens[0].doc == "First line.\n  Indented.");
    CHECK(l->tokens[1].doc.empty());
}

TEST_CASE("lexer: stray characters, shell comments and non-ASCII names")
{
    auto l = lex_text("# note\n$ x\nnaïve");
    auto& d = l->diags.all();
    REQUIRE(d.size() == 3);
    CHECK(d[0].code == "E0001"); // `#`: the rest of the line is skipped
    CHECK(d[1].code == "E0001");
    CHECK(d[2].code == "E0001");
    // `naïve` stays one (malformed) name so the declaration around it still parses.
    CHECK(l->tokens[1].is_word("naïve"));
    CHECK(l->tokens[1].malformed);
    CHECK(l->tokens[0].is_word("x"));
}

TEST_CASE("lexer: first_on_line marks recovery landmarks")
{
    auto l = lex_text("a b\n  c /* x\n */ d");
    CHECK(l->tokens[0].first_on_line);
    CHECK_FALSE(l->tokens[1].first_on_line);
    CHECK(l->tokens[2].first_on_line);
    CHECK(l->tokens[3].first_on_line); // after a multi-line comment
}
