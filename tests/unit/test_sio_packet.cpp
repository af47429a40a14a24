#include <switchboard/protocol/sio_packet.hpp>

#include <switchboard/error.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace std::literals;
using sb::sio::packet;
using sb::sio::packet_type;

namespace {

struct decoded {
    boost::system::error_code ec;
    packet p;
};

/// Decodes one text message and its attachments with a fresh decoder.
decoded decode(std::string_view text, const std::vector<std::string>& attachments = {},
               sb::sio::decoder_options options = {})
{
    sb::sio::decoder d(options);
    decoded r;
    r.ec = d.put_text(text);
    for (const auto& a : attachments) {
        if (r.ec) {
            break;
        }
        REQUIRE(d.awaiting_binary());
        r.ec = d.put_binary(a);
    }
    if (!r.ec) {
        REQUIRE(d.ready());
        r.p = d.take();
        CHECK_FALSE(d.ready());
    }
    else {
        CHECK_FALSE(d.ready());
        CHECK_FALSE(d.awaiting_binary());
    }
    return r;
}

packet decode_ok(std::string_view text, const std::vector<std::string>& attachments = {})
{
    INFO(text);
    auto r = decode(text, attachments);
    REQUIRE_FALSE(r.ec);
    return r.p;
}

boost::system::error_code decode_error(std::string_view text, sb::sio::decoder_options options = {})
{
    return decode(text, {}, options).ec;
}

std::string encoded(const packet& p)
{
    std::string out;
    sb::sio::encode(out, p);
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Decoding: the examples of docs/protocol.md and socket.io-parser's test suite (test/parser.js,
// test/buffer.js; the wire strings were produced by socket.io-parser 4.2.7's Encoder).

TEST_CASE("sio decodes CONNECT", "[sio]")
{
    const auto p = decode_ok(R"(0/woot,{"token":"123"})");
    CHECK(p.type == packet_type::connect);
    CHECK(p.nsp == "/woot");
    CHECK(p.data == R"({"token":"123"})");
    CHECK_FALSE(p.id);

    const auto root = decode_ok("0");
    CHECK(root.type == packet_type::connect);
    CHECK(root.nsp == "/");
    CHECK(root.data.empty());

    CHECK(decode_ok("0/admin,").nsp == "/admin");
    CHECK(decode_ok(R"(0{"pid":"EDyf","offset":"Q80E6Ss"})").data == R"({"pid":"EDyf","offset":"Q80E6Ss"})");
}

TEST_CASE("sio decodes DISCONNECT, with or without the comma", "[sio]")
{
    for (const std::string_view text : {"1/woot,"sv, "1/woot"sv}) {
        const auto p = decode_ok(text);
        CHECK(p.type == packet_type::disconnect);
        CHECK(p.nsp == "/woot");
        CHECK(p.data.empty());
    }
    CHECK(decode_ok("1").nsp == "/");
}

TEST_CASE("sio decodes EVENT", "[sio]")
{
    const auto p = decode_ok(R"(2["a",1,{}])");
    CHECK(p.type == packet_type::event);
    CHECK(p.nsp == "/");
    CHECK(p.event == "a");
    CHECK(p.data == R"(["a",1,{}])");
    CHECK_FALSE(p.id);

    const auto with_ack = decode_ok(R"(2/test,1["a",1,{}])");
    CHECK(with_ack.nsp == "/test");
    CHECK(with_ack.id == 1u);
    CHECK(with_ack.event == "a");

    const auto admin = decode_ok(R"(2/admin,13["foo",1])");
    CHECK(admin.nsp == "/admin");
    CHECK(admin.id == 13u);
    CHECK(admin.event == "foo");
    CHECK(admin.data == R"(["foo",1])");
}

TEST_CASE("sio decodes EVENT names given as numbers as JavaScript's String()", "[sio]")
{
    CHECK(decode_ok(R"(2[1,"a",{}])").event == "1");
    CHECK(decode_ok("2[1.50]").event == "1.5");
    CHECK(decode_ok("2[-0]").event == "0");
    CHECK(decode_ok("2[-3]").event == "-3");
    CHECK(decode_ok("2[1e2]").event == "100");
    CHECK(decode_ok("2[1e21]").event == "1e+21");
    CHECK(decode_ok("2[1.5e-7]").event == "1.5e-7");
    CHECK(decode_ok("2[0.000001]").event == "0.000001");
    CHECK(decode_ok("2[12345678901234567890]").event == "12345678901234567000");
    CHECK(decode_ok("2[123456789012345678901]").event == "123456789012345680000");
}

TEST_CASE("sio decodes ACK", "[sio]")
{
    const auto p = decode_ok(R"(3123["a",1,{}])");
    CHECK(p.type == packet_type::ack);
    CHECK(p.id == 123u);
    CHECK(p.data == R"(["a",1,{}])");
    CHECK(p.event.empty());

    CHECK(decode_ok(R"(313["bar"])").id == 13u);
    CHECK(decode_ok("3/chat,7[]").data == "[]");
    // socket.io-parser accepts an ACK without arguments.
    const auto bare = decode_ok("31");
    CHECK(bare.id == 1u);
    CHECK(bare.data.empty());
}

TEST_CASE("sio decodes CONNECT_ERROR", "[sio]")
{
    CHECK(decode_ok(R"(4"Unauthorized")").data == R"("Unauthorized")");
    CHECK(decode_ok(R"(4{"message":"Unauthorized"})").data == R"({"message":"Unauthorized"})");
    const auto p = decode_ok(R"(4/random,{"message":"Invalid namespace"})");
    CHECK(p.type == packet_type::connect_error);
    CHECK(p.nsp == "/random");
}

TEST_CASE("sio decodes BINARY_EVENT after its attachments", "[sio][binary]")
{
    sb::sio::decoder d;
    REQUIRE_FALSE(d.put_text(R"(51-/cool,23["a",{"_placeholder":true,"num":0}])"));
    CHECK_FALSE(d.ready());
    CHECK(d.awaiting_binary());
    REQUIRE_FALSE(d.put_binary("abc"));
    REQUIRE(d.ready());
    const auto p = d.take();
    CHECK(p.type == packet_type::binary_event);
    CHECK(p.nsp == "/cool");
    CHECK(p.id == 23u);
    CHECK(p.attachments == 1);
    CHECK(p.event == "a");
    CHECK(p.data == R"(["a",{"_placeholder":true,"num":0}])");
    CHECK(p.buffers == std::vector<std::string>{"abc"});
    CHECK_FALSE(d.awaiting_binary());
}

TEST_CASE("sio decodes nested placeholders and several attachments", "[sio][binary]")
{
    const auto nested = decode_ok(R"(51-/cool,23["a",{"b":["c",{"_placeholder":true,"num":0}]}])", {"abc"});
    CHECK(nested.buffers == std::vector<std::string>{"abc"});

    const auto two = decode_ok(R"(52-["up",{"_placeholder":true,"num":1},[{"_placeholder":true,"num":0}]])",
                               {"first", ""});
    CHECK(two.attachments == 2);
    CHECK(two.buffers == std::vector<std::string>{"first", ""}); // in arrival order = num order

    const auto p = decode_ok(R"(51-["baz",{"_placeholder":true,"num":0}])", {"\x00\x01"s});
    CHECK(p.event == "baz");
    CHECK(p.buffers[0] == "\x00\x01"s);
}

TEST_CASE("sio decodes BINARY_ACK", "[sio][binary]")
{
    const auto p = decode_ok(R"(61-/back,127["a",{"_placeholder":true,"num":0},{}])", {"xxx"});
    CHECK(p.type == packet_type::binary_ack);
    CHECK(p.nsp == "/back");
    CHECK(p.id == 127u);
    CHECK(p.buffers == std::vector<std::string>{"xxx"});

    CHECK(decode_ok(R"(61-15["bar",{"_placeholder":true,"num":0}])", {"x"}).id == 15u);
    // Without JSON (accepted by socket.io-parser): the attachments are still awaited.
    const auto bare = decode_ok("61-5", {"x"});
    CHECK(bare.id == 5u);
    CHECK(bare.data.empty());
}

TEST_CASE("sio decodes up to max_attachments attachments", "[sio][binary]")
{
    const std::vector<std::string> ten(10, "z");
    CHECK(decode_ok(R"(510-["a"])", ten).buffers.size() == 10);
    CHECK(decode_ok(R"(5001-["a"])", {"z"}).attachments == 1); // leading zeros are digits
}

// ---------------------------------------------------------------------------------------------
// socket.io-parser quirks that real encoders never trigger but the decoder must reproduce.

TEST_CASE("sio namespace runs to the first comma or to the end", "[sio][quirks]")
{
    const auto p = decode_ok(R"(0/chat{"a":1})");
    CHECK(p.nsp == R"(/chat{"a":1})");
    CHECK(p.data.empty());
    CHECK(decode_ok("1/").nsp == "/");
    CHECK(decode_ok("1/,").nsp == "/");
    CHECK(decode_ok("1/a b/c").nsp == "/a b/c");
}

TEST_CASE("sio ack id is the run of digits, on any packet type", "[sio][quirks]")
{
    CHECK(decode_ok(R"(2012["a"])").id == 12u);
    CHECK(decode_ok(R"(0/a,1{})").id == 1u);
    CHECK(decode_ok("0/a,1").id == 1u);
    CHECK(decode_ok("17").id == 7u);
    CHECK(decode_ok(R"(218446744073709551615["a"])").id == 18446744073709551615u);
}

TEST_CASE("sio JSON is as JSON.parse reads it", "[sio][quirks]")
{
    CHECK(decode_ok(R"(2["a"] )").data == R"(["a"] )");               // trailing whitespace
    CHECK(decode_ok("2\t[\"a\"]").data == "\t[\"a\"]");               // leading whitespace (no id)
    CHECK(decode_ok(R"(0{"a":1,"a":2})").data == R"({"a":1,"a":2})"); // duplicate keys
    CHECK(decode_ok(R"(2["__proto__"])").event == "__proto__");
    CHECK(decode_ok(R"(2["\u00e9v\n"])").event == "\xc3\xa9v\n"); // the name is unescaped
    CHECK(decode_ok(R"(2["Connect"])").event == "Connect");
    CHECK(decode_ok(R"(2["ev",1e-400])").event == "ev"); // underflows to 0, as in JavaScript
}

TEST_CASE("sio accepts big integers and lone surrogates that simdjson alone rejects", "[sio][quirks]")
{
    // JSON.stringify(1e20) === "100000000000000000000"; Python sends big ints as is.
    const auto big = decode_ok(R"(2["n",100000000000000000000,-9223372036854775809,18446744073709551615])");
    CHECK(big.event == "n");
    CHECK(big.data == R"(["n",100000000000000000000.0,-9223372036854775809.0,18446744073709551615])");
    CHECK(decode_ok("2[100000000000000000000]").event == "100000000000000000000");

    // "abc\ud83d\ude00".slice(0, 4) is sent as "abc\ud83d".
    const auto lone = decode_ok(R"(2["abc\ud83d","\udc00x","\ud83d\ude00"])");
    CHECK(lone.event == "abc\xef\xbf\xbd");
    CHECK(lone.data == R"(["abc\ufffd","\ufffdx","\ud83d\ude00"])");
    CHECK(decode_ok(R"(2["\ud83d\ude00"])").event == "\xf0\x9f\x98\x80");
}

TEST_CASE("sio placeholders are checked as binary.ts _reconstructPacket does", "[sio][binary][quirks]")
{
    // The last _placeholder wins; only `true` makes a placeholder.
    CHECK_FALSE(decode(R"(51-["a",{"_placeholder":true,"_placeholder":false,"num":5}])", {"x"}).ec);
    CHECK_FALSE(decode(R"(51-["a",{"_placeholder":"true","num":5}])", {"x"}).ec);
    CHECK_FALSE(decode(R"(51-["a",{"_placeholder":1,"num":5}])", {"x"}).ec);
    // A placeholder's content is not searched.
    CHECK_FALSE(decode(R"(51-["a",{"_placeholder":true,"num":0,"x":{"_placeholder":true}}])", {"x"}).ec);
    // 1.0 is the integer 1.
    CHECK_FALSE(
        decode(R"(52-["a",{"_placeholder":true,"num":1.0},{"_placeholder":true,"num":1e0}])", {"x", "y"}).ec);
    // Not every attachment has to be referenced, and one can be referenced twice.
    CHECK_FALSE(
        decode(R"(52-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":0}])", {"x", "y"}).ec);
    // Placeholders in non-binary packets are plain objects.
    CHECK_FALSE(decode(R"(2["a",{"_placeholder":true,"num":7}])").ec);
}

// ---------------------------------------------------------------------------------------------
// Errors.

TEST_CASE("sio rejects bad packet types", "[sio][errors]")
{
    // socket.io-parser test/parser.js: "unknown packet type 9"
    for (const std::string_view text : {"999"sv, "7"sv, "9"sv, "a"sv, "-1"sv, "/"sv, "\x00"sv}) {
        INFO(text);
        CHECK(decode_error(text) == sb::error::bad_sio_packet);
    }
    // Strict where JavaScript's Number() turns "" and " " into 0 (CONNECT).
    CHECK(decode_error("") == sb::error::bad_sio_packet);
    CHECK(decode_error(" {}") == sb::error::bad_sio_packet);
    CHECK(decode_error("\n") == sb::error::bad_sio_packet);
}

TEST_CASE("sio rejects illegal attachment counts", "[sio][errors]")
{
    // socket.io-parser test/parser.js: "Illegal attachments"
    for (const std::string_view text :
         {"5"sv, "51"sv, "50-"sv, "5a-"sv, "51.23-"sv, "5-"sv, R"(5-["a"])"sv, R"(50-["a"])"sv, R"(6["a"])"sv,
          R"(5["a-b"])"sv, R"(5 1-["a"])"sv, R"(5+1-["a"])"sv, R"(50x1-["a"])"sv, R"(51e0-["a"])"sv}) {
        INFO(text);
        CHECK(decode_error(text) == sb::error::bad_sio_packet);
    }
}

TEST_CASE("sio rejects too many attachments", "[sio][errors]")
{
    // socket.io-parser test/parser.js "throws an error when receiving too many attachments"
    const std::string three = R"(53-["hello",{"_placeholder":true,"num":0},)"
                              R"({"_placeholder":true,"num":1},{"_placeholder":true,"num":2}])";
    CHECK(decode_error(three, {.max_attachments = 2}) == sb::error::too_many_attachments);
    CHECK(decode(three, {"a", "b", "c"}, {.max_attachments = 3}).p.buffers.size() == 3);
    CHECK(decode_error(R"(511-["a"])") == sb::error::too_many_attachments);
    CHECK(decode_error(R"(5999999999999999999999999999-["a"])") == sb::error::too_many_attachments);
    CHECK(decode_error(R"(611-1["a"])") == sb::error::too_many_attachments);
}

TEST_CASE("sio rejects payloads that do not fit the type", "[sio][errors]")
{
    // socket.io-parser test/parser.js "throw an error upon parsing error" (valid JSON ones)
    for (const std::string_view text :
         {R"(0/admin,"invalid")"sv, "0[]"sv, "1/admin,{}"sv, "2/admin,{}"sv, R"(2[{"toString":"foo"}])"sv,
          R"(2[true,"foo"])"sv, R"(2[null,"bar"])"sv, R"(2["connect"])"sv, R"(2["disconnect","123"])"sv}) {
        INFO(text);
        CHECK(decode_error(text) == sb::error::bad_payload);
    }
    // Every reserved name, including when written with escapes.
    for (const std::string_view text :
         {R"(2["connect_error"])"sv, R"(2["disconnecting"])"sv, R"(2["newListener",1])"sv,
          R"(2/chat,["removeListener"])"sv, R"(2["\u0063onnect"])"sv,
          R"(51-["connect",{"_placeholder":true,"num":0}])"sv}) {
        INFO(text);
        CHECK(decode_error(text) == sb::error::bad_payload);
    }
    // Further shapes.
    for (const std::string_view text :
         {"0null"sv, "0\"a\""sv, "1[]"sv, "1/a,{"sv, "2[]"sv, "2{}"sv, R"(2"a")"sv, "2[[\"a\"]]"sv, "3{}"sv,
          "3null"sv, "3\"a\""sv, "4[]"sv, "4null"sv, "4true"sv, R"(51-{"a":{"_placeholder":true,"num":0}})"sv,
          R"(61-{"_placeholder":true,"num":0})"sv}) {
        INFO(text);
        CHECK(decode_error(text) == sb::error::bad_payload);
    }
}

TEST_CASE("sio rejects EVENT without arguments (Node would emit an undefined event)", "[sio][errors]")
{
    CHECK(decode_error("2") == sb::error::bad_payload);
    CHECK(decode_error("2/chat,") == sb::error::bad_payload);
    CHECK(decode_error("2/chat,5") == sb::error::bad_payload);
    CHECK(decode_error("51-") == sb::error::bad_payload);
}

TEST_CASE("sio rejects invalid JSON", "[sio][errors]")
{
    // socket.io-parser test/parser.js: '442["some","data"' and '2/admin,"invalid'
    for (const std::string_view text :
         {R"(442["some","data")"sv, R"(2/admin,"invalid)"sv, R"(2["a",])"sv, R"(2["a"]])"sv, R"(2["a"]x)"sv,
          R"(2['a'])"sv, R"(2["a",01])"sv, R"(2["a",1.])"sv, R"(2["a",NaN])"sv, R"(2["a",Infinity])"sv,
          "2[\"a\x01\"]"sv, "2[\"\xc3\x28\"]"sv, R"(2["\x"])"sv, R"(2["\u12"])"sv, R"(0{a:1})"sv,
          R"(2["a",1e400])"sv, "2[\"a\"]\x00"sv}) {
        INFO(text);
        CHECK(decode_error(text) == sb::error::bad_sio_packet);
    }
}

