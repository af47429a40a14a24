#include <switchboard/protocol/eio_sse.hpp>

#include <catch2/catch.hpp>

using namespace sb;

TEST_CASE("eio sse: one packet per event, with its type digit")
{
    std::string out;
    CHECK(eio::append_sse_packet(out, R"(0{"sid":"x","upgrades":["websocket"]})"));
    CHECK(eio::append_sse_packet(out, "2"));
    CHECK(eio::append_sse_packet(out, R"(42["chat","hi"])"));
    CHECK(eio::append_sse_packet(out, "6"));
    CHECK(out == "data: 0{\"sid\":\"x\",\"upgrades\":[\"websocket\"]}\n\n"
                 "data: 2\n\n"
                 "data: 42[\"chat\",\"hi\"]\n\n"
                 "data: 6\n\n");
}

TEST_CASE("eio sse: binary messages go as b<base64>")
{
    std::string out;
    const char bytes[] = {1, 2, 3, '\r', '\n', static_cast<char>(0xff)};
    CHECK(eio::append_sse_packet(out, std::string_view(bytes, sizeof bytes), true));
    CHECK(out == "data: bAQIDDQr/\n\n");
    out.clear();
    CHECK(eio::append_sse_packet(out, {}, true));
    CHECK(out == "data: b\n\n");
}

TEST_CASE("eio sse: an LF becomes another data line; a CR is refused")
{
    std::string out = "kept";
    CHECK(eio::append_sse_packet(out, "4a\nb"));
    CHECK(out == "keptdata: 4a\ndata: b\n\n");
    out = "kept";
    CHECK_FALSE(eio::append_sse_packet(out, "4a\rb"));
    CHECK_FALSE(eio::append_sse_packet(out, "4a\r\nb"));
    CHECK(out == "kept");
}
