// The names of the generated C++ (E0101, E0107, E0314, E0408): one table of every C++ name
// each declaration of the program makes the emitter declare, or refer to unqualified, per
// C++ scope; two declarations that need one name in one scope are an error, so a contract
// rtdlc accepts never fails in the C++ compiler because of its names.
//
// The scopes are the ones the emitters (emit_cpp*.cpp) write:
//
//   the package's C++ namespace  types, package parts, and per namespace N and room R:
//                                N_service N_context N_rooms N_routes N_runtime N_path
//                                configure_N, R_room R_handle R_tick_context, and the
//                                functions of the generated source (N_dispatch, N_on_e …)
//   struct R_room                the placeholders, key(), parse(); key() uses `k`
//   class N_rooms                one function per room, base_; uses R_handle and R_room
//   N_rooms::R(placeholders…)    the placeholders as parameters; calls R(R_room{…})
//   class R_handle               op(), op_, emit_e per event sent to R
//   class N_context              emit_e, join, leave … (and sb_rtdl::connection_context's)
//   class N_service              on_e, on_join_R, on_tick_R, the middleware
//   struct S (a user struct)     the fields; operator== names S
//
// Names in the table change with the emitters: a new generated name goes here too.

#include "check_context.hpp"
#include "cpp_names.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>
#include <set>

namespace rtdl::detail {
namespace {

enum class claim_kind {
    type,       ///< a class, struct, enum or alias
    namespace_, ///< a C++ namespace (package parts reopen each other)
    function,   ///< a function: overloads with different `overload` keys coexist
    variable,
    member, ///< a class member: with an `overload` key, overloads of it coexist
    use,    ///< referred to unqualified in this scope: clashes with any declaration
};

/// A declaration of the contract that makes the emitter produce names.
struct owner {
    span where;
    /// "the room `lobby`"
    std::string noun;
    /// What to do when this is the primary declaration.
    std::string help;
    /// Its file's position among the program's files (imports first, the main file last).
    std::size_t unit_order = 0;
    /// The rtdl namespace it belongs to (rooms, events, middleware, placeholders).
    const model::namespace_decl* ns = nullptr;
};

struct claim {
    std::string name;
    claim_kind kind = claim_kind::type;
    std::string overload;
    std::size_t owner = 0;
    /// The name is the declaration's own name, written as is (not derived from it).
    bool written = false;
    /// What the C++ name is, for the label: "generates `struct lobby_room`".
    std::string role;
    /// A note that explains this claim better than the scope's note.
    std::string note;
};

struct scope {
    /// "in the C++ namespace `t::c1`", "in the generated `struct topic_room`"
    std::string where;
    std::string code;
    std::string note;
    bool global = false;
    bool package = false;
    std::vector<claim> claims;
};

/// Whether two claims of one name in one scope are ill-formed C++ together.
bool conflict(const claim& a, const claim& b)
{
    if (a.owner == b.owner)
        return false;
    if (a.kind == claim_kind::use && b.kind == claim_kind::use)
        return false;
    if (a.kind == claim_kind::namespace_ && b.kind == claim_kind::namespace_)
        return false;
    bool callable_a = a.kind == claim_kind::function || a.kind == claim_kind::member;
    bool callable_b = b.kind == claim_kind::function || b.kind == claim_kind::member;
    if (callable_a && callable_b && a.kind == b.kind && !a.overload.empty() && !b.overload.empty() &&
        a.overload != b.overload)
        return false;
    return true;
}

/// A name the generated code needs in every package scope: why (the end of the message)
/// and a note, or nothing. `global`: the scope is the global namespace.
struct reserved_name {
    std::string why;
    std::string note;
};

constexpr const char* global_note =
    "the global C++ namespace is where a file without `package` puts its types, "
    "and where a package's first part becomes a C++ namespace";

std::optional<reserved_name> reserved(const std::string& name, bool global)
{
    static const std::set<std::string> referred{"std", "simdjson"};
    static const std::set<std::string> support{"boost", "sb", "sb_rtdl"};
    static const std::set<std::string> per_type{"decode",  "decode_value", "decode_fields", "to_json",
                                                "to_wire", "from_wire",    "tag_invoke"};
    const std::string q = "`" + name + "`";
    if (referred.count(name))
        return reserved_name{"would hide the C++ namespace " + q +
                                 ", which the generated code refers to as `" + name + "::`",
                             "the generated code is in the package's C++ namespace, where `" + name +
                                 "::` would find this name first"};
    if (global && support.count(name))
        return reserved_name{"clashes with the C++ namespace " + q +
                                 " of the generated code's support code and "
                                 "libraries",
                             global_note};
    if (global && is_platform_global_name(name))
        return reserved_name{"clashes with " + q +
                                 ", which the C and POSIX headers of the generated C++ declare "
                                 "in the global namespace",
                             global_note};
    if (per_type.count(name))
        return reserved_name{
            "clashes with the function `" + name + "()`, which the generated code declares for types",
            "every struct and union gets `decode()`, `decode_value()`, `to_json()` and "
            "`tag_invoke()` (structs also `decode_fields()`), every enum `to_wire()`, "
            "`from_wire()` and `tag_invoke()`; a type or namespace of that name would be hidden "
            "by them"};
    if (name == "mount")
        return reserved_name{
            "clashes with the function `mount()`, which the generated code declares for namespaces",
            "every namespace gets `mount(sb::server&, …)`; a type or namespace of that name would "
            "be hidden by it"};
    return std::nullopt;
}

/// `lobby_room` -> `LobbyRoom`: a type name no generated name can be.
/// A suggested type name for a clashing one: its PascalCase, or with `Data` appended when
/// that would not change it.
std::string suggested_type_name(const std::string& name)
{
    std::string out = pascal_case(name);
    if (out.empty() || out == name)
        out = name + "Data";
    return out;
}

/// A name with one trailing `_` (never `__`).
std::string underscored(std::string name)
{
    while (!name.empty() && name.back() == '_')
        name.pop_back();
    return name + "_";
}

std::string trim_underscores(std::string name)
{
    while (!name.empty() && name.back() == '_')
        name.pop_back();
    return name;
}

std::string code_quote(std::string_view s)
{
    return "`" + std::string(s) + "`";
}

class name_table {
public:
    explicit name_table(diagnostic_engine& diags) : diags_(diags) {}