TEST_CASE("sio bounds the JSON depth", "[sio][errors]")
{
    const sb::sio::decoder_options shallow{.max_json_depth = 3};
    CHECK_FALSE(decode(R"(2["a",[[1]]])", {}, shallow).ec);
    CHECK(decode(R"(2["a",[[[1]]]])", {}, shallow).ec == sb::error::bad_sio_packet);
    CHECK_FALSE(decode(R"(2["a",{"b":{"c":1}}])", {}, shallow).ec);
    CHECK(decode(R"(2["a",{"b":{"c":{"d":1}}}])", {}, shallow).ec == sb::error::bad_sio_packet);
    CHECK_FALSE(decode(R"(2["a",{"b":{"c":{}}}])", {}, shallow).ec); // an empty {} does not count

    const std::string deep_64 = "2[\"a\"," + std::string(63, '[') + "1" + std::string(64, ']');
    const std::string deep_65 = "2[\"a\"," + std::string(64, '[') + "1" + std::string(65, ']');
    CHECK_FALSE(decode(deep_64).ec);
    CHECK(decode(deep_65).ec == sb::error::bad_sio_packet);
    // The thread's parser follows each decoder's bound.
    CHECK(decode(deep_64, {}, shallow).ec == sb::error::bad_sio_packet);
    CHECK_FALSE(decode(deep_64).ec);
}

