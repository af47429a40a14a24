#include <switchboard/protocol/eio_packet.hpp>

#include <switchboard/error.hpp>
#include <switchboard/protocol/base64.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace std::literals;
using sb::eio::packet;
using sb::eio::packet_type;

namespace {

struct parse_result {
    boost::system::error_code ec;
    std::vector<packet> packets;
};

/// Feeds `pieces` to a fresh payload_parser, then finishes it.
parse_result parse_pieces(const std::vector<std::string_view>& pieces)
{
    sb::eio::payload_parser parser;
    parse_result r;
    for (const auto piece : pieces) {
        const std::size_t used = parser.put(piece, r.ec);
        while (parser.has_packet()) {
            r.packets.push_back(parser.take());
        }
        if (r.ec) {
            CHECK(used == 0);
            CHECK(parser.done());
            return r;
        }
        CHECK(used == piece.size());
    }
    parser.finish(r.ec);
    while (parser.has_packet()) {
        r.packets.push_back(parser.take());
    }
    CHECK(parser.done());
    return r;
}

/// Parses `body` whole, split in two at every position, and one byte at a time (Beast's
/// parsegrind): every way must give `expected_ec` and `expected` packets.
void grind(std::string_view body, boost::system::error_code expected_ec, const std::vector<packet>& expected)
{
    INFO("body: " << body);
    {
        std::vector<packet> out;
        CHECK(sb::eio::decode_payload(body, out) == expected_ec);
        CHECK(out == expected);
    }
    for (std::size_t split = 0; split <= body.size(); ++split) {
        INFO("split at " << split);
        const auto r = parse_pieces({body.substr(0, split), body.substr(split)});
        CHECK(r.ec == expected_ec);
        CHECK(r.packets == expected);
    }
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < body.size(); ++i) {
        bytes.push_back(body.substr(i, 1));
    }
    const auto r = parse_pieces(bytes);
    CHECK(r.ec == expected_ec);
    CHECK(r.packets == expected);
}

packet text(packet_type t, std::string data = {})
{
    return {t, false, std::move(data)};
}

packet binary(std::string bytes)
{
    return {packet_type::message, true, std::move(bytes)};
}

} // namespace

TEST_CASE("eio packet types are the wire digits", "[eio]")
{
    CHECK(sb::eio::to_char(packet_type::open) == '0');
    CHECK(sb::eio::to_char(packet_type::message) == '4');
    CHECK(sb::eio::to_char(packet_type::noop) == '6');
}

TEST_CASE("eio decode_text reads every packet type", "[eio]")
{
    struct {
        std::string_view in;
        packet_type type;
        std::string_view data;
    } const cases[] = {
        {"0", packet_type::open, ""},
        {"1", packet_type::close, ""},
        {"2", packet_type::ping, ""},
        {"2probe", packet_type::ping, "probe"},
        {"3probe", packet_type::pong, "probe"},
        {"4test", packet_type::message, "test"},
        {"4", packet_type::message, ""},
        {"5", packet_type::upgrade, ""},
        {"6", packet_type::noop, ""},
        {"41\xe2\x82\xac", packet_type::message, "1\xe2\x82\xac"},
        {"42[\"ev\"]", packet_type::message, "2[\"ev\"]"},
    };
    for (const auto& c : cases) {
        INFO(c.in);
        sb::eio::packet_view view;
        REQUIRE_FALSE(sb::eio::decode_text(c.in, view));
        CHECK(view.type == c.type);
        CHECK_FALSE(view.binary);
        CHECK_FALSE(view.base64);
        CHECK(view.data == c.data);
        CHECK(view.data.data() == c.in.data() + 1); // a view into the input

        packet owned;
        REQUIRE_FALSE(sb::eio::decode_text(c.in, owned));
        CHECK(owned == text(c.type, std::string(c.data)));
    }
}

TEST_CASE("eio decode_text reads b<base64> as a binary message", "[eio]")
{
    sb::eio::packet_view view;
    REQUIRE_FALSE(sb::eio::decode_text("bAQIDBA==", view));
    CHECK(view.type == packet_type::message);
    CHECK(view.binary);
    CHECK(view.base64);
    CHECK(view.data == "AQIDBA=="); // still base64

    packet owned;
    REQUIRE_FALSE(sb::eio::decode_text("bAQIDBA==", owned));
    CHECK(owned == binary(std::string{1, 2, 3, 4}));

    REQUIRE_FALSE(sb::eio::decode_text("b", owned)); // an empty binary message
    CHECK(owned == binary(""));
}

