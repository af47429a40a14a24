// The four example contracts check cleanly, and their IR JSON says what they say.

#include "checker.hpp"
#include "emit_ir.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <sstream>

using namespace rtdl;
namespace json = boost::json;

namespace {

struct example {
    source_manager sources;
    diagnostic_engine diags;
    check_result result;
    json::value ir;

    const json::object& main_module() const
    {
        auto& root = ir.as_object();
        return root.at("modules").as_array().at(root.at("main").to_number<std::size_t>()).as_object();
    }
    const json::object& ns() const { return main_module().at("namespaces").as_array().at(0).as_object(); }
    const json::object& event(const char* dir, std::string_view name) const
    {
        for (auto& e : ns().at(dir).as_array()) {
            if (e.at("name").as_string() == name)
                return e.as_object();
        }
        FAIL("no event " << name);
        throw;
    }
};

std::unique_ptr<example> load(const std::string& name)
{
    auto e = std::make_unique<example>();
    std::string error;
    auto id = e->sources.load(std::string(RTDL_EXAMPLES_DIR) + "/" + name, name, error);
    REQUIRE(id != no_file);
    e->result = check(e->sources, id, {}, e->diags);
    REQUIRE(e->result.program);
    e->ir = json::parse(emit_ir(*e->result.program));
    return e;
}

std::vector<std::string> codes(const diagnostic_engine& d)
{
    std::vector<std::string> out;
    for (auto& x : d.all())
        out.push_back(x.code);
    return out;
}

} // namespace

TEST_CASE("examples: common.rtdl")
{
    auto e = load("common.rtdl");
    CHECK(e->diags.all().empty());
    auto& m = e->main_module();
    CHECK(m.at("package") == json::array{"acme", "common"});
    auto& user = m.at("types").as_array().at(0).as_object();
    CHECK(user.at("kind") == "alias");
    CHECK(user.at("constraints").at("length").at("max") == 64);
    CHECK(user.at("constraints").at("charset") == "A-Za-z0-9_-");
    CHECK(user.at("doc").as_string().starts_with("Opaque user id"));
}

TEST_CASE("examples: chat.rtdl")
{
    auto e = load("chat.rtdl");
    // No W0301: without a `handshake` there is no plain EventSource endpoint, and the
    // Engine.IO `sse` transport carries `auth` in the CONNECT packet.
    CHECK(codes(e->diags).empty());
    CHECK(e->ir.at("modules").as_array().size() == 2);
    auto& ns = e->ns();
    CHECK(ns.at("path") == "/chat");
    CHECK(ns.at("settings").at("transports") == json::array{"ws", "sse", "polling"});
    CHECK(ns.at("settings").at("idle_timeout_ms") == 50000);
    CHECK(ns.at("on").as_array().size() == 6);
    CHECK(ns.at("emit").as_array().size() == 3);
    CHECK(ns.at("middleware").as_array().at(1).at("phases") == json::array{"join", "disconnect"});

    auto& rooms = ns.at("rooms").as_array();
    REQUIRE(rooms.size() == 3);
    CHECK(rooms[0].at("settings").at("join") == "server");
    CHECK(rooms[1].at("placeholders").at(0).at("type").at("name") == "RoomName");
    CHECK(rooms[2].at("segments").as_array().size() == 4);
    CHECK(rooms[2].at("settings").at("max_members") == 2);

    auto& send = e->event("on", "send_message");
    CHECK(send.at("timeout_ms") == 5000);
    CHECK(send.at("rate") == json::object{{"count", 5}, {"per_s", 1}, {"burst", 10}, {"scope", "user"}});
    CHECK(send.at("doc") == "Post a message; the ACK confirms it was stored.");
    CHECK(e->event("on", "kick").at("required_claims") == json::array{"moderator"});
    CHECK(e->event("on", "leave_room").at("reply").is_null());
    CHECK(e->event("emit", "typing_notice").at("volatile") == true);
    CHECK(e->event("emit", "presence").at("conflate_by") == "user");
    CHECK(e->event("emit", "message").at("to") == json::array{"topic", "dm"});

    // Field details: docs, constraints and imported types.
    auto& types = e->main_module().at("types").as_array();
    auto& message = types.at(2).as_object();
    CHECK(message.at("name") == "ChatMessage");
    auto& fields = message.at("fields").as_array();
    CHECK(fields.at(0).at("doc") == "Server-assigned and sortable (ULID).");
    CHECK(fields.at(2).at("type").at("module") == 0);
    CHECK(fields.at(3).at("constraints").at("length") == json::object{{"min", 1}, {"max", 2000}});
    CHECK(fields.at(5).at("required") == false);
}

TEST_CASE("examples: game.rtdl")
{
    auto e = load("game.rtdl");
    CHECK(e->diags.all().empty());
    auto& ns = e->ns();
    CHECK(ns.at("settings").at("heartbeat_ms") == 5000);
    CHECK(ns.at("settings").at("max_payload") == 8192);
    CHECK(ns.at("settings").at("send_buffer") == 262144);
    CHECK(ns.at("rooms").at(0).at("settings").at("tick_ms") == 50);
    auto& ready = e->event("emit", "ready_check");
    CHECK(ready.at("collect") == json::object{{"policy", "all"}, {"count", 0}});
    CHECK(ready.at("timeout_ms") == 10000);
    CHECK(e->event("emit", "snapshot").at("conflate") == true);
    CHECK(e->event("emit", "snapshot").at("conflate_by").is_null());
    CHECK(e->event("on", "input").at("rate").at("burst") == 30);
    CHECK(e->event("on", "leave_match").at("payload").is_null());

    auto& types = e->main_module().at("types").as_array();
    auto& action = types.at(6).as_object();
    CHECK(action.at("kind") == "union");
    CHECK(action.at("tag") == "kind");
    CHECK(action.at("variants").as_array().size() == 3);
    auto& fire = types.at(4).as_object();
    CHECK(fire.at("fields").at(0).at("constraints").at("range") == json::object{{"min", 0}, {"max", 6.2832}});
}

TEST_CASE("examples: ticker.rtdl")
{
    auto e = load("ticker.rtdl");
    CHECK(e->diags.all().empty());
    auto& ns = e->ns();
    CHECK(ns.at("settings").at("auth") == "optional");
    CHECK(ns.at("settings").at("transports") == json::array{"sse", "ws", "polling"});
    CHECK(ns.at("settings").at("handshake").at("name") == "TickerHandshake");
    CHECK(ns.at("rooms").at(0).at("settings").at("history") == 1024);
    CHECK(ns.at("rooms").at(0).at("settings").at("history_ttl_ms") == 120000);
    auto& quote = e->event("emit", "quote");
    CHECK(quote.at("resumable") == true);
    CHECK(quote.at("conflate_by") == "symbol");
    CHECK(e->event("emit", "halt").at("to") == json::array{"symbol", "market"});
    auto& price = e->main_module().at("types").at(1).as_object();
    CHECK(price.at("constraints").at("range").at("max") == 9007199254740991ull);
    auto& handshake = e->main_module().at("types").at(9).as_object();
    CHECK(handshake.at("name") == "TickerHandshake");
    CHECK(handshake.at("fields").at(0).at("default") ==
          json::object{{"kind", "list"}, {"items", json::array{}}});
}

TEST_CASE("examples: IR output is deterministic")
{
    auto a = load("chat.rtdl");
    auto b = load("chat.rtdl");
    CHECK(emit_ir(*a->result.program) == emit_ir(*b->result.program));
    CHECK(a->ir.at("rtdl_ir") == 1);
}
