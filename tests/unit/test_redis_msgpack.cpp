// msgpack against npm notepack.io: the same bytes out, the same values in (golden/notepack.txt,
// written by golden/make_notepack.js), and the Redis adapter's messages.
#include "adapters/redis/wire/messages.hpp"
#include "adapters/redis/wire/msgpack.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

namespace json = boost::json;
using namespace sb;

namespace {

std::string hex(std::string_view b)
{
    static const char* d = "0123456789abcdef";
    std::string out;
    for (unsigned char c : b) {
        out += d[c >> 4];
        out += d[c & 15];
    }
    return out;
}

std::string unhex(std::string_view h)
{
    std::string out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) {
        out += static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16));
    }
    return out;
}

/// {"$bin": hex} → a placeholder, its bytes appended to `att`.
json::value with_placeholders(const json::value& v, std::vector<std::string>& att)
{
    if (v.is_object()) {
        const auto& o = v.get_object();
        if (o.size() == 1 && o.contains("$bin")) {
            json::object ph{{"_placeholder", true}, {"num", att.size()}};
            att.push_back(unhex(o.at("$bin").get_string()));
            return ph;
        }
        json::object out;
        for (const auto& kv : o) {
            out[kv.key()] = with_placeholders(kv.value(), att);
        }
        return out;
    }
    if (v.is_array()) {
        json::array out;
        for (const auto& e : v.get_array()) {
            out.push_back(with_placeholders(e, att));
        }
        return out;
    }
    return v;
}

} // namespace

TEST_CASE("msgpack: notepack.io's bytes, written and read", "[msgpack]")
{
    std::ifstream in(SB_GOLDEN_DIR "/notepack.txt");
    REQUIRE(in);
    std::string line;
    int cases = 0;
    while (std::getline(in, line)) {
        const auto tab = line.find('\t');
        REQUIRE(tab != std::string::npos);
        const auto bytes = unhex(line.substr(0, tab));
        std::vector<std::string> att;
        const auto value = with_placeholders(json::parse(line.substr(tab + 1)), att);
        INFO(line.substr(tab + 1).substr(0, 120));
        std::string out;
        msgpack::encode(out, msgpack::from_json(value, &att));
        CHECK(hex(out) == line.substr(0, tab));
        msgpack::value decoded;
        const char* error = "";
        REQUIRE(msgpack::decode(bytes, decoded, error));
        std::vector<std::string> att2;
        const auto back = msgpack::to_json(decoded, &att2);
        CHECK(json::serialize(back) == json::serialize(value));
        CHECK(att2 == att);
        ++cases;
    }
    CHECK(cases >= 40);
}

TEST_CASE("msgpack: malformed input is refused at every cut", "[msgpack]")
{
    std::string whole;
    msgpack::encode(whole, msgpack::from_json(json::parse(R"(["uid",{"type":2,"data":["e",[1,2.5,"x"]]},{}])")));
    for (std::size_t n = 0; n < whole.size(); ++n) {
        msgpack::value v;
        const char* error = "";
        INFO("cut at " << n);
        CHECK_FALSE(msgpack::decode(std::string_view(whole).substr(0, n), v, error));
    }
    msgpack::value v;
    const char* error = "";
    CHECK_FALSE(msgpack::decode("\xc1", v, error));
    CHECK_FALSE(msgpack::decode(std::string("\xdd\xff\xff\xff\xff", 5), v, error));  // a 4G-element array
    CHECK_FALSE(msgpack::decode(std::string(100, '\x91') + "\x01", v, error));        // nested past 64
    CHECK_FALSE(msgpack::decode("\x01\x02", v, error));                               // trailing bytes
    CHECK(std::string(error) == "trailing bytes");
}

TEST_CASE("redis wire: a broadcast round-trips with rooms, flags and binary", "[msgpack]")
{
    payload args;
    args.args.push_back("text");
    args.args.push_back(json::object{{"_placeholder", true}, {"num", 0}});
    args.attachments.push_back(std::string("\x00\xff", 2));
    redis_wire::broadcast_opts o;
    o.rooms = {"r1"};
    o.except = {"sid"};
    o.is_volatile = true;
    const auto bytes = redis_wire::encode_broadcast("node01", "/chat", "ev", args, o);
    const char* error = "";
    auto m = redis_wire::decode_broadcast(bytes, error);
    REQUIRE(m);
    CHECK(m->uid == "node01");
    CHECK(m->nsp == "/chat");
    CHECK(m->event == "ev");
    CHECK(json::serialize(m->args.args) == R"(["text",{"_placeholder":true,"num":0}])");
    CHECK(m->args.attachments == std::vector<std::string>{std::string("\x00\xff", 2)});
    CHECK(m->opts.rooms == std::vector<std::string>{"r1"});
    CHECK(m->opts.except == std::vector<std::string>{"sid"});
    CHECK(m->opts.is_volatile);
    CHECK_FALSE(redis_wire::decode_broadcast("\x93\xa1x\x80\x80", error));  // no event packet
}

TEST_CASE("redis wire: channel names and the broadcast pattern", "[msgpack]")
{
    redis_wire::channels c("socket.io", "/dyn*[1]", "uid123");
    CHECK(c.broadcast == "socket.io#/dyn*[1]#");
    CHECK(c.request == "socket.io-request#/dyn*[1]#");
    CHECK(c.specific_response == "socket.io-response#/dyn*[1]#uid123#");
    CHECK(c.broadcast_for({"room"}) == "socket.io#/dyn*[1]#room#");
    CHECK(c.broadcast_for({"a", "b"}) == c.broadcast);
    CHECK(c.broadcast_pattern() == "socket.io#/dyn\\*\\[1\\]#*");
}

TEST_CASE("redis wire: a numbered broadcast ends in the empty sbid, which the script replaces", "[msgpack]")
{
    payload args;
    args.args.push_back(1);
    redis_wire::broadcast_opts o;
    o.rooms = {"r"};
    o.durable = redis_wire::durable_flags{.id = "", .seq = (std::uint64_t{2} << 40) | 7, .resumable = true,
                                          .conflation_key = "k"};
    auto bytes = redis_wire::encode_broadcast("node01", "/", "ev", args, o);
    REQUIRE(static_cast<unsigned char>(bytes.back()) == 0xa0);
    // What the Lua script does: drop that byte, append a str8 of the id.
    const std::string id = "mq1x2c3d:42";
    bytes.pop_back();
    bytes += '\xd9';
    bytes += static_cast<char>(id.size());
    bytes += id;
    const char* error = "";
    auto m = redis_wire::decode_broadcast(bytes, error);
    REQUIRE(m);
    REQUIRE(m->opts.durable);
    CHECK(m->opts.durable->id == id);
    CHECK(m->opts.durable->seq == ((std::uint64_t{2} << 40) | 7));
    CHECK(m->opts.durable->resumable);
    CHECK(m->opts.durable->conflation_key == "k");
    CHECK(m->opts.rooms == std::vector<std::string>{"r"});
    // A message that never went through the script (empty sbid) is not a numbered one.
    o.rooms.clear();
    auto raw = redis_wire::decode_broadcast(redis_wire::encode_broadcast("n", "/", "ev", args, o), error);
    REQUIRE(raw);
    CHECK_FALSE(raw->opts.durable);
}
