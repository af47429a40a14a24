#include <switchboard/protocol/sse_frame.hpp>

#include <catch2/catch.hpp>

using namespace sb;

TEST_CASE("sse: one data line per LF-separated line, blank line ends the event")
{
    std::string out;
    sse::append_event(out, "4hello");
    CHECK(out == "data: 4hello\n\n");

    out.clear();
    sse::append_event(out, "4a\nb\n");
    CHECK(out == "data: 4a\ndata: b\ndata: \n\n");

    out.clear();
    sse::append_event(out, "");
    CHECK(out == "data: \n\n");
}

TEST_CASE("sse: event and id lines come before the data")
{
    std::string out;
    sse::append_event(out, R"({"p":1})", "quote", "7:42");
    CHECK(out == "event: quote\nid: 7:42\ndata: {\"p\":1}\n\n");
}

TEST_CASE("sse: comments, retry, and what cannot be carried")
{
    std::string out;
    sse::append_comment(out);
    sse::append_comment(out, "hb");
    sse::append_retry(out, 3000);
    CHECK(out == ":\n: hb\nretry: 3000\n\n");
    CHECK(sse::has_cr("a\rb"));
    CHECK_FALSE(sse::has_cr("a\nb"));
}