TEST_CASE("eio decode_text rejects malformed packets", "[eio]")
{
    // engine.io-parser test/index.ts "should fail to decode a malformed packet", and more.
    for (const std::string_view in : {""sv, "a123"sv, "7"sv, "9"sv, "/"sv, " 4"sv, "{}"sv, "B"sv, "bA"sv,
                                      "b!!!!"sv, "bAQIDBA=\x1e"sv, "\0"sv, "\x1e"sv}) {
        INFO(in);
        sb::eio::packet_view view;
        CHECK(sb::eio::decode_text(in, view) == sb::error::bad_packet);
        packet owned;
        CHECK(sb::eio::decode_text(in, owned) == sb::error::bad_packet);
    }
}

TEST_CASE("eio payloads decode in pieces of every size", "[eio][payload]")
{
    const boost::system::error_code ok;

    SECTION("all packet types (engine.io-parser test/index.ts)")
    {
        grind("0\x1e"
              "1\x1e"
              "2probe\x1e"
              "3probe\x1e"
              "4test",
              ok,
              {text(packet_type::open), text(packet_type::close), text(packet_type::ping, "probe"),
               text(packet_type::pong, "probe"), text(packet_type::message, "test")});
    }
    SECTION("a string and a Buffer (engine.io-parser test/node.ts, docs/protocol.md)")
    {
        grind("4test\x1e"
              "bAQIDBA==",
              ok, {text(packet_type::message, "test"), binary(std::string{1, 2, 3, 4})});
        grind("4hello\x1e"
              "bAQIDBA==",
              ok, {text(packet_type::message, "hello"), binary(std::string{1, 2, 3, 4})});
    }
    SECTION("single packets")
    {
        grind("1", ok, {text(packet_type::close)});
        grind("42[\"ev\",{\"a\":\"\xe2\x82\xac\"}]", ok,
              {text(packet_type::message, "2[\"ev\",{\"a\":\"\xe2\x82\xac\"}]")});
        grind("b", ok, {binary("")});
        grind("bAAECAwQFBgcICQ==", ok, {binary(std::string{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})});
    }
    SECTION("Socket.IO binary event in a polling payload")
    {
        grind("451-[\"up\",{\"_placeholder\":true,\"num\":0}]\x1e"
              "bAQID",
              ok,
              {text(packet_type::message, "51-[\"up\",{\"_placeholder\":true,\"num\":0}]"),
               binary(std::string{1, 2, 3})});
    }
}

TEST_CASE("eio payload errors keep the packets before the bad one", "[eio][payload]")
{
    const auto bad = make_error_code(sb::error::bad_packet);
    // engine.io-parser test/index.ts "should fail to decode a malformed payload"
    grind("{", bad, {});
    grind("{}", bad, {});
    grind("[\"a123\", \"a456\"]", bad, {});
    // Empty body, empty records.
    grind("", bad, {});
    grind("\x1e", bad, {});
    grind("4a\x1e", bad, {text(packet_type::message, "a")});
    grind("\x1e"
          "4a",
          bad, {});
    grind("4a\x1e\x1e"
          "4b",
          bad, {text(packet_type::message, "a")});
    // Unknown type and bad base64 in the middle.
    grind("4a\x1e"
          "9\x1e"
          "4b",
          bad, {text(packet_type::message, "a")});
    grind("2\x1e"
          "bA\x1e"
          "4b",
          bad, {text(packet_type::ping)});
    grind("4a\x1e"
          "b====",
          bad, {text(packet_type::message, "a")});
}

TEST_CASE("eio payload_parser fails for good and can be reset", "[eio][payload]")
{
    sb::eio::payload_parser parser;
    boost::system::error_code ec;
    CHECK(parser.put("4a\x1e"
                     "x\x1e",
                     ec)
          == 0);
    CHECK(ec == sb::error::bad_packet);
    CHECK(parser.put("4b", ec) == 0);
    CHECK(ec == sb::error::bad_packet);
    parser.finish(ec);
    CHECK(ec == sb::error::bad_packet);

    parser.reset();
    CHECK_FALSE(parser.done());
    CHECK_FALSE(parser.has_packet());
    CHECK(parser.put("4b", ec) == 2);
    CHECK_FALSE(ec);
    CHECK_FALSE(parser.has_packet()); // not until the end of the body
    parser.finish(ec);
    CHECK_FALSE(ec);
    REQUIRE(parser.has_packet());
    CHECK(parser.take() == text(packet_type::message, "b"));
    CHECK(parser.done());

    CHECK(parser.put("4c", ec) == 0); // bytes after the end of the body
    CHECK(ec == sb::error::bad_packet);
}

