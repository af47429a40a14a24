// Generated decoders and encoders: every constraint is enforced with the right JSON
// pointer, and decode(encode(x)) == x.
#include <simdjson.h> // first: the header then declares the padded-input overloads

#include "codec.rtdl.hpp"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

using namespace rtdl_test::codec;
namespace json = boost::json;

namespace {

Everything sample()
{
    Everything e;
    e.flag = true;
    e.small = -5;
    e.big = -9007199254740991;
    e.huge = 18446744073709551615ULL;
    e.count = 10;
    e.ratio = 0.25;
    e.word = "h\xc3\xa9\xc3\xa9"; // 3 code points, 5 bytes
    e.tiny = "abcd";
    e.data = {std::byte{0}, std::byte{0xff}, std::byte{0x10}, std::byte{0x80}};
    e.at = 1700000000000;
    e.wait = std::chrono::milliseconds{1500};
    e.extra = json::parse(R"({"any":[1,"x",null,{"deep":true}]})");
    e.color = Color::green;
    e.maybe = "zz";
    e.list = {"ab", "cde"};
    e.by_name = {{"alice", Color::red}, {"bob_2", Color::blue}};
    e.by_num = {{0, "zero"}, {4294967295u, "max"}};
    e.by_color = {{Color::green, -1}, {Color::blue, 2}};
    e.shapes = {Shape{Circle{Point{1.5, -2}, 3.5f}}, Shape{Label{"hello"}}};
    Node leaf{"leaf", {}, {}};
    Node root{"root", {}, {leaf, leaf}};
    root.next = leaf;
    e.node = root;
    e.renamed = -3;
    e.greeting = "hey";
    return e;
}

/// `sample()` as JSON with `edit` applied to its object.
std::string with(void (*edit)(json::object&))
{
    auto v = json::parse(to_json(sample()));
    edit(v.as_object());
    return json::serialize(v);
}

/// The pointer of the rejection, or "ok".
std::string rejected_at(const std::string& text)
{
    Everything e;
    auto st = decode(text, e);
    return st ? st->pointer : "ok";
}

} // namespace

TEST_CASE("rtdl codec: round trip of every type")
{
    Everything e = sample();
    std::string text = to_json(e);
    Everything back;
    auto st = decode(text, back);
    INFO(text);
    REQUIRE_FALSE(st);
    CHECK(back == e);

    // The wire form follows docs/rtdl.md "Types" mapping.
    auto v = json::parse(text).as_object();
    CHECK(v.at("huge") == "18446744073709551615"); // @as_string
    CHECK(v.at("color") == "dark-green");          // @wire on an enumerator
    CHECK(v.at("renamed-key") == -3);              // @wire on a field
    CHECK(v.at("data") == "AP8QgA==");             // base64
    CHECK(v.at("wait") == 1500);
    CHECK(v.at("shapes").as_array()[0].as_object().at("shape") == "circle");
    CHECK(v.at("by_num").as_object().contains("4294967295"));
    CHECK(v.at("by_color").as_object().contains("dark-green"));
    CHECK_FALSE(v.at("node").as_object().at("next").as_object().contains("next")); // absent optional
}

TEST_CASE("rtdl codec: defaults, optionals, unknown keys")
{
    auto text = with([](json::object& o) {
        o.erase("renamed-key");
        o.erase("greeting");
        o.erase("maybe");
        o.erase("node");
        o["future_field"] = json::parse(R"({"a":[1,2,{"b":null}]})");
    });
    Everything e;
    REQUIRE_FALSE(decode(text, e));
    CHECK(e.renamed == 7);
    CHECK(e.greeting == "hi");
    CHECK_FALSE(e.maybe);
    CHECK_FALSE(e.node);
    CHECK(rejected_at(with([](json::object& o) { o["maybe"] = nullptr; })) == "ok");
    CHECK(rejected_at(with([](json::object& o) { o["huge"] = 12; })) == "ok"); // a number is accepted too
}

