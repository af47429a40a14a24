#pragma once
/** @file
    The syntax tree of one `.rtdl` file, exactly as written (docs/rtdl.md, "Grammar summary").

    Nothing here is resolved or checked: names are text, values are literals, settings
    are unvalidated `name = value` pairs. The checker turns it into the model
    (`model.hpp`). Every node keeps its span for diagnostics. A node the parser had to
    give up on is simply missing, or has an `invalid` part, so checks still run on the rest.
*/
#include "source.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace rtdl::ast {

/// A name as written.
struct ident {
    std::string text;
    span where;
};

/// `a.b.C`
struct qualified_name {
    std::vector<ident> parts;
    span where;

    /// The dotted text, e.g. "common.UserId".
    std::string str() const
    {
        std::string out;
        for (auto& p : parts)
            out += (out.empty() ? "" : ".") + p.text;
        return out;
    }
};

/// A string literal with the source offset of every decoded byte (see `token::offsets`).
struct string_literal {
    std::string text;
    std::vector<std::uint32_t> offsets;
    span where;

    /// The span of decoded bytes `[begin, end)` inside the string, in the file.
    span inner(std::size_t begin, std::size_t end) const
    {
        std::uint32_t b = offsets.empty() ? where.begin : offsets[std::min(begin, offsets.size() - 1)];
        std::uint32_t e = offsets.empty() ? where.end : offsets[std::min(end, offsets.size() - 1)];
        return span{where.file, b, std::max(b, e)};
    }
};

enum class value_kind {
    invalid,  ///< a literal whose error was already reported
    integer,  ///< INT
    number,   ///< NUMBER that is not an INT (sign, fraction or exponent)
    string,   ///< STRING
    duration, ///< DURATION
    size,     ///< SIZE
    boolean,  ///< `true` / `false`
    null,     ///< `null`
    name,     ///< qualified_name (an enumerator, a setting keyword, a type)
    list,     ///< `[ … ]`
};

/// A value: the right-hand side of a setting, a default, or an attribute argument.
struct value {
    value_kind kind = value_kind::invalid;
    span where;
    /// integer/number: the spelling; string: the decoded text; name: the dotted text.
    std::string text;
    /// integer: the value; duration: milliseconds; size: bytes.
    std::uint64_t integer = 0;
    bool boolean = false;
    qualified_name name;
    std::vector<value> items;
};

/// `min: 1` or a positional `"a-z"` in `@attr( … )`.
struct attribute_arg {
    std::optional<ident> name;
    ast::value value;
};

/// `@name` or `@name(args)`.
struct attribute {
    ident name;
    std::vector<attribute_arg> args;
    span where;
};

/// How a type expression is built.
enum class type_form {
    invalid,  ///< the parser could not read a type here (already reported)
    name,     ///< a scalar or a declared type, by `name`
    optional, ///< `optional<args[0]>`
    array,    ///< `array<args[0]>`
    map,      ///< `map<args[0], args[1]>`
};

struct type_expr {
    type_form form = type_form::invalid;
    qualified_name name;
    std::vector<type_expr> args;
    span where;
};

/// What every declaration carries: its attributes and `///` documentation.
struct decl_header {
    std::vector<attribute> attributes;
    std::string doc;
};

struct field : decl_header {
    ident name;
    type_expr type;
    std::optional<value> default_value;
    span where;
};

struct struct_decl : decl_header {
    ident name;
    std::vector<field> fields;
    span keyword;
    span where;
};

struct enumerator : decl_header {
    ident name;
};

struct enum_decl : decl_header {
    ident name;
    std::vector<enumerator> enumerators;
    span keyword;
    span where;
};

struct variant : decl_header {
    ident name;
    type_expr type;
    span where;
};

struct union_decl : decl_header {
    ident name;
    std::optional<string_literal> tag;
    std::vector<variant> variants;
    span keyword;
    span where;
};

struct alias_decl : decl_header {
    ident name;
    type_expr target;
    span keyword;
    span where;
};

/// `name = value;` in a namespace or a room.
struct setting : decl_header {
    ident name;
    ast::value value;
    span where;
};

/// `middleware NAME on phase, phase;`
struct middleware_decl : decl_header {
    ident name;
    std::vector<ident> phases;
    span where;
};

/// `room NAME "pattern" { settings }` or `room NAME "pattern";`
struct room_decl : decl_header {
    ident name;
    string_literal pattern;
    std::vector<setting> settings;
    span where;
};

enum class clause_kind { timeout, rate, to, volatile_, conflate, resumable, collect };

/// One clause of an event. Which members are set depends on `kind`.
struct clause {
    clause_kind kind = clause_kind::timeout;
    /// The clause keyword.
    span keyword;
    /// The whole clause.
    span where;
    /// timeout: the deadline in milliseconds.
    std::uint64_t duration_ms = 0;
    bool malformed = false;
    /// rate: `count / unit [burst N] [per scope]`.
    std::uint64_t rate_count = 0;
    ident rate_unit;
    std::optional<std::uint64_t> burst;
    std::optional<ident> scope;
    /// to: the room names.
    std::vector<ident> rooms;
    /// conflate: `by field`.
    std::optional<ident> by;
    /// collect: `all`, `any`, `quorum` or `first` (with `first_n`).
    ident policy;
    std::uint64_t first_n = 0;
};

/// `on name(T) -> R clauses;` or `emit name(T) -> R clauses;`
struct event_decl : decl_header {
    bool is_emit = false;
    ident name;
    std::optional<type_expr> payload;
    std::optional<type_expr> reply;
    std::vector<clause> clauses;
    /// The `on`/`emit` keyword.
    span keyword;
    span where;
};

struct namespace_decl : decl_header {
    ident name;
    string_literal path;
    std::vector<setting> settings;
    std::vector<middleware_decl> middleware;
    std::vector<room_decl> rooms;
    std::vector<event_decl> events;
    span keyword;
    span where;
};

/// `import "path" as alias;`
struct import_decl {
    string_literal path;
    std::optional<ident> alias;
    span where;
};

using type_decl = std::variant<struct_decl, enum_decl, union_decl, alias_decl>;

/// One parsed file.
struct file {
    /// The `rtdl N;` line, when present and well formed.
    std::optional<std::uint64_t> version;
    std::vector<import_decl> imports;
    std::optional<qualified_name> package;
    /// Type declarations in source order.
    std::vector<type_decl> types;
    std::vector<namespace_decl> namespaces;
};

/// The declared name of any type declaration.
inline const ident& name_of(const type_decl& d)
{
    return std::visit([](auto& x) -> const ident& { return x.name; }, d);
}

} // namespace rtdl::ast
