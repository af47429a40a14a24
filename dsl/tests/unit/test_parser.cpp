#include "parser.hpp"

#include <catch2/catch.hpp>

using namespace rtdl;

namespace {

struct parsed {
    source_manager sources;
    diagnostic_engine diags;
    ast::file file;

    std::vector<std::string> codes() const
    {
        std::vector<std::string> out;
        for (auto* d : diags.sorted()) {
            auto p = sources.start_of(d->primary());
            out.push_back(d->code + "@" + std::to_string(p.line) + ":" + std::to_string(p.column));
        }
        return out;
    }
};

std::unique_ptr<parsed> parse_text(const std::string& text)
{
    auto p = std::make_unique<parsed>();
    auto id = p->sources.add("t.rtdl", "/t.rtdl", text);
    p->file = parse_file(p->sources, id, p->diags);
    return p;
}

} // namespace

TEST_CASE("parser: contextual keywords are usable as field names")
{
    auto p = parse_text(R"(rtdl 1;
struct Keywords {
    to: string
    by: string
    at: u32
    room: string
    map: map<string, u32>
    on: bool, emit: bool; type: string
    struct: optional<array<string>>
    namespace: string
}
)");
    CHECK(p->diags.all().empty());
    REQUIRE(p->file.types.size() == 1);
    auto& s = std::get<ast::struct_decl>(p->file.types[0]);
    std::vector<std::string> names;
    for (auto& f : s.fields)
        names.push_back(f.name.text);
    CHECK(names == std::vector<std::string>{"to", "by", "at", "room", "map", "on", "emit", "type", "struct",
                                            "namespace"});
    CHECK(s.fields[4].type.form == ast::type_form::map);
    CHECK(s.fields[8].type.form == ast::type_form::optional);
    CHECK(s.fields[8].type.args[0].form == ast::type_form::array);
}

TEST_CASE("parser: a namespace with every kind of member")
{
    auto p = parse_text(R"(rtdl 1;
import "common.rtdl" as common;
package acme.chat;
/// The chat.
namespace chat at "/chat" {
    auth = required;
    transports = [ws, sse];
    middleware audit on join, disconnect;
    /// Topic rooms.
    room topic "room:{name: string}" { join = open; max_members = 500; }
    room lobby "lobby";
    @requires("moderator")
    on kick(Kick) -> KickResult timeout 3s rate 5/s burst 10 per user;
    on leave();
    emit message(Msg) to topic, lobby volatile;
    emit presence(P) to lobby conflate by user;
    emit ready(R) -> Ready timeout 10s to topic collect first 3;
    emit quote(Q) to topic resumable conflate;
}
)");
    CHECK(p->diags.all().empty());
    REQUIRE(p->file.imports.size() == 1);
    CHECK(p->file.imports[0].alias->text == "common");
    CHECK(p->file.package->str() == "acme.chat");
    REQUIRE(p->file.namespaces.size() == 1);
    auto& ns = p->file.namespaces[0];
    CHECK(ns.doc == "The chat.");
    CHECK(ns.path.text == "/chat");
    CHECK(ns.settings.size() == 2);
    CHECK(ns.settings[1].value.items.size() == 2);
    REQUIRE(ns.middleware.size() == 1);
    CHECK(ns.middleware[0].phases.size() == 2);
    REQUIRE(ns.rooms.size() == 2);
    CHECK(ns.rooms[0].doc == "Topic rooms.");
    CHECK(ns.rooms[0].settings.size() == 2);
    REQUIRE(ns.events.size() == 6);

    auto& kick = ns.events[0];
    CHECK_FALSE(kick.is_emit);
    CHECK(kick.attributes.size() == 1);
    REQUIRE(kick.clauses.size() == 2);
    CHECK(kick.clauses[0].duration_ms == 3000);
    CHECK(kick.clauses[1].rate_count == 5);
    CHECK(kick.clauses[1].rate_unit.text == "s");
    CHECK(kick.clauses[1].burst == 10u);
    CHECK(kick.clauses[1].scope->text == "user");
    CHECK_FALSE(ns.events[1].payload);

    auto& msg = ns.events[2];
    CHECK(msg.is_emit);
    REQUIRE(msg.clauses.size() == 2);
    CHECK(msg.clauses[0].rooms.size() == 2);
    CHECK(msg.clauses[1].kind == ast::clause_kind::volatile_);
    CHECK(ns.events[3].clauses[1].by->text == "user");
    CHECK(ns.events[4].clauses[2].policy.text == "first");
    CHECK(ns.events[4].clauses[2].first_n == 3);
    CHECK(ns.events[5].clauses[1].kind == ast::clause_kind::resumable);
    CHECK(ns.events[5].clauses[2].kind == ast::clause_kind::conflate);
    CHECK_FALSE(ns.events[5].clauses[2].by);
}

