#include "compile.hpp"

#include <catch2/catch.hpp>

using namespace rtdl;
using test::compile;

TEST_CASE("checker: namespace and room settings get docs/rtdl.md's defaults")
{
    auto c = compile(R"(rtdl 1;
namespace n at "/n" {
    heartbeat = 10s;
    room r "r";
    on ping() rate 3/m;
}
)");
    REQUIRE(c->result.program);
    auto& ns = c->main().namespaces[0];
    CHECK(ns.settings.auth == model::auth_mode::required);
    CHECK(ns.settings.transports == std::vector<model::transport>{model::transport::ws, model::transport::sse,
                                                                 model::transport::polling});
    CHECK(ns.settings.heartbeat == std::chrono::seconds{10});
    CHECK(ns.settings.idle_timeout == std::chrono::seconds{20}); // 2 × heartbeat
    CHECK(ns.settings.max_payload == 64 * 1024);
    CHECK(ns.settings.send_buffer == 1024 * 1024);
    CHECK(ns.settings.handshake == nullptr);
    auto& room = ns.rooms[0];
    CHECK(room.exact());
    CHECK(room.settings.join == model::join_policy::authenticated);
    CHECK_FALSE(room.settings.max_members);
    CHECK(room.settings.history == 0);
    CHECK(room.settings.history_ttl == std::chrono::minutes{5});
    CHECK_FALSE(room.settings.tick);
    auto& ping = ns.on_events[0];
    REQUIRE(ping.rate);
    CHECK(ping.rate->count == 3);
    CHECK(ping.rate->per == std::chrono::seconds{60});
    CHECK(ping.rate->burst == 3); // defaults to the rate
    CHECK(ping.rate->scope == model::rate_scope::connection);
    CHECK_FALSE(ping.payload);
    CHECK_FALSE(ping.timeout);
}

TEST_CASE("checker: types, wire names, constraints and defaults in the model")
{
    auto c = compile(R"(rtdl 1;
package acme.test;
@length(min: 1, max: 64) @charset("a-z0-9-")
type Slug = string;
enum Color { red, @wire("GREEN") green }
/// A thing.
struct Thing {
    @wire("class") klass: Slug
    @range(min: -1, max: 1.5) ratio: f32 = 0.5
    color: Color = green
    tags: array<string> = ["a", "b"]
    note: optional<string> = null
    @deprecated("use klass") old: optional<u32>
    wait: duration = 250ms
}
union Shape { thing: Thing }
)");
    REQUIRE(c->result.program);
    auto& m = c->main();
    CHECK(m.package == std::vector<std::string>{"acme", "test"});
    CHECK(m.cpp_namespace() == "acme::test");
    CHECK(m.stem == "main");
    REQUIRE(m.types.size() == 4);
    auto& slug = *m.types[0];
    CHECK(slug.kind == model::decl_kind::alias);
    CHECK(slug.constraints.length->min == 1u);
    CHECK(slug.constraints.length->max == 64u);
    CHECK(slug.constraints.charset->contains('-'));
    CHECK_FALSE(slug.constraints.charset->contains('A'));
    CHECK(m.types[1]->enumerators[1].wire_name == "GREEN");
    auto& thing = *m.types[2];
    CHECK(thing.doc == "A thing.");
    REQUIRE(thing.fields.size() == 7);
    CHECK(thing.fields[0].name == "klass");
    CHECK(thing.fields[0].wire_name == "class");
    CHECK(thing.fields[0].type.decl == &slug);
    CHECK(model::strip_aliases(thing.fields[0].type).scalar == model::scalar::string);
    CHECK(thing.fields[1].constraints.range->min->negative);
    CHECK(thing.fields[1].constraints.range->max->text == "1.5");
    CHECK(thing.fields[1].default_value->num.value == 0.5);
    CHECK(thing.fields[2].default_value->kind == model::value_kind::enumerator);
    CHECK(thing.fields[2].default_value->text == "green");
    CHECK(thing.fields[3].default_value->items.size() == 2);
    CHECK(thing.fields[4].default_value->kind == model::value_kind::null);
    CHECK(thing.fields[4].required() == false);
    CHECK(thing.fields[5].deprecated == "use klass");
    CHECK(thing.fields[6].default_value->duration == std::chrono::milliseconds{250});
    CHECK(thing.fields[0].required());
    auto& shape = *m.types[3];
    CHECK(shape.tag == "type");
    CHECK(shape.variants[0].target == &thing);
}

