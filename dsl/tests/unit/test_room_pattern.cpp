#include "room_pattern.hpp"

#include "lexer.hpp"

#include "compile.hpp"

#include <catch2/catch.hpp>

using namespace rtdl;

namespace {

struct pattern_result {
    source_manager sources;
    diagnostic_engine diags;
    room_pattern pattern;
    ast::string_literal literal;
};

/// Parses the pattern written as a string literal at column 1 of a one-line file.
std::unique_ptr<pattern_result> parse_pattern(const std::string& quoted)
{
    auto r = std::make_unique<pattern_result>();
    auto id = r->sources.add("p.rtdl", "/p.rtdl", quoted);
    auto tokens = lex(r->sources.file(id), id, r->diags);
    REQUIRE(tokens[0].kind == token_kind::string);
    r->literal = {tokens[0].text, tokens[0].offsets, tokens[0].where};
    r->pattern = parse_room_pattern(r->literal, r->diags);
    return r;
}

std::string text_at(const pattern_result& r, span s)
{
    return r.sources.file(s.file).text().substr(s.begin, s.size());
}

} // namespace

TEST_CASE("room pattern: literal text and typed placeholders, with their spans")
{
    auto r = parse_pattern(R"("dm:{a: common.UserId}:{b}")");
    REQUIRE(r->pattern.ok);
    auto& segs = r->pattern.segments;
    REQUIRE(segs.size() == 4);
    CHECK_FALSE(segs[0].is_placeholder);
    CHECK(segs[0].text == "dm:");
    CHECK(segs[1].is_placeholder);
    CHECK(segs[1].name.text == "a");
    CHECK(segs[1].type->str() == "common.UserId");
    CHECK(text_at(*r, segs[1].where) == "{a: common.UserId}");
    CHECK(text_at(*r, segs[1].name.where) == "a");
    CHECK(text_at(*r, segs[1].type->where) == "common.UserId");
    CHECK(segs[2].text == ":");
    CHECK_FALSE(segs[3].type); // no type: string
    CHECK(r->sources.start_of(segs[3].where).column == 24);
}

TEST_CASE("room pattern: spans point into the file through escapes")
{
    auto r = parse_pattern(R"("\u0041:{id}")");
    REQUIRE(r->pattern.ok);
    REQUIRE(r->pattern.segments.size() == 2);
    CHECK(r->pattern.segments[0].text == "A:");
    CHECK(text_at(*r, r->pattern.segments[1].where) == "{id}");
}

TEST_CASE("room pattern: malformed patterns")
{
    auto codes = [](const std::string& quoted) {
        auto r = parse_pattern(quoted);
        std::vector<std::string> out;
        for (auto& d : r->diags.all())
            out.push_back(d.code);
        CHECK_FALSE(r->pattern.ok);
        return out;
    };
    CHECK(codes(R"("")") == std::vector<std::string>{"E0407"});
    CHECK(codes(R"("a{b")") == std::vector<std::string>{"E0407"});
    CHECK(codes(R"("a}b")") == std::vector<std::string>{"E0407"});
    CHECK(codes(R"("a{}")") == std::vector<std::string>{"E0407"});
    CHECK(codes(R"("{a}{b}")") == std::vector<std::string>{"E0401"});
    CHECK(codes(R"("{a}:{a}")") == std::vector<std::string>{"E0101"});
    CHECK(codes(R"("x:{a: map<string, u32>}")") == std::vector<std::string>{"E0404"});
}

TEST_CASE("room pattern: delimiters must be outside the placeholder's characters (E0402)")
{
    auto c = test::compile(R"(rtdl 1;
@charset("A-Za-z0-9_-") type Id = string;
enum Side { buy, sell }
namespace n at "/n" {
    auth = none;
    room ok "dm:{a: Id}:{b: Id}";
    room ints "pos:{x: u32}-{y: i32}";
    room enums "side:{s: Side}:{n: u32}";
    room plain "p:{a}:{b}";
    room sgn "q:{x: i32}-{y: u32}";
}
)");
    CHECK(c->codes() == std::vector<std::string>{"E0402@9:19", "E0402@10:17"});
}

TEST_CASE("room pattern: two rooms matching one key (E0403), with a witness key")
{
    auto c = test::compile(R"(rtdl 1;
@charset("a-z") type Word = string;
namespace n at "/n" {
    auth = none;
    room by_id "room:{id: u32}";
    room by_word "room:{w: Word}";
    room exact "room:lobby";
    room other "x:{a: Word}:{b: Word}";
    room clash "x:{a: Word}:{n: u32}";
    room clash2 "x:{a: Word}:y{b: Word}";
}
)");
    // room:{u32} vs room:{Word}: digits and letters never overlap; `room:lobby` is exact.
    // x:{Word}:y{Word} overlaps x:{Word}:{Word} (b = "y…").
    REQUIRE(c->codes() == std::vector<std::string>{"E0403@10:17"});
    auto& d = *c->diags.sorted()[0];
    CHECK(d.message == "the rooms `other` and `clash2` can both match the key `x:a:ya`");
}

TEST_CASE("room pattern: the model keeps segments and placeholder types")
{
    auto c = test::compile(R"(rtdl 1;
namespace n at "/n" {
    auth = none;
    room dm "dm:{a: u64}:{b}" { join = handler; max_members = 2; }
}
)");
    REQUIRE(c->result.program);
    auto& room = c->main().namespaces[0].rooms[0];
    CHECK_FALSE(room.exact());
    REQUIRE(room.segments.size() == 4);
    CHECK(room.segments[0].text == "dm:");
    CHECK(room.segments[1].is_placeholder);
    CHECK(room.segments[1].placeholder == 0);
    CHECK(room.segments[3].placeholder == 1);
    REQUIRE(room.placeholders.size() == 2);
    CHECK(room.placeholders[0].type.scalar == model::scalar::u64);
    CHECK(room.placeholders[1].type.scalar == model::scalar::string);
    CHECK(room.settings.join == model::join_policy::handler);
    CHECK(room.settings.max_members == 2u);
}