TEST_CASE("sio rejects ack ids beyond 64 bits", "[sio][errors]")
{
    CHECK(decode_error(R"(218446744073709551616["a"])") == sb::error::bad_sio_packet);
    CHECK(decode_error("399999999999999999999999[]") == sb::error::bad_sio_packet);
}

TEST_CASE("sio rejects bad placeholders", "[sio][binary][errors]")
{
    // socket.io-parser test/buffer.js: "illegal attachments" ('num' a string, out of bounds)
    for (const std::string_view text :
         {R"(51-["hello",{"_placeholder":true,"num":"splice"}])"sv,
          R"(51-["hello",{"_placeholder":true,"num":1}])"sv, R"(51-["a",{"_placeholder":true,"num":-1}])"sv,
          R"(51-["a",{"_placeholder":true}])"sv, R"(51-["a",{"_placeholder":true,"num":null}])"sv,
          R"(51-["a",{"_placeholder":true,"num":0.5}])"sv, R"(51-["a",{"_placeholder":true,"num":1e300}])"sv,
          R"(51-["a",{"_placeholder":true,"num":0,"num":1}])"sv,
          R"(52-["a",{"b":[{"_placeholder":true,"num":2}]}])"sv, R"(61-1[{"_placeholder":true,"num":1}])"sv,
          R"(51-["a",{"_placeholder":false,"_placeholder":true,"num":3}])"sv}) {
        INFO(text);
        CHECK(decode_error(text) == sb::error::bad_sio_packet);
    }
}