    std::size_t add_owner(owner o)
    {
        owners_.push_back(std::move(o));
        return owners_.size() - 1;
    }

    void replace_owner(std::size_t id, owner o) { owners_[id] = std::move(o); }

    scope& open(const std::string& key, std::string where, std::string code, std::string note)
    {
        auto [it, inserted] = scopes_.try_emplace(key);
        if (inserted) {
            it->second.where = std::move(where);
            it->second.code = std::move(code);
            it->second.note = std::move(note);
            order_.push_back(key);
        }
        return it->second;
    }

    static void add(scope& s, std::size_t owner, std::string name, claim_kind kind, std::string role,
                    bool written = false, std::string overload = {})
    {
        if (name.empty())
            return;
        s.claims.push_back({std::move(name), kind, std::move(overload), owner, written, std::move(role), {}});
    }

    void report()
    {
        for (auto& key : order_)
            report(scopes_[key]);
    }

private:
    /// Which of two clashing claims the error is reported at: the one in the later file
    /// (the importing one), then the name written as is, then the later declaration.
    auto rank(const claim& c) const
    {
        auto& o = owners_[c.owner];
        return std::make_tuple(o.unit_order, c.written, o.where.file, o.where.begin);
    }

    std::string noun(const owner& o, const owner& other) const
    {
        // Rooms, events and middleware of different namespaces say which.
        if (o.ns && other.ns && o.ns != other.ns)
            return o.noun + " of namespace " + quote(o.ns->name);
        return o.noun;
    }