TEST_CASE("rtdl codec: each constraint is enforced with its pointer")
{
    CHECK(rejected_at(with([](json::object& o) { o.erase("flag"); })) == "/flag");
    CHECK(rejected_at(with([](json::object& o) { o["flag"] = 1; })) == "/flag");
    CHECK(rejected_at(with([](json::object& o) { o["small"] = 6; })) == "/small");
    CHECK(rejected_at(with([](json::object& o) { o["small"] = -6; })) == "/small");
    CHECK(rejected_at(with([](json::object& o) { o["small"] = 1.5; })) == "/small");
    CHECK(rejected_at(with([](json::object& o) { o["big"] = 9007199254740992; })) == "/big");
    CHECK(rejected_at(with([](json::object& o) { o["count"] = 11; })) == "/count");
    CHECK(rejected_at(with([](json::object& o) { o["count"] = -1; })) == "/count");
    CHECK(rejected_at(with([](json::object& o) { o["huge"] = "12x"; })) == "/huge");
    CHECK(rejected_at(with([](json::object& o) { o["word"] = "abcd"; })) == "/word");   // 4 code points
    CHECK(rejected_at(with([](json::object& o) { o["word"] = "\xc3\xa9\xc3\xa9\xc3\xa9"; })) == "ok");
    CHECK(rejected_at(with([](json::object& o) { o["tiny"] = "a"; })) == "/tiny");      // alias @length
    CHECK(rejected_at(with([](json::object& o) { o["tiny"] = "abcde"; })) == "/tiny");
    CHECK(rejected_at(with([](json::object& o) { o["tiny"] = "aB"; })) == "/tiny");     // alias @charset
    CHECK(rejected_at(with([](json::object& o) { o["maybe"] = "A1"; })) == "/maybe");   // through optional
    CHECK(rejected_at(with([](json::object& o) { o["list"] = json::array{"ab", "cd", "ef"}; })) == "/list");
    CHECK(rejected_at(with([](json::object& o) { o["list"] = json::array{"ab", "c"}; })) == "/list/1");
    CHECK(rejected_at(with([](json::object& o) { o["color"] = "green"; })) == "/color"); // wire name only
    CHECK(rejected_at(with([](json::object& o) { o["color"] = "purple"; })) == "/color");
    CHECK(rejected_at(with([](json::object& o) { o["by_name"].as_object()["a:b"] = "red"; })) == "/by_name/a:b");
    CHECK(rejected_at(with([](json::object& o) { o["by_name"].as_object()["x/y"] = "red"; })) == "/by_name/x~1y");
    CHECK(rejected_at(with([](json::object& o) { o["by_name"].as_object()["ok"] = "pink"; })) == "/by_name/ok");
    CHECK(rejected_at(with([](json::object& o) { o["by_num"].as_object()["-1"] = "x"; })) == "/by_num/-1");
    CHECK(rejected_at(with([](json::object& o) { o["by_num"].as_object()["4294967296"] = "x"; })) ==
          "/by_num/4294967296");
    CHECK(rejected_at(with([](json::object& o) { o["by_color"].as_object()["green"] = 1; })) == "/by_color/green");
    CHECK(rejected_at(with([](json::object& o) { o["data"] = "not base64!"; })) == "/data");
    CHECK(rejected_at(with([](json::object& o) {
              o["shapes"].as_array()[0].as_object()["radius"] = 100.5;
          })) == "/shapes/0/radius");
    CHECK(rejected_at(with([](json::object& o) { o["shapes"].as_array()[1].as_object().erase("shape"); })) ==
          "/shapes/1/shape");
    CHECK(rejected_at(with([](json::object& o) { o["shapes"].as_array()[1].as_object()["shape"] = "square"; })) ==
          "/shapes/1/shape");
    CHECK(rejected_at(with([](json::object& o) {
              o["node"].as_object()["children"].as_array()[1].as_object().erase("name");
          })) == "/node/children/1/name");
    CHECK(rejected_at(with([](json::object& o) { o["renamed-key"] = "seven"; })) == "/renamed-key");

    Everything e;
    auto st = decode("{\"flag\": tru", e); // malformed JSON: rejected where it was found
    REQUIRE(st);
    CHECK(st->pointer == "/flag");
    CHECK(decode("[1,2]", e)->message == "expected an object");
    CHECK(decode("[1,2]", e)->pointer.empty());
    st = decode(with([](json::object& o) { o["small"] = 6; }), e);
    REQUIRE(st);
    CHECK(st->message == "value out of range [-5, 5]");
}