TEST_CASE("checker: recursion through optional is boxed, through arrays is not")
{
    auto c = compile(R"(rtdl 1;
struct Node { value: u32, next: optional<Node>, children: array<Node> }
struct A { b: optional<B> }
struct B { a: A }
struct Leaf { n: u32 }
struct Holder { leaf: optional<Leaf> }
)");
    REQUIRE(c->result.program);
    auto& m = c->main();
    CHECK(m.types[0]->fields[1].boxed);
    CHECK_FALSE(m.types[0]->fields[2].boxed);
    CHECK(m.types[1]->fields[0].boxed); // A.b: B contains A by value
    CHECK_FALSE(m.types[4]->fields[0].boxed);
    // Definition order puts B (contains A by value) after A.
    std::vector<std::string> order;
    for (auto* t : m.definition_order)
        order.push_back(t->name);
    CHECK(order == std::vector<std::string>{"Node", "A", "B", "Leaf", "Holder"});
}

TEST_CASE("checker: definition order puts dependencies first")
{
    auto c = compile(R"(rtdl 1;
struct Outer { inner: Inner, list: array<Item> }
type Items = array<Item>;
struct Inner { items: Items }
struct Item { n: u32 }
)");
    REQUIRE(c->result.program);
    std::vector<std::string> order;
    for (auto* t : c->main().definition_order)
        order.push_back(t->name);
    CHECK(order == std::vector<std::string>{"Item", "Items", "Inner", "Outer"});
}

TEST_CASE("checker: imports with and without `as`, and package-qualified names")
{
    std::map<std::string, std::string> files{
        {"common.rtdl", "rtdl 1;\npackage acme.common;\ntype UserId = string;\nstruct Both { a: u32 }"},
        {"other.rtdl", "rtdl 1;\npackage acme.other;\nstruct Both { b: u32 }\nstruct Only { c: u32 }"}};
    auto c = compile(R"(rtdl 1;
import "common.rtdl" as common;
import "other.rtdl";
struct Use {
    a: common.UserId
    b: acme.common.UserId
    c: Only
    d: acme.other.Only
    e: common.Both
}
)",
                     files);
    REQUIRE(c->result.program);
    auto& program = *c->result.program;
    REQUIRE(program.modules.size() == 3);
    CHECK(program.modules.back().get() == program.main);
    auto& use = *c->main().types[0];
    CHECK(use.fields[0].type.decl->owner->package == std::vector<std::string>{"acme", "common"});
    CHECK(use.fields[1].type.decl == use.fields[0].type.decl);
    CHECK(use.fields[2].type.decl->name == "Only");
    CHECK(use.fields[3].type.decl == use.fields[2].type.decl);
    CHECK(c->main().imports[0].alias == "common");
    CHECK(c->main().imports[1].alias.empty());
    REQUIRE(c->result.dependencies.size() == 3);
    CHECK(c->result.dependencies[0] == "/virtual/main.rtdl");
}

TEST_CASE("checker: an unknown type is reported once, however often it is used")
{
    auto c = compile("rtdl 1;\nstruct A { a: Nope, b: array<Nope>, c: map<string, Nope> }\n"
                     "namespace n at \"/n\" { auth = none; on x(Nope) -> Nope; }");
    CHECK(c->codes() == std::vector<std::string>{"E0102@2:15"});
    CHECK_FALSE(c->result.program);
}