    void report(scope& s)
    {
        // In the order the names were claimed, so a pair is reported at its main name
        // (`lobby_room` before `lobby_handle`).
        std::map<std::string, std::vector<const claim*>> by_name;
        std::vector<std::string> names;
        for (auto& c : s.claims) {
            auto& list = by_name[c.name];
            if (list.empty())
                names.push_back(c.name);
            list.push_back(&c);
        }
        for (auto& name : names) {
            auto& list = by_name[name];
            std::stable_sort(list.begin(), list.end(),
                             [&](const claim* a, const claim* b) { return rank(*a) < rank(*b); });
            for (std::size_t i = 0; i < list.size(); ++i) {
                const claim& c = *list[i];
                if (cpp_reserved_reason(name))
                    break; // E0103 already
                if (c.kind != claim_kind::use && s.package) {
                    if (auto r = reserved(name, s.global)) {
                        report_reserved(c, *r);
                        continue;
                    }
                }
                for (std::size_t j = 0; j < i; ++j) {
                    if (conflict(c, *list[j])) {
                        clash(s, c, *list[j]);
                        break;
                    }
                }
            }
        }
    }

    void report_reserved(const claim& c, const reserved_name& r)
    {
        if (!reported_owners_.insert(c.owner).second)
            return;
        auto& o = owners_[c.owner];
        diags_.error("E0107", o.where, o.noun + " " + r.why).label(c.role).note(r.note).help(o.help);
    }

    void clash(const scope& s, const claim& primary, const claim& other)
    {
        auto key = std::minmax(primary.owner, other.owner);
        if (!reported_pairs_.insert(key).second)
            return;
        auto& p = owners_[primary.owner];
        auto& q = owners_[other.owner];
        diags_
            .error(s.code, p.where,
                   noun(p, q) + " clashes with " + noun(q, p) + ": both need " + code_quote(primary.name) +
                       " " + s.where)
            .label(primary.role)
            .secondary(q.where, other.role)
            .note(!primary.note.empty() ? primary.note
                  : !other.note.empty() ? other.note
                                        : s.note)
            .help(p.help);
    }