TEST_CASE("parser: attributes and doc comments attach to their declarations")
{
    auto p = parse_text(R"(rtdl 1;
/// A move.
struct Move {
    @range(min: -1, max: 1) dx: f32
    /// Vertical.
    @range(min: -1, max: 1)
    dy: f32 = 0
}
enum Team { red, @wire("BLUE") blue, }
union Action tag "kind" { move: Move }
@length(min: 1) @charset("a-z")
type Name = string;
)");
    CHECK(p->diags.all().empty());
    auto& s = std::get<ast::struct_decl>(p->file.types[0]);
    CHECK(s.doc == "A move.");
    REQUIRE(s.fields.size() == 2);
    CHECK(s.fields[0].attributes.size() == 1);
    CHECK(s.fields[0].attributes[0].args[0].name->text == "min");
    CHECK(s.fields[0].attributes[0].args[0].value.text == "-1");
    CHECK(s.fields[1].doc == "Vertical.");
    CHECK(s.fields[1].default_value->text == "0");
    auto& e = std::get<ast::enum_decl>(p->file.types[1]);
    CHECK(e.enumerators.size() == 2);
    CHECK(e.enumerators[1].attributes[0].name.text == "wire");
    auto& u = std::get<ast::union_decl>(p->file.types[2]);
    CHECK(u.tag->text == "kind");
    auto& a = std::get<ast::alias_decl>(p->file.types[3]);
    CHECK(a.attributes.size() == 2);
}

TEST_CASE("parser: recovery reports each broken member once and keeps the rest")
{
    auto p = parse_text(R"(rtdl 1;
struct A {
    string name
    age u32
    ok: bool
}
struct B { x: }
struct C { y: u32 }
namespace n at "/n" {
    auth = none
    on a(A) -> A timeout 5s
    emit b(B);
    room r "r" { join = ; max_members = 2; }
}
)");
    CHECK(p->codes() == std::vector<std::string>{"E0006@3:12", "E0006@4:9", "E0006@7:15", "E0006@10:16",
                                                 "E0006@11:28", "E0006@13:25"});
    // Everything around the errors is still there for the checker.
    REQUIRE(p->file.types.size() == 3);
    auto& a = std::get<ast::struct_decl>(p->file.types[0]);
    REQUIRE(a.fields.size() == 1);
    CHECK(a.fields[0].name.text == "ok");
    CHECK(std::get<ast::struct_decl>(p->file.types[2]).fields.size() == 1);
    REQUIRE(p->file.namespaces.size() == 1);
    auto& ns = p->file.namespaces[0];
    CHECK(ns.events.size() == 2);
    REQUIRE(ns.rooms.size() == 1);
    // The broken `join` is kept without a value; max_members survives it.
    REQUIRE(ns.rooms[0].settings.size() == 2);
    CHECK(ns.rooms[0].settings[0].value.kind == ast::value_kind::invalid);
    CHECK(ns.rooms[0].settings[1].value.integer == 2);
}

TEST_CASE("parser: the version line")
{
    CHECK(parse_text("struct A {}")->codes() == std::vector<std::string>{"E0007@1:1"});
    CHECK(parse_text("rtdl 2;\nstruct A {}")->codes() == std::vector<std::string>{"E0007@1:6"});
    auto p = parse_text("rtdl 1;\nstruct A {}");
    CHECK(p->diags.all().empty());
    CHECK(p->file.version == 1u);
    // The fix-it inserts the line.
    auto missing = parse_text("struct A {}");
    REQUIRE(missing->diags.all()[0].fixits.size() == 1);
    CHECK(missing->diags.all()[0].fixits[0].replacement == "rtdl 1;\n");
}

TEST_CASE("parser: unknown clauses are E0405 with a suggestion")
{
    auto p = parse_text("rtdl 1;\nnamespace n at \"/n\" { on a() -> A timout 5s; }");
    REQUIRE(p->diags.all().size() == 1);
    auto& d = p->diags.all()[0];
    CHECK(d.code == "E0405");
    CHECK(d.fixits.at(0).replacement == "timeout");
    REQUIRE(p->file.namespaces[0].events.size() == 1);
}

TEST_CASE("parser: a missing type at the end of a line does not take the next declaration")
{
    auto p = parse_text("rtdl 1;\nnamespace n at \"/n\" {\n    on a(A) ->\n    emit b(B) to r;\n}");
    CHECK(p->codes() == std::vector<std::string>{"E0006@3:15"});
    REQUIRE(p->file.namespaces[0].events.size() == 2);
    CHECK(p->file.namespaces[0].events[1].name.text == "b");
}

TEST_CASE("parser: hostile input terminates with diagnostics")
{
    for (std::string text :
         {"", "rtdl", "rtdl 1; struct", "rtdl 1; struct A {", "}}}}{{{{", "@@@@", "rtdl 1; namespace n at",
          "rtdl 1; namespace n at \"/n\" { room r \"x\" {", "rtdl 1; union U tag { a: A }",
          "rtdl 1; type X = map<string", "rtdl 1; enum E { a b c"}) {
        auto p = parse_text(text);
        CHECK(p->diags.has_errors());
    }
}