TEST_CASE("checker: a failed import silences unknown names it may have declared")
{
    auto c = compile("rtdl 1;\nimport \"missing.rtdl\" as m;\nimport \"gone.rtdl\";\n"
                     "struct A { a: m.Thing, b: Other }");
    CHECK(c->codes() == std::vector<std::string>{"E0106@2:8", "E0106@3:8"});
}

TEST_CASE("checker: ambiguous names between imports (E0104)")
{
    std::map<std::string, std::string> files{{"a.rtdl", "rtdl 1;\npackage a;\ntype Id = string;"},
                                             {"b.rtdl", "rtdl 1;\npackage b;\ntype Id = u32;"}};
    auto c = compile(
        "rtdl 1;\nimport \"a.rtdl\";\nimport \"b.rtdl\";\nstruct X { id: Id, again: Id, ok: a.Id }", files);
    CHECK(c->codes() == std::vector<std::string>{"E0104@4:16"});
    auto& d = *c->diags.sorted()[0];
    REQUIRE(d.spans.size() == 3); // the use, and both declarations
    CHECK(c->sources.file(d.spans[1].where.file).display_path() == "a.rtdl");
}

TEST_CASE("checker: import cycles (E0105) still resolve names")
{
    std::map<std::string, std::string> files{
        {"a.rtdl", "rtdl 1;\nimport \"b.rtdl\" as b;\npackage a;\nstruct A { b: optional<b.B> }"},
        {"b.rtdl", "rtdl 1;\nimport \"a.rtdl\" as a;\npackage b;\nstruct B { a: a.A }"}};
    auto c = compile("rtdl 1;\nimport \"a.rtdl\" as a;\nstruct Top { t: a.A }", files);
    CHECK(c->codes() == std::vector<std::string>{"E0105@2:8"});
    CHECK(c->diags.all()[0].message == "import cycle: a.rtdl -> b.rtdl -> a.rtdl");
}

TEST_CASE("checker: the same name in both directions is allowed")
{
    auto c = compile(R"(rtdl 1;
struct T { typing: bool }
namespace chat at "/chat" {
    auth = none;
    room lobby "lobby";
    on typing(T);
    emit typing(T) to lobby volatile;
}
)");
    REQUIRE(c->result.program);
    auto& ns = c->main().namespaces[0];
    CHECK(ns.on_events[0].wire_name == "typing");
    CHECK(ns.emit_events[0].to.at(0) == &ns.rooms[0]);
    CHECK(ns.emit_events[0].is_volatile);
}

TEST_CASE("checker: warnings alone leave a program, promoted ones do not")
{
    const char* text = "rtdl 1;\nstruct A { n: i64 }";
    auto c = compile(text);
    CHECK(c->codes() == std::vector<std::string>{"W0201@2:15"});
    CHECK(c->result.program);

    auto strict = std::make_unique<test::compiled>();
    strict->diags.set_warnings_as_errors(true);
    auto id = strict->sources.add("main.rtdl", "/virtual/main.rtdl", text);
    strict->result = check(strict->sources, id, {}, strict->diags);
    CHECK_FALSE(strict->result.program);
    CHECK(strict->diags.all()[0].severity == severity::error);
}

TEST_CASE("checker: model.hpp helpers")
{
    auto c = compile(R"(rtdl 1;
@range(min: 0, max: 10) type Small = u32;
type Smaller = Small;
struct S { a: optional<Smaller> }
)");
    REQUIRE(c->result.program);
    auto& field = c->main().types[2]->fields[0];
    CHECK(model::strip_aliases(field.type).kind == model::type_kind::optional);
    CHECK(model::strip_optional(field.type).scalar == model::scalar::u32);
    auto chain = model::alias_chain(field.type.element());
    REQUIRE(chain.size() == 2);
    CHECK(chain[0]->name == "Smaller");
    CHECK(chain[1]->constraints.range->max->magnitude == 10);
    CHECK(model::to_string(model::scalar::timestamp) == "timestamp");
    CHECK(model::is_integer(model::scalar::u64));
    CHECK_FALSE(model::is_integer(model::scalar::f64));
}