    diagnostic_engine& diags_;
    std::vector<owner> owners_;
    std::map<std::string, scope> scopes_;
    std::vector<std::string> order_;
    std::set<std::pair<std::size_t, std::size_t>> reported_pairs_;
    std::set<std::size_t> reported_owners_;
};

} // namespace

void checker::check_generated_names()
{
    name_table table(diags_);

    // E0101: a namespace declared in two files of one package would be generated twice
    // into one C++ namespace; the later one is then left out of the table.
    std::map<std::pair<std::vector<std::string>, std::string>, std::pair<const unit*, span>> namespaces;
    // The owner of each C++ namespace a package part opens ("acme::chat").
    std::map<std::string, std::size_t> package_owners;

    for (std::size_t order = 0; order < post_order_.size(); ++order) {
        unit& u = *units_[static_cast<std::size_t>(post_order_[order])];
        const model::module& m = *u.module;
        const std::string cpp_ns = m.cpp_namespace();
        const std::string package = [&] {
            std::string p;
            for (auto& part : m.package)
                p += (p.empty() ? "" : ".") + part;
            return p;
        }();
        auto package_scope = [&](const std::vector<std::string>& parts) -> scope& {
            std::string name;
            for (auto& part : parts)
                name += (name.empty() ? "" : "::") + part;
            std::string dotted;
            for (auto& part : parts)
                dotted += (dotted.empty() ? "" : ".") + part;
            bool global = parts.empty();
            scope& s = table.open(
                "ns:" + name,
                global ? "in the global C++ namespace" : "in the C++ namespace " + code_quote(name), "E0107",
                global ? global_note
                       : "the types and namespaces of the package " + quote(dotted) +
                             ", in all its files, are generated into one C++ namespace, " + code_quote(name));
            s.global = global;
            s.package = true;
            return s;
        };
        scope& pkg = package_scope(m.package);

        // Package parts: `a.b.c` opens `a` globally, `b` in `a`, `c` in `a::b`. The parts
        // that open one C++ namespace, in any file, are one declaration, reported at the
        // latest file's.
        if (u.syntax.package) {
            std::vector<std::string> prefix;
            std::string full;
            for (auto& part : u.syntax.package->parts) {
                if (part.text.empty() || rejected_name(part.text))
                    break;
                full += (full.empty() ? "" : "::") + part.text;
                owner o{part.where, "the package " + quote(package),
                        "rename the package part " + quote(part.text), order, nullptr};
                if (auto at = package_owners.find(full); at != package_owners.end()) {
                    table.replace_owner(at->second, std::move(o));
                }
                else {
                    scope& parent = package_scope(prefix);
                    auto id = table.add_owner(std::move(o));
                    package_owners.emplace(full, id);
                    name_table::add(parent, id, part.text, claim_kind::namespace_,
                                    "is the C++ namespace " + code_quote(full), true);
                    parent.claims.back().note = "a package is a C++ namespace (`" + full + "` here), so " +
                                                code_quote(part.text) + " cannot also name something else " +
                                                parent.where;
                }
                prefix.push_back(part.text);
            }
        }

        // Types (the first declaration of each name; later ones are E0101 already).
        for (std::size_t i = 0; i < u.syntax.types.size(); ++i) {
            const model::type_decl* d = u.decl_of[i];
            const ast::ident& name = ast::name_of(u.syntax.types[i]);
            if (!d || name.text.empty() || rejected_name(name.text))
                continue;
            auto first = u.types.find(name.text);
            if (first == u.types.end() || first->second != d)
                continue;
            std::string kind(model::to_string(d->kind));
            if (d->kind == model::decl_kind::alias)
                kind = "alias";
            auto o = table.add_owner({name.where, "the " + kind + " " + quote(d->name),
                                      "rename the " + kind + ", e.g. " + quote(suggested_type_name(d->name)), order,
                                      nullptr});
            name_table::add(
                pkg, o, d->name, claim_kind::type,
                "is the C++ type " + code_quote((cpp_ns.empty() ? "::" : cpp_ns + "::") + d->name), true);
            if (d->kind != model::decl_kind::struct_)
                continue;
            // Inside the struct, `operator==` names it after its fields.
            scope& st = table.open("struct:" + std::to_string(reinterpret_cast<std::uintptr_t>(d)),
                                   "in the generated " + code_quote("struct " + d->name), "E0107",
                                   "the generated " + code_quote("struct " + d->name) +
                                       " has one member per field, and its `operator==` names the struct");
            name_table::add(st, o, d->name, claim_kind::use,
                            "its `operator==` takes " + code_quote("const " + d->name + "&"));
            std::set<std::string> fields;
            for (auto& f : d->fields) {
                auto at = field_spans_.find(&f);
                if (at == field_spans_.end() || !fields.insert(f.name).second)
                    continue;
                std::string help = f.wire_name == f.name
                                       ? "rename the field and keep its wire name: `@wire(\"" + f.name +
                                             "\") " + underscored(f.name) + "`"
                                       : "rename the field, e.g. " + quote(underscored(f.name));
                auto fo = table.add_owner({at->second, "the field " + quote(f.name), help, order, nullptr});
                name_table::add(st, fo, f.name, claim_kind::member,
                                "becomes the member " + code_quote(d->name + "::" + f.name), true);
            }
        }

        // Namespaces, their rooms, events and middleware.
        std::set<std::string> ns_names;
        for (std::size_t k = 0; k < u.syntax.namespaces.size() && k < m.namespaces.size(); ++k) {
            const ast::namespace_decl& syn = u.syntax.namespaces[k];
            const model::namespace_decl& ns = m.namespaces[k];
            const std::string& N = ns.name;
            if (N.empty() || rejected_name(N) || !ns_names.insert(N).second)
                continue;
            auto [seen, inserted] =
                namespaces.emplace(std::make_pair(m.package, N), std::make_pair(&u, syn.name.where));
            if (!inserted) {
                diags_
                    .error("E0101", syn.name.where,
                           "the namespace " + quote(N) + " is also declared in " +
                               quote(sources_.file(seen->second.first->file).display_path()) +
                               ", which has the same package")
                    .label("declared again here")
                    .secondary(seen->second.second, "first declared here")
                    .note("both would be generated into the C++ namespace " +
                          code_quote(cpp_ns.empty() ? "::" : cpp_ns) + " (`" + N + "_service`, `" + N +
                          "_context` …)")
                    .help("rename one of them, or give the files different packages");
                continue;
            }
            const std::string path = syn.path.where.valid()
                                         ? " (its path " + code_quote("\"" + ns.path + "\"") + " can stay)"
                                         : "";
            auto nso = table.add_owner(
                {syn.name.where, "the namespace " + quote(N), "rename the namespace" + path, order, nullptr});
            auto gen = [&](const std::string& what, const std::string& name) {
                return "generates " + code_quote(what + name);
            };
            for (const char* suffix : {"_service", "_context", "_rooms", "_runtime"})
                name_table::add(pkg, nso, N + suffix, claim_kind::type, gen("class ", N + suffix));
            name_table::add(pkg, nso, N + "_routes", claim_kind::type, gen("namespace ", N + "_routes"));
            name_table::add(pkg, nso, N + "_path", claim_kind::variable, gen("", N + "_path"));
            name_table::add(pkg, nso, "configure_" + N, claim_kind::function,
                            gen("", "configure_" + N + "()"));
            name_table::add(pkg, nso, N + "_transport_allowed", claim_kind::function,
                            gen("", N + "_transport_allowed()"));
            name_table::add(pkg, nso, N + "_handshake_json", claim_kind::function,
                            gen("", N + "_handshake_json()"));
            // Functions of the generated source taking the namespace's runtime: they
            // overload the same names of other namespaces.
            for (const char* suffix : {"_note_join", "_emit_checked", "_room_request", "_dispatch",
                                       "_connect", "_connected", "_disconnected"})
                name_table::add(pkg, nso, N + suffix, claim_kind::function, gen("", N + suffix + "()"), false,
                                N);

            // class N_context and class N_service.
            scope& ctx = table.open("context:" + std::to_string(reinterpret_cast<std::uintptr_t>(&ns)),
                                    "in the generated " + code_quote("class " + N + "_context"), "E0314",
                                    code_quote(N + "_context") +
                                        " has `emit_<event>` for each `emit` event, beside "
                                        "its own members and those of `sb_rtdl::connection_context`");
            scope& svc =
                table.open("service:" + std::to_string(reinterpret_cast<std::uintptr_t>(&ns)),
                           "in the generated " + code_quote("class " + N + "_service"), "E0314",
                           code_quote(N + "_service") +
                               " has `on_<event>` for each `on` event, "
                               "`on_join_<room>` and `on_tick_<room>`, and one function per middleware");
            for (const char* member : {"handshake",
                                       "rooms",
                                       "others",
                                       "join",
                                       "try_join",
                                       "leave",
                                       "in_room",
                                       "rt_",
                                       "socket",
                                       "socket_ptr",
                                       "nsp",
                                       "user_id",
                                       "set_user",
                                       "claims",
                                       "add_claim",
                                       "has_claim",
                                       "remote_address",
                                       "state",
                                       "socket_",
                                       "nsp_",
                                       "connection_context"})
                name_table::add(ctx, nso, member, claim_kind::member,
                                "generates the member " + code_quote(member));
            name_table::add(ctx, nso, N + "_context", claim_kind::member, gen("class ", N + "_context"));
            // (`N_routes::count` is not among them: a `::` lookup skips functions.)
            for (const char* suffix :
                 {"_rooms", "_runtime", "_note_join", "_emit_checked", "_handshake_json"})
                name_table::add(ctx, nso, N + suffix, claim_kind::use,
                                "generates " + code_quote(N + "_context") + ", which uses " +
                                    code_quote(N + suffix));
            name_table::add(svc, nso, N + "_service", claim_kind::member,
                            gen("class ", N + "_service") + " (its destructor has that name)");
            name_table::add(svc, nso, N + "_context", claim_kind::use,
                            "generates " + code_quote(N + "_service") + ", whose handlers take " +
                                code_quote(N + "_context&"));

            // class N_rooms.
            scope& rooms =
                table.open("rooms:" + std::to_string(reinterpret_cast<std::uintptr_t>(&ns)),
                           "in the generated " + code_quote("class " + N + "_rooms"), "E0408",
                           code_quote(N + "_rooms") + " has one member function per room, named "
                                                      "like the room, returning its `<room>_handle`");
            name_table::add(rooms, nso, N + "_rooms", claim_kind::member, gen("class ", N + "_rooms"));
            name_table::add(rooms, nso, "base_", claim_kind::member,
                            "generates " + code_quote(N + "_rooms") + ", which has the member `base_`");

            std::set<std::string> room_names;
            std::set<const model::room*> tabled; // the rooms in the table (not repeated names)
            for (auto& r : ns.rooms) {
                const std::string& R = r.name;
                auto at = room_spans_.find(&r);
                if (R.empty() || rejected_name(R) || at == room_spans_.end() || !room_names.insert(R).second)
                    continue;
                tabled.insert(&r);
                const std::string rsuggest = trim_underscores(N + "_" + R);
                auto ro = table.add_owner(
                    {at->second, "the room " + quote(R),
                     "rename the room, e.g. " + quote(rsuggest) + "; its key pattern can stay as it is",
                     order, &ns});
                name_table::add(pkg, ro, R + "_room", claim_kind::type, gen("struct ", R + "_room"));
                name_table::add(pkg, ro, R + "_handle", claim_kind::type, gen("class ", R + "_handle"));
                if (r.settings.tick) {
                    name_table::add(pkg, ro, R + "_tick_context", claim_kind::type,
                                    gen("class ", R + "_tick_context"));
                    name_table::add(pkg, ro, N + "_tick_" + R, claim_kind::function,
                                    gen("", N + "_tick_" + R + "()"), false, N);
                }
                if (r.settings.join != model::join_policy::server)
                    name_table::add(pkg, ro, N + "_join_" + R, claim_kind::function,
                                    gen("", N + "_join_" + R + "()"), false, N);
                name_table::add(ctx, ro, R + "_room", claim_kind::use,
                                "`" + N + "_context::join()` and the others take " + code_quote(R + "_room"));
                if (r.settings.join == model::join_policy::handler) {
                    name_table::add(svc, ro, "on_join_" + R, claim_kind::member,
                                    gen("", "on_join_" + R + "()"), false, "room:" + R);
                    name_table::add(svc, ro, R + "_room", claim_kind::use,
                                    code_quote("on_join_" + R + "()") + " takes " + code_quote(R + "_room"));
                }
                if (r.settings.tick) {
                    name_table::add(svc, ro, "on_tick_" + R, claim_kind::member,
                                    gen("", "on_tick_" + R + "()"), false, "room:" + R);
                    name_table::add(svc, ro, R + "_tick_context", claim_kind::use,
                                    code_quote("on_tick_" + R + "()") + " takes " +
                                        code_quote(R + "_tick_context"));
                }

                // N_rooms: the member `R`, which uses R_handle (and R_room).
                name_table::add(rooms, ro, R, claim_kind::member,
                                "becomes the member function " + code_quote(N + "_rooms::" + R + "()"), true);
                name_table::add(rooms, ro, R + "_handle", claim_kind::use,
                                code_quote(N + "_rooms::" + R + "()") + " returns " +
                                    code_quote(R + "_handle"));
                if (!r.exact())
                    name_table::add(rooms, ro, R + "_room", claim_kind::use,
                                    code_quote(N + "_rooms::" + R + "()") + " takes " +
                                        code_quote(R + "_room"));

                // struct R_room, and N_rooms::R(placeholders…).
                std::string cls = R + "_room";
                scope& room =
                    table.open("room:" + std::to_string(reinterpret_cast<std::uintptr_t>(&r)),
                               "in the generated " + code_quote("struct " + cls), "E0408",
                               code_quote(cls) + " has a data member per placeholder, `key()` and `parse()`");
                name_table::add(room, ro, "key", claim_kind::member,
                                "generates " + code_quote(cls) + ", which has " + code_quote("key()"));
                name_table::add(room, ro, "parse", claim_kind::member,
                                "generates " + code_quote(cls) + ", which has " + code_quote("parse()"));
                name_table::add(room, ro, cls, claim_kind::use, gen("struct ", cls));
                name_table::add(room, ro, "k", claim_kind::use,
                                code_quote(cls + "::key()") + " builds the key in a local variable `k`");
                for (const char* fn : {"to_wire", "from_wire"})
                    name_table::add(room, ro, fn, claim_kind::use,
                                    code_quote(cls) + " calls " + code_quote(std::string(fn) + "()") +
                                        " for enum placeholders");
                scope* call = nullptr;
                if (!r.exact()) {
                    call = &table.open("call:" + std::to_string(reinterpret_cast<std::uintptr_t>(&r)),
                                       "in the generated " + code_quote(N + "_rooms::" + R + "(…)"), "E0408",
                                       code_quote(N + "_rooms::" + R + "(…)") +
                                           " takes the placeholders as "
                                           "parameters and calls " +
                                           code_quote(R + "(" + cls + "{…})"));
                    name_table::add(*call, ro, R, claim_kind::use,
                                    code_quote(N + "_rooms::" + R + "(…)") + " calls " +
                                        code_quote(R + "()"));
                    name_table::add(*call, ro, cls, claim_kind::use,
                                    code_quote(N + "_rooms::" + R + "(…)") + " builds " + code_quote(cls));
                }
                auto spans = placeholder_spans_.find(&r);
                std::set<std::string> placeholders;
                for (std::size_t i = 0; spans != placeholder_spans_.end() && i < r.placeholders.size() &&
                                        i < spans->second.size();
                     ++i) {
                    const std::string& P = r.placeholders[i].name;
                    if (P.empty() || rejected_name(P) || !placeholders.insert(P).second)
                        continue;
                    auto po =
                        table.add_owner({spans->second[i], "the placeholder " + quote(P),
                                         "rename the placeholder, e.g. " + quote(underscored(P)) +
                                             ": placeholder names are not part of the key, so no key changes",
                                         order, &ns});
                    name_table::add(room, po, P, claim_kind::member,
                                    "becomes the member " + code_quote(cls + "::" + P), true);
                    if (call)
                        name_table::add(*call, po, P, claim_kind::member,
                                        "becomes a parameter of " + code_quote(N + "_rooms::" + R + "(…)"),
                                        true);
                }

                // class R_handle: its own members; the events sent to R are added below.
                scope& handle =
                    table.open("handle:" + std::to_string(reinterpret_cast<std::uintptr_t>(&r)),
                               "in the generated " + code_quote("class " + R + "_handle"), "E0408",
                               code_quote(R + "_handle") +
                                   " has `emit_<event>` for each event sent "
                                   "`to " +
                                   R + "`, beside `op()`");
                name_table::add(handle, ro, R + "_handle", claim_kind::member, gen("class ", R + "_handle"));
                name_table::add(handle, ro, "op", claim_kind::member,
                                "generates " + code_quote(R + "_handle") + ", which has " +
                                    code_quote("op()"));
                name_table::add(handle, ro, "op_", claim_kind::member,
                                "generates " + code_quote(R + "_handle") + ", which has " +
                                    code_quote("op_"));
            }

            // Events.
            std::size_t on_index = 0, emit_index = 0;
            std::set<std::string> on_names, emit_names;
            for (auto& e : syn.events) {
                if (!e.is_emit && on_index >= ns.on_events.size())
                    break;
                if (e.is_emit && emit_index >= ns.emit_events.size())
                    break;
                const std::string& E = e.name.text;
                auto& names = e.is_emit ? emit_names : on_names;
                bool usable = !E.empty() && !rejected_name(E) && names.insert(E).second;
                const std::string wire =
                    e.is_emit ? ns.emit_events[emit_index].wire_name : ns.on_events[on_index].wire_name;
                std::string help = wire == E ? "rename the event and keep its wire name: `@wire(\"" + E +
                                                   "\") " + underscored(E) + "`"
                                             : "rename the event (its `@wire` name can stay)";
                const std::string dir = e.is_emit ? "emit" : "on";
                if (!e.is_emit) {
                    ++on_index;
                    if (!usable)
                        continue;
                    auto eo = table.add_owner({e.name.where, "the `on` event " + quote(E), help, order, &ns});
                    name_table::add(pkg, eo, N + "_on_" + E, claim_kind::function,
                                    gen("", N + "_on_" + E + "()"), false, N);
                    name_table::add(svc, eo, "on_" + E, claim_kind::member, gen("", "on_" + E + "()"), false,
                                    "on:" + E);
                    continue;
                }
                const model::emit_event& em = ns.emit_events[emit_index++];
                if (!usable)
                    continue;
                auto eo = table.add_owner({e.name.where, "the `emit` event " + quote(E), help, order, &ns});
                name_table::add(ctx, eo, "emit_" + E, claim_kind::member,
                                "becomes " + code_quote(N + "_context::emit_" + E + "()"));
                if (em.reply) {
                    std::string decoder = "reply_decoder_" + N + "_" + E;
                    name_table::add(pkg, eo, decoder, claim_kind::function, gen("", decoder + "()"));
                    name_table::add(ctx, eo, decoder, claim_kind::use,
                                    code_quote(N + "_context::emit_" + E + "()") + " calls " +
                                        code_quote(decoder + "()"));
                }
                std::set<const model::room*> targets(em.to.begin(), em.to.end());
                for (auto* r : targets) {
                    if (!tabled.count(r))
                        continue;
                    scope& handle = table.open(
                        "handle:" + std::to_string(reinterpret_cast<std::uintptr_t>(r)), "", "E0408", "");
                    name_table::add(handle, eo, "emit_" + E, claim_kind::member,
                                    "becomes " + code_quote(r->name + "_handle::emit_" + E + "()"));
                    if (em.reply)
                        name_table::add(handle, eo, "reply_decoder_" + N + "_" + E, claim_kind::use,
                                        code_quote(r->name + "_handle::emit_" + E + "()") + " calls " +
                                            code_quote("reply_decoder_" + N + "_" + E + "()"));
                }
            }

            // Middleware: members of N_service.
            std::set<std::string> mw_names;
            for (std::size_t i = 0; i < syn.middleware.size() && i < ns.middleware.size(); ++i) {
                const std::string& M = ns.middleware[i].name;
                if (M.empty() || rejected_name(M) || !mw_names.insert(M).second)
                    continue;
                auto mo = table.add_owner(
                    {syn.middleware[i].name.where, "the middleware " + quote(M),
                     "rename the middleware, e.g. " + quote(trim_underscores(M) + "_hook"), order, &ns});
                name_table::add(svc, mo, M, claim_kind::member,
                                "becomes " + code_quote(N + "_service::" + M + "()"), true,
                                "middleware:" + M);
            }
        }
    }
    table.report();
}

} // namespace rtdl::detail
