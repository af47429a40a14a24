#include "source.hpp"

#include <catch2/catch.hpp>

using namespace rtdl;

TEST_CASE("source: lines and columns count code points, a tab as 4")
{
    source_file f("a.rtdl", "/a.rtdl", "ab\n\tx\n日本x\r\nend");
    CHECK(f.line_count() == 4);
    auto p = f.position_of(1);
    CHECK(p.line == 1);
    CHECK(p.column == 2);
    p = f.position_of(4); // 'x' after a tab
    CHECK(p.line == 2);
    CHECK(p.column == 5);
    p = f.position_of(6 + 6); // 'x' after two 3-byte code points
    CHECK(p.line == 3);
    CHECK(p.column == 3);
    CHECK(f.line_text(3) == "日本x"); // the '\r' is not part of the line
    CHECK(f.line_text(4) == "end");
    CHECK(f.position_of(1000).line == 4); // clamped
}

TEST_CASE("source: invalid UTF-8 decodes as U+FFFD, one byte at a time")
{
    std::string_view bad = "\xff\xc3(\xe2\x82";
    std::size_t i = 0;
    CHECK(decode_utf8(bad, i) == U'\uFFFD');
    CHECK(i == 1);
    CHECK(decode_utf8(bad, i) == U'\uFFFD'); // truncated 2-byte sequence
    CHECK(i == 2);
    CHECK(decode_utf8(bad, i) == U'(');
    std::string_view overlong = "\xc0\xaf";
    i = 0;
    CHECK(decode_utf8(overlong, i) == U'\uFFFD');
    std::string out;
    append_utf8(out, U'\U0001F389');
    i = 0;
    CHECK(decode_utf8(out, i) == U'\U0001F389');
    CHECK(i == 4);
}

TEST_CASE("source: display widths for caret lines")
{
    CHECK(display_width(U'a') == 1);
    CHECK(display_width(U'\t') == 4);
    CHECK(display_width(U'日') == 2);
    CHECK(display_width(U'\U0001F389') == 2);
    CHECK(display_width(U'\u0301') == 0); // combining acute accent
}

TEST_CASE("source: files added from memory are found by absolute path")
{
    source_manager sm;
    auto id = sm.add("x.rtdl", "/virtual/x.rtdl", "rtdl 1;");
    CHECK(sm.find("/virtual/x.rtdl") == id);
    CHECK(sm.find("/virtual/y.rtdl") == no_file);
    std::string error;
    CHECK(sm.load("/definitely/not/here.rtdl", "here.rtdl", error) == no_file);
    CHECK(error == "no such file");
}
