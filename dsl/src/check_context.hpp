#pragma once
// Private to the checker: the state shared by its phases, one .cpp file per phase
// (imports.cpp, names.cpp, check_attributes.cpp, check_types.cpp, check_namespaces.cpp,
// check_rooms.cpp, check_generated_names.cpp). Nothing outside the checker includes this header.

#include "ast.hpp"
#include "checker.hpp"
#include "room_pattern.hpp"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace rtdl::detail {

/// One loaded file: its syntax tree, its module and its scope.
struct unit {
    file_id file = no_file;
    ast::file syntax;
    std::unique_ptr<model::module> owned;
    model::module* module = nullptr;

    struct import_link {
        const ast::import_decl* decl = nullptr;
        /// Index into `checker::units_`, or -1 when the import failed.
        int target = -1;
    };
    std::vector<import_link> imports;

    /// Type declarations by name (the first declaration of each name).
    std::map<std::string, model::type_decl*> types;
    /// Model declaration of each `syntax.types[i]` (null only if never created).
    std::vector<model::type_decl*> decl_of;
    /// Names already reported unknown or ambiguous in this file (reported once).
    std::set<std::string> reported_names;
    /// An import without `as` failed: unknown unqualified names may come from it.
    bool unaliased_import_failed = false;
};

/// Where an attribute stands; decides which attributes are allowed.
enum class attr_target {
    struct_,
    enum_,
    union_,
    alias,
    field,
    enumerator,
    variant,
    namespace_,
    room,
    on_event,
    emit_event,
    setting,
    middleware
};

/// What a declaration's attributes amount to.
struct attribute_info {
    model::constraints constraints;
    std::optional<std::string> wire;
    std::optional<span> wire_span;
    std::vector<std::string> required_claims;
    std::optional<span> requires_span;
    std::optional<std::string> deprecated;
};

/// The result of looking up a type name.
struct lookup_result {
    enum class kind { found, scalar, unknown, suppressed } kind = kind::unknown;
    model::type_decl* decl = nullptr;
    model::scalar scalar = model::scalar::json;
};

class checker {
public:
    checker(source_manager& sources, diagnostic_engine& diags, const check_options& options);

    check_result run(file_id main);

    // ---- imports.cpp
    /// Loads `file` and its imports depth-first; returns the unit index.
    int load(file_id file, std::vector<int>& stack);

    // ---- checker.cpp
    void declare_types(unit& u);
    void check_cross_module_duplicates();
    model::location location_of(span s) const;
    /// Reports E0103 when `name` cannot be a C++ identifier. `wire_hint`: the
    /// declaration can keep the name on the wire with `@wire`.
    bool check_cpp_name(const ast::ident& name, std::string_view what, bool wire_hint);
    /// Records `name` in `seen`; a second declaration of it is E0101 ("the `what` … is
    /// declared twice", with `help` as the fix). False for a repeat.
    bool declare_once(std::map<std::string, span>& seen, const ast::ident& name, std::string_view what,
                      std::string help);
    /// W0202 when `decl` is deprecated and used from a non-deprecated place.
    void warn_deprecated_use(const model::type_decl* decl, span use, bool user_deprecated);

    // ---- names.cpp
    lookup_result lookup(unit& u, const ast::qualified_name& name, bool report = true);
    /// Resolves a type expression (structure only; aliases may still be unresolved).
    model::type_ref resolve(unit& u, const ast::type_expr& t);
    /// Names visible in `u` for "did you mean".
    std::vector<std::string> visible_type_names(const unit& u) const;

    // ---- check_attributes.cpp
    /// Checks the attributes of one declaration. `type` is the declared type for fields
    /// and aliases (attribute/type compatibility), `what` names the declaration.
    attribute_info apply_attributes(const std::vector<ast::attribute>& attrs, attr_target target,
                                    const model::type_ref* type, const ast::type_expr* type_syntax,
                                    std::string_view what);

    // ---- check_types.cpp
    void resolve_types(unit& u);
    void break_alias_cycles(unit& u);
    void validate_types(unit& u);
    void check_union_tags(unit& u);
    void check_containment();
    void order_definitions(model::module& m);
    /// Checks a type use (map keys, deprecated types), recursively.
    void check_type_use(const ast::type_expr& syntax, const model::type_ref& type, bool user_deprecated);
    /// W0201 for an unbounded 64-bit integer reached through `type`.
    void check_js_precision(const model::type_ref& type, const model::constraints* own, span where,
                            std::string_view what);
    std::optional<model::value> check_default(const ast::value& v, const model::type_ref& type,
                                              const model::constraints& own, std::string_view field);