TEST_CASE("sio rejects binary messages when none is awaited", "[sio][binary][errors]")
{
    // socket.io-parser test/buffer.js "throws an error when adding an attachment without header"
    sb::sio::decoder d;
    CHECK(d.put_binary("world") == sb::error::unexpected_binary);
    REQUIRE_FALSE(d.put_text(R"(51-["a",{"_placeholder":true,"num":0}])"));
    REQUIRE_FALSE(d.put_binary("x"));
    REQUIRE(d.ready());
    d.take();
    CHECK(d.put_binary("extra") == sb::error::unexpected_binary);
}

TEST_CASE("sio rejects text while attachments are awaited", "[sio][binary][errors]")
{
    // socket.io-parser test/buffer.js "throws an error when decoding a binary event without attachments"
    sb::sio::decoder d;
    REQUIRE_FALSE(d.put_text(R"(52-["hello",{"_placeholder":true,"num":0}])"));
    REQUIRE_FALSE(d.put_binary("x"));
    CHECK(d.put_text(R"(2["hello"])") == sb::error::unexpected_text);
    CHECK_FALSE(d.ready());
    CHECK_FALSE(d.awaiting_binary());
}

TEST_CASE("sio decoder recovers after an error and after reset()", "[sio]")
{
    sb::sio::decoder d;
    CHECK(d.put_text("9") == sb::error::bad_sio_packet);
    REQUIRE_FALSE(d.put_text(R"(2["ok"])"));
    REQUIRE(d.ready());
    CHECK(d.take().event == "ok");

    // socket.io-parser test/parser.js "should resume decoding after calling destroy()"
    REQUIRE_FALSE(d.put_text(R"(51-["hello"])"));
    d.reset();
    REQUIRE_FALSE(d.put_text(R"(2["hello"])"));
    REQUIRE(d.ready());
    const auto p = d.take();
    CHECK(p.type == packet_type::event);
    CHECK(p.data == R"(["hello"])");
    CHECK(p.buffers.empty());
}