TEST_CASE("rtdl codec: already-padded input decodes in place, and the same way")
{
    const std::string text = to_json(sample());

    Everything a;
    simdjson::padded_string owned(text);
    REQUIRE_FALSE(decode(owned, a));
    CHECK(a == sample());

    // A std::string whose capacity holds the padding: decoded without a copy.
    std::string spacious = text;
    spacious.reserve(text.size() + simdjson::SIMDJSON_PADDING);
    simdjson::padded_string_view view(spacious);
    REQUIRE(view.padding() >= simdjson::SIMDJSON_PADDING);
    Everything b;
    REQUIRE_FALSE(decode(view, b));
    CHECK(b == sample());

    // Too little padding is not an error: the text is copied first.
    Everything c;
    REQUIRE_FALSE(decode(simdjson::padded_string_view(text.data(), text.size(), text.size()), c));
    CHECK(c == sample());

    // Failures report the same message and pointer as the string_view overload.
    const std::string bad = with([](json::object& o) {
        o["node"].as_object()["children"].as_array()[1].as_object()["name"] = 5;
    });
    Everything d;
    auto via_view = decode(std::string_view(bad), d);
    auto via_padded = decode(simdjson::padded_string(bad), d);
    REQUIRE(via_view);
    REQUIRE(via_padded);
    CHECK(via_padded->pointer == "/node/children/1/name");
    CHECK(via_padded->pointer == via_view->pointer);
    CHECK(via_padded->message == via_view->message);
    CHECK(decode(simdjson::padded_string(std::string_view("{\"flag\": tru")), d)->pointer == "/flag");
}

TEST_CASE("rtdl codec: pointers of deep values, escaped keys, and a decode after a failure")
{
    // 12 nested children: 24 pointer segments, past the context's inline capacity.
    std::string text = R"({"name":"n0","children":[)";
    std::string expected;
    for (int i = 1; i <= 12; ++i) {
        text += R"({"name":"n)" + std::to_string(i) + R"(","children":[)";
        expected += "/children/0";
    }
    text += R"({"name":7,"children":[]})";
    for (int i = 1; i <= 12; ++i)
        text += "]}";
    text += "]}";
    expected += "/children/0/name";
    Node n;
    auto st = decode(text, n);
    REQUIRE(st);
    CHECK(st->pointer == expected);
    CHECK(st->message == "expected a string");

    // A key written with escapes names the same field; a key with "~" or "/" is escaped in the pointer.
    Label l;
    REQUIRE_FALSE(decode(R"({"\u0074ext":"hi"})", l));
    CHECK(l.text == "hi");
    CHECK(rejected_at(with([](json::object& o) { o["by_name"].as_object()["a~b"] = "red"; })) == "/by_name/a~0b");

    // The path does not leak from one decode into the next (the parser is reused per thread).
    Everything e;
    REQUIRE_FALSE(decode(to_json(sample()), e));
    st = decode(with([](json::object& o) { o["count"] = 11; }), e);
    REQUIRE(st);
    CHECK(st->pointer == "/count");
}

TEST_CASE("rtdl codec: enums and unions")
{
    Color c{};
    CHECK(to_wire(Color::green) == "dark-green");
    CHECK(from_wire("blue", c));
    CHECK(c == Color::blue);
    CHECK_FALSE(from_wire("green", c));

    Shape s;
    REQUIRE_FALSE(decode(R"({"text":"hi","shape":"label","other":1})", s)); // the tag need not come first
    CHECK(std::get<Label>(s.base()).text == "hi");
    Shape back;
    REQUIRE_FALSE(decode(to_json(s), back));
    CHECK(back == s);
}

TEST_CASE("rtdl codec: typed room keys")
{
    pair_room r{"ab", 42};
    CHECK(r.key() == "pair:ab:42");
    CHECK(pair_room::parse("pair:ab:42") == r);
    CHECK_FALSE(pair_room::parse("pair:AB:42"));  // charset of Short
    CHECK_FALSE(pair_room::parse("pair:a:42"));   // length of Short
    CHECK_FALSE(pair_room::parse("pair:ab:"));    // empty placeholder
    CHECK_FALSE(pair_room::parse("pair:ab:4x"));
    CHECK_FALSE(pair_room::parse("pair:ab:4294967296"));
    CHECK_FALSE(pair_room::parse("solo"));
    CHECK(solo_room{}.key() == "solo");
    CHECK(solo_room::parse("solo"));
    CHECK_FALSE(solo_room::parse("solo2"));
}