    // ---- check_namespaces.cpp
    void check_namespaces(unit& u);
    void check_namespace_settings(unit& u, const ast::namespace_decl& syntax, model::namespace_decl& ns);
    void check_events(unit& u, const ast::namespace_decl& syntax, model::namespace_decl& ns);
    void check_event_clauses(const ast::event_decl& e, const model::namespace_decl& ns, model::on_event* on,
                             model::emit_event* emit);
    // Setting values; each reports E0405 (or E0102) and returns nothing when invalid.
    std::optional<std::size_t> setting_word(const ast::setting& s, const std::vector<std::string>& options);
    std::optional<std::chrono::milliseconds> setting_duration(const ast::setting& s);
    std::optional<std::uint64_t> setting_size(const ast::setting& s);
    std::optional<std::uint64_t> setting_count(const ast::setting& s, std::uint64_t min);
    const model::type_decl* setting_struct(unit& u, const ast::setting& s);
    void unknown_setting(const ast::setting& s, const std::vector<std::string>& here,
                         const std::vector<std::string>& elsewhere, std::string_view where,
                         std::string_view other);
    /// E0101 when a setting is given twice; true when it is the first.
    bool first_setting(std::map<std::string, span>& seen, const ast::setting& s);

    // ---- check_rooms.cpp
    void check_rooms(unit& u, const ast::namespace_decl& syntax, model::namespace_decl& ns);

    // ---- check_generated_names.cpp
    /// E0107, E0314, E0408: no two declarations of the program need one C++ name in one
    /// scope of the generated code (and E0101 for a namespace declared in two files of a
    /// package). Runs last, on the whole program.
    void check_generated_names();

    source_manager& sources_;
    diagnostic_engine& diags_;
    const check_options& options_;
    /// In load order (the main file first).
    std::vector<std::unique_ptr<unit>> units_;
    /// Unit indices with every import before its importer (DFS post-order).
    std::vector<int> post_order_;
    /// While loading: the import followed out of each unit on the load stack.
    std::vector<const ast::import_decl*> via_;
    std::unique_ptr<model::program> program_;
    /// The span of each field's and variant's type as written (for program-wide checks).
    std::map<const void*, span> type_spans_;
    /// The span of each field's name.
    std::map<const model::field*, span> field_spans_;
    /// Where each room's name is written (rooms never move once their namespace is built).
    std::map<const model::room*, span> room_spans_;
    /// Where each room's placeholder names are written, in `room::placeholders` order.
    std::map<const model::room*, std::vector<span>> placeholder_spans_;
    /// Declarations whose alias chain loops (reported once, then treated as unresolved).
    std::set<const model::type_decl*> cyclic_aliases_;
};

/// True for a name the lexer already rejected (non-ASCII): lookups stay silent about it.
inline bool rejected_name(std::string_view s)
{
    for (unsigned char c : s) {
        if (c >= 0x80)
            return true;
    }
    return false;
}

/// True for a named reference to a declaration of kind `k`.
inline bool is_kind(const model::type_ref& t, model::decl_kind k)
{
    return t.kind == model::type_kind::named && t.decl && t.decl->kind == k;
}

/// False when any part of the type is unresolved (an error already reported there).
inline bool fully_resolved(const model::type_ref& t)
{
    if (t.kind == model::type_kind::unresolved)
        return false;
    for (auto& a : t.args) {
        if (!fully_resolved(a))
            return false;
    }
    return true;
}

/// The constraints that apply to a value of `t`: `own` (when given), then each alias's.
inline std::vector<const model::constraints*> constraints_of(const model::type_ref& t,
                                                             const model::constraints* own)
{
    std::vector<const model::constraints*> out;
    if (own)
        out.push_back(own);
    for (auto* a : model::alias_chain(t))
        out.push_back(&a->constraints);
    return out;
}

/// "a, b or c"
inline std::string list_words(const std::vector<std::string>& words, std::string_view last = " or ")
{
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i)
        out += (i == 0 ? "" : i + 1 == words.size() ? std::string(last) : ", ") + words[i];
    return out;
}

/// The settings a namespace takes (docs/rtdl.md, "Settings").
inline const std::vector<std::string>& namespace_setting_names()
{
    static const std::vector<std::string> names{"auth",        "transports", "heartbeat",   "max_payload",
                                                "send_buffer", "handshake",  "idle_timeout"};
    return names;
}

/// The settings a room takes.
inline const std::vector<std::string>& room_setting_names()
{
    static const std::vector<std::string> names{"join",        "max_members", "history",
                                                "history_ttl", "tick",        "presence"};
    return names;
}

/// "`name`"
inline std::string quote(std::string_view s)
{
    return "`" + std::string(s) + "`";
}

/// A numeric literal as a model number (exact for integers up to 2^64−1).
model::number to_number(const ast::value& v);
/// a < b, exactly for integers.
bool less(const model::number& a, const model::number& b);
/// Why `n` is not a value of the scalar type, or nothing when it is.
std::optional<std::string> outside(const model::number& n, model::scalar s);

/// How a type reads in a message: `string`, `array<common.UserId>`, `Foo`.
std::string describe(const model::type_ref& t);

} // namespace rtdl::detail