TEST_CASE("sio is_reserved_event lists socket.io-parser's RESERVED_EVENTS", "[sio]")
{
    for (const std::string_view name :
         {"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}) {
        CHECK(sb::sio::is_reserved_event(name));
    }
    for (const std::string_view name : {"", "message", "Connect", "connect ", "error", "ping", "reconnect"}) {
        CHECK_FALSE(sb::sio::is_reserved_event(name));
    }
}

// ---------------------------------------------------------------------------------------------
// Encoding: byte-exact against socket.io-parser 4.2.7's Encoder output.

TEST_CASE("sio encodes every packet type as socket.io-parser", "[sio][encode]")
{
    CHECK(encoded({.type = packet_type::connect, .nsp = "/woot", .data = R"({"token":"123"})"})
          == R"(0/woot,{"token":"123"})");
    CHECK(encoded({.type = packet_type::connect, .data = R"({"sid":"6Efr","pid":"EDyf"})"})
          == R"(0{"sid":"6Efr","pid":"EDyf"})");
    CHECK(encoded({.type = packet_type::disconnect, .nsp = "/woot"}) == "1/woot,");
    CHECK(encoded({.type = packet_type::disconnect}) == "1");
    CHECK(encoded({.type = packet_type::event, .data = R"(["a",1,{}])"}) == R"(2["a",1,{}])");
    CHECK(encoded({.type = packet_type::event, .data = R"([1,"a",{}])"}) == R"(2[1,"a",{}])");
    CHECK(encoded({.type = packet_type::event, .nsp = "/test", .id = 1, .data = R"(["a",1,{}])"})
          == R"(2/test,1["a",1,{}])");
    CHECK(encoded({.type = packet_type::ack, .id = 123, .data = R"(["a",1,{}])"}) == R"(3123["a",1,{}])");
    CHECK(encoded({.type = packet_type::connect_error, .data = R"("Unauthorized")"}) == R"(4"Unauthorized")");
    CHECK(encoded({.type = packet_type::connect_error,
                   .nsp = "/random",
                   .data = R"({"message":"Invalid namespace"})"})
          == R"(4/random,{"message":"Invalid namespace"})");
    CHECK(encoded({.type = packet_type::event, .nsp = "", .data = R"(["a"])"}) == R"(2["a"])");
}

TEST_CASE("sio encodes binary packets with their attachment count", "[sio][encode][binary]")
{
    CHECK(encoded({.type = packet_type::binary_event,
                   .nsp = "/cool",
                   .id = 23,
                   .data = R"(["a",{"_placeholder":true,"num":0}])",
                   .buffers = {"abc"}})
          == R"(51-/cool,23["a",{"_placeholder":true,"num":0}])");
    CHECK(encoded({.type = packet_type::binary_ack,
                   .nsp = "/back",
                   .id = 127,
                   .data = R"(["a",{"_placeholder":true,"num":0},{}])",
                   .buffers = {"xxx"}})
          == R"(61-/back,127["a",{"_placeholder":true,"num":0},{}])");
    // As Encoder.encode: EVENT/ACK with binary become BINARY_*, and the reverse.
    CHECK(
        encoded(
            {.type = packet_type::event, .data = R"(["a",{"_placeholder":true,"num":0}])", .buffers = {"x"}})
        == R"(51-["a",{"_placeholder":true,"num":0}])");
    CHECK(encoded({.type = packet_type::ack, .id = 4, .data = "[]", .buffers = {"x", "y"}}) == "62-4[]");
    CHECK(encoded({.type = packet_type::binary_event, .data = R"(["a"])"}) == R"(2["a"])");
    CHECK(encoded({.type = packet_type::binary_ack, .id = 1, .data = "[]"}) == "31[]");
    // Without buffers, `attachments` gives the count (the buffers are sent separately).
    CHECK(encoded({.type = packet_type::binary_event,
                   .attachments = 2,
                   .data = R"(["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])"})
          == R"(52-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
}

TEST_CASE("sio encode_event_text and encode_ack_text append the fast-path forms", "[sio][encode]")
{
    std::string out = "4";
    sb::sio::encode_event_text(out, "/chat", 12, R"(["ev",1])");
    CHECK(out == R"(42/chat,12["ev",1])");

    out.clear();
    sb::sio::encode_event_text(out, "/chat", std::nullopt, R"(["ev",1])");
    CHECK(out == R"(2/chat,["ev",1])");
    out.clear();
    sb::sio::encode_event_text(out, "/", std::nullopt, R"(["tick",1,"Q80E6Sr"])");
    CHECK(out == R"(2["tick",1,"Q80E6Sr"])");
    out.clear();
    sb::sio::encode_event_text(out, "", 0, R"(["q",1])");
    CHECK(out == R"(20["q",1])");
    out.clear();
    sb::sio::encode_event_text(out, "/", std::nullopt, R"(["baz",{"_placeholder":true,"num":0}])", 1);
    CHECK(out == R"(51-["baz",{"_placeholder":true,"num":0}])");

    out.clear();
    sb::sio::encode_ack_text(out, "/chat", 12, R"(["ok"])");
    CHECK(out == R"(3/chat,12["ok"])");
    out.clear();
    sb::sio::encode_ack_text(out, "/", 13, R"(["bar"])");
    CHECK(out == R"(313["bar"])");
    out.clear();
    sb::sio::encode_ack_text(out, "/", 15, R"(["bar",{"_placeholder":true,"num":0}])", 1);
    CHECK(out == R"(61-15["bar",{"_placeholder":true,"num":0}])");
}

TEST_CASE("sio packets round-trip through encode and decode", "[sio][encode]")
{
    const std::vector<packet> packets = {
        {.type = packet_type::connect},
        {.type = packet_type::connect, .nsp = "/admin", .data = R"({"token":"123"})"},
        {.type = packet_type::disconnect, .nsp = "/admin"},
        {.type = packet_type::event,
         .data = R"(["message","hi",{"n":[1,2.5,null,true]}])",
         .event = "message"},
        {.type = packet_type::event, .nsp = "/chat", .id = 42, .data = R"([7,"x"])", .event = "7"},
        {.type = packet_type::ack, .nsp = "/chat", .id = 0, .data = "[]"},
        {.type = packet_type::connect_error, .data = R"({"message":"Invalid namespace","data":{"a":1}})"},
        {.type = packet_type::binary_event,
         .nsp = "/files",
         .id = 9,
         .attachments = 2,
         .data = R"(["up",{"_placeholder":true,"num":0},{"b":{"_placeholder":true,"num":1}}])",
         .event = "up",
         .buffers = {"\x00\xff"s, ""}},
        {.type = packet_type::binary_ack,
         .id = 3,
         .attachments = 1,
         .data = R"([{"_placeholder":true,"num":0}])",
         .buffers = {"\x1e"}},
    };
    for (const auto& p : packets) {
        const std::string text = encoded(p);
        INFO(text);
        CHECK(decode(text, p.buffers).p == p);
    }
}