TEST_CASE("eio payload_parser hands out packets as soon as they are complete", "[eio][payload]")
{
    sb::eio::payload_parser parser;
    boost::system::error_code ec;
    parser.put("4a\x1e"
               "4b",
               ec);
    REQUIRE_FALSE(ec);
    REQUIRE(parser.has_packet());
    CHECK(parser.take() == text(packet_type::message, "a"));
    CHECK_FALSE(parser.has_packet());
    parser.put("c\x1e", ec);
    REQUIRE(parser.has_packet());
    CHECK(parser.take() == text(packet_type::message, "bc"));
}

TEST_CASE("eio append_payload builds polling payloads", "[eio][payload]")
{
    std::string body;
    sb::eio::append_payload(body, packet_type::message, "hello");
    CHECK(body == "4hello");
    sb::eio::append_payload(body, packet_type::message, std::string{1, 2, 3, 4}, true);
    CHECK(body
          == "4hello\x1e"
             "bAQIDBA==");
    sb::eio::append_payload(body, packet_type::close, "");
    CHECK(body
          == "4hello\x1e"
             "bAQIDBA==\x1e"
             "1");

    // engine.io-parser test/index.ts "should encode/decode all packet types"
    std::string all;
    sb::eio::append_payload(all, packet_type::open, "");
    sb::eio::append_payload(all, packet_type::close, "");
    sb::eio::append_payload(all, packet_type::ping, "probe");
    sb::eio::append_payload(all, packet_type::pong, "probe");
    sb::eio::append_payload(all, packet_type::message, "test");
    CHECK(all
          == "0\x1e"
             "1\x1e"
             "2probe\x1e"
             "3probe\x1e"
             "4test");
}

TEST_CASE("eio payloads round-trip", "[eio][payload]")
{
    const std::vector<packet> packets = {
        text(packet_type::message, "2[\"ev\",1]"),
        binary(std::string{0, '\x1e', '\xff'}),
        binary(""),
        text(packet_type::ping),
        text(packet_type::message, ""),
        text(packet_type::noop),
    };
    std::string body;
    for (const auto& p : packets) {
        sb::eio::append_payload(body, p.type, p.data, p.binary);
    }
    grind(body, {}, packets);
}

TEST_CASE("eio append_text and append_base64_text write single packets", "[eio]")
{
    std::string out;
    sb::eio::append_text(out, packet_type::ping, "");
    CHECK(out == "2");
    out.clear();
    sb::eio::append_text(out, packet_type::pong, "probe");
    CHECK(out == "3probe");
    out.clear();
    sb::eio::append_text(out, packet_type::message, "2[\"a\"]");
    CHECK(out == "42[\"a\"]");
    out.clear();
    sb::eio::append_base64_text(out, std::string{1, 2, 3, 4});
    CHECK(out == "bAQIDBA==");

    sb::eio::packet_view view;
    REQUIRE_FALSE(sb::eio::decode_text(out, view));
    CHECK(view.binary);
}

TEST_CASE("eio open_packet is byte-exact", "[eio]")
{
    // docs/protocol.md "Packets".
    CHECK(sb::eio::open_packet({.sid = "lv_VI97HAXpY6yYWAAAC",
                                .upgrade_to_websocket = true,
                                .ping_interval_ms = 25000,
                                .ping_timeout_ms = 20000,
                                .max_payload = 1000000})
          == R"(0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,)"
             R"("pingTimeout":20000,"maxPayload":1000000})");
    CHECK(sb::eio::open_packet({.sid = "abc",
                                .upgrade_to_websocket = false,
                                .ping_interval_ms = 300,
                                .ping_timeout_ms = 200,
                                .max_payload = 0})
          == R"(0{"sid":"abc","upgrades":[],"pingInterval":300,"pingTimeout":200,"maxPayload":0})");
}

TEST_CASE("eio open_packet escapes the sid as JSON.stringify", "[eio]")
{
    const std::string p = sb::eio::open_packet({.sid = "a\"b\\c\n\x01",
                                                .upgrade_to_websocket = false,
                                                .ping_interval_ms = 1,
                                                .ping_timeout_ms = 2,
                                                .max_payload = 3});
    CHECK(p == R"(0{"sid":"a\"b\\c\n\u0001","upgrades":[],"pingInterval":1,"pingTimeout":2,"maxPayload":3})");
}
