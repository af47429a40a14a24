#pragma once
/** @file
    The checked model of an `.rtdl` compilation: the one input of every emitter.

    The checker builds it from the syntax trees of the main file and everything it
    imports. When the checker reports no error, the model is complete and consistent:

    - every type reference is resolved (`type_kind::unresolved` never appears);
    - every setting has its value, defaults applied (docs/rtdl.md, "Settings");
    - room patterns are split into literal text and typed placeholders;
    - event clauses are validated and stored as plain members;
    - documentation (`///`) and `@deprecated` reasons are attached where they were written;
    - names are unique in their scope (E0101), and every name that becomes a C++
      identifier verbatim is a valid one (E0103). Event names are not C++-checked: the
      generated code always prefixes them (`on_new`, `emit_new`). Wire names are not
      Socket.IO's reserved event names.

    Emitters never see a model with errors: `check()` returns none in that case.

    @par Getting one
    @code
    rtdl::source_manager sources;
    rtdl::diagnostic_engine diags;
    std::string error;
    auto id = sources.load("chat.rtdl", "chat.rtdl", error);   // no_file + error on failure
    auto result = rtdl::check(sources, id, {}, diags);        // checker.hpp
    rtdl::render(std::cerr, sources, diags.sorted(), rtdl::diagnostic_format::human);
    if (result.program) {
        const rtdl::model::module& chat = *result.program->main;
        for (const rtdl::model::namespace_decl& ns : chat.namespaces) { … }
    }
    @endcode
    `rtdlc --emit=X` dispatches in `driver.cpp` (`run_rtdlc`); `emit_ir.cpp` is a complete
    walk over this model to copy from.

    @par Ownership and lifetime
    A `program` owns its modules; a module owns its types and namespaces. Pointers
    between them (`type_ref::decl`, `emit_event::to`, `field` pointers …) point into the
    same `program` and stay valid as long as it lives. The model is immutable after
    checking; nothing in it needs locking.

    @par Names
    `name` members are the identifiers as written in the `.rtdl` file, and are what the
    generated C++ uses (`ChatMessage`, `on_send_message`). `wire_name` members are what
    goes on the wire (JSON keys, event strings, enum strings): the `@wire("…")` text when
    given, otherwise `name`.
*/
#include <bitset>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtdl::model {

struct type_decl;
struct module;

/// Where something was declared, for comments in generated code (`// chat.rtdl:42`).
struct location {
    /// The path as shown in diagnostics (relative when the user gave a relative path).
    std::string file;
    std::uint32_t line = 0;
    std::uint32_t column = 0;
};

// ---- types ------------------------------------------------------------------------

/// The built-in types (docs/rtdl.md, "Types").
enum class scalar {
    bool_,     ///< `bool` — C++ `bool`
    i32,       ///< `std::int32_t`
    i64,       ///< `std::int64_t`; a JSON number unless `@as_string`
    u32,       ///< `std::uint32_t`
    u64,       ///< `std::uint64_t`; a JSON number unless `@as_string`
    f32,       ///< `float`; NaN and Inf rejected
    f64,       ///< `double`; NaN and Inf rejected
    string,    ///< `std::string`, validated UTF-8
    bytes,     ///< `std::vector<std::byte>`, base64 on the wire
    timestamp, ///< `sb::timestamp`, integer milliseconds since the Unix epoch
    duration,  ///< `std::chrono::milliseconds`, integer milliseconds
    json,      ///< `boost::json::value`, any JSON, unvalidated
};

/// The `.rtdl` spelling of a scalar: "bool", "i32", …
constexpr std::string_view to_string(scalar s) noexcept
{
    constexpr std::string_view names[] = {"bool", "i32",    "i64",   "u32",       "u64",      "f32",
                                          "f64",  "string", "bytes", "timestamp", "duration", "json"};
    return names[static_cast<int>(s)];
}

/// True for i32, i64, u32, u64.
constexpr bool is_integer(scalar s) noexcept
{
    return s == scalar::i32 || s == scalar::i64 || s == scalar::u32 || s == scalar::u64;
}

/// True for the integer and floating-point scalars (what `@range` applies to).
constexpr bool is_numeric(scalar s) noexcept
{
    return is_integer(s) || s == scalar::f32 || s == scalar::f64;
}

enum class type_kind {
    scalar,     ///< a built-in type: see `type_ref::scalar`
    optional,   ///< `optional<args[0]>` — absent or null on decode, absent on encode
    array,      ///< `array<args[0]>`
    map,        ///< `map<args[0], args[1]>`; the key is a string, integer or enum (or alias)
    named,      ///< a declared struct, enum, union or alias: see `type_ref::decl`
    unresolved, ///< only while checking; never in a model without errors
};

/// A use of a type: a field's type, an event payload, an alias target …
struct type_ref {
    type_kind kind = type_kind::unresolved;
    /// When `kind == scalar`.
    model::scalar scalar = model::scalar::json;
    /// When `kind == named`: the declaration (possibly in another module).
    const type_decl* decl = nullptr;
    /// optional/array: one element type; map: key then value.
    std::vector<type_ref> args;

    /// The element of an optional or array.
    const type_ref& element() const { return args.at(0); }
    /// The key type of a map.
    const type_ref& key() const { return args.at(0); }
    /// The value type of a map.
    const type_ref& value() const { return args.at(1); }
};

/** A numeric literal from the source, kept exactly as written so emitters can print
    it back without rounding (`9007199254740991`, `6.2832`, `-1`).
*/
struct number {
    /// The spelling in the source.
    std::string text;
    /// The nearest double.
    double value = 0;
    /// True when written as a whole number without fraction or exponent.
    bool is_integer = false;
    /// For an integer: its sign and magnitude (exact up to 2^64−1).
    bool negative = false;
    std::uint64_t magnitude = 0;
};

/// `@length(min:, max:)`: inclusive bounds on code points (string), bytes (bytes),
/// elements (array) or entries (map).
struct length_limit {
    std::optional<std::uint64_t> min;
    std::optional<std::uint64_t> max;
};

/// `@range(min:, max:)`: inclusive bounds on a numeric value.
struct range_limit {
    std::optional<number> min;
    std::optional<number> max;
};

/// `@charset("a-z0-9-")`: the ASCII characters a string may contain.
struct char_set {
    /// The specification as written.
    std::string spec;
    /// One bit per byte value; only ASCII bits are ever set.
    std::bitset<256> allowed;

    bool contains(unsigned char c) const { return allowed.test(c); }
};

/** Decode-time checks attached to a field or an alias (docs/rtdl.md, "Attributes").

    They apply to the value of the field or alias, through `optional`: `@length` on an
    `optional<string>` field bounds the string when present. Checks compose: a field of
    alias type is checked against the alias's constraints and then its own.
*/
struct constraints {
    std::optional<length_limit> length;
    std::optional<range_limit> range;
    std::optional<char_set> charset;
    /// `@as_string`: a 64-bit integer travels as a JSON string.
    bool as_string = false;

    bool empty() const { return !length && !range && !charset && !as_string; }
};

/// What a `value` holds.
enum class value_kind {
    null,       ///< `null` (an optional's default)
    boolean,    ///< `value::boolean`
    number,     ///< `value::num`: any numeric field (sizes such as `64KiB` become their byte count)
    string,     ///< `value::text`
    duration,   ///< `value::duration`
    enumerator, ///< `value::text` is the enumerator's name (not its wire name)
    list,       ///< `value::items`: an array default (`[]` for a map); `json` defaults never use it
    json,       ///< `value::text` is the JSON text of a `json` field's default
};

/// A literal value from the source: a field default, converted to the field's type.
struct value {
    value_kind kind = value_kind::null;
    bool boolean = false;
    model::number num;
    std::string text;
    std::chrono::milliseconds duration{0};
    std::vector<value> items;
};

/// A struct field.
struct field {
    std::string name;
    std::string wire_name;
    type_ref type;
    model::constraints constraints;
    /// `= v`: the key may be absent on decode and the member is initialised to it.
    std::optional<value> default_value;
    /** True when the field's type is an `optional` that contains the enclosing struct
        again by value (e.g. `next: optional<Node>` in `Node`). `std::optional<Node>`
        inside `Node` is ill-formed, so the C++ emitter must box it (e.g. with a
        heap-allocating wrapper). Arrays and maps are already indirect.
    */
    bool boxed = false;
    std::string doc;
    /// `@deprecated("why")`: the reason.
    std::optional<std::string> deprecated;
    location loc;

    /// True when the key must be present on decode.
    bool required() const { return !default_value && type.kind != type_kind::optional; }
};

/// An enum value. The C++ enum is `enum class E : std::uint8_t`; the wire form is a string.
struct enumerator {
    std::string name;
    std::string wire_name;
    std::string doc;
    std::optional<std::string> deprecated;
    location loc;
};

/// A union variant: `name: Struct` — on the wire `{"<tag>": "<wire_name>", …Struct's fields}`.
struct variant {
    std::string name;
    std::string wire_name;
    /// As written (may be an alias of the struct).
    type_ref type;
    /// The struct the variant carries, aliases resolved.
    const type_decl* target = nullptr;
    std::string doc;
    std::optional<std::string> deprecated;
    location loc;
};

enum class decl_kind { struct_, enum_, union_, alias };

/// "struct", "enum", "union" or "type".
constexpr std::string_view to_string(decl_kind k) noexcept
{
    constexpr std::string_view names[] = {"struct", "enum", "union", "type"};
    return names[static_cast<int>(k)];
}

/** A named type declaration. The members used depend on `kind`:

    | kind      | members                                   |
    |-----------|-------------------------------------------|
    | `struct_` | `fields`                                  |
    | `enum_`   | `enumerators`                             |
    | `union_`  | `tag`, `variants` (each a struct)         |
    | `alias`   | `aliased`, `constraints`                  |
*/
struct type_decl {
    decl_kind kind = decl_kind::struct_;
    std::string name;
    /// The module (file) that declares it; its `package` is the C++ namespace.
    const module* owner = nullptr;
    std::string doc;
    std::optional<std::string> deprecated;
    location loc;

    std::vector<field> fields;
    std::vector<enumerator> enumerators;
    /// The union's discriminating JSON key (`tag "kind"`; `"type"` when not given).
    std::string tag;
    std::vector<variant> variants;
    type_ref aliased;
    model::constraints constraints;

    /// The field with this (C++) name, or null.
    const field* find_field(std::string_view n) const
    {
        for (auto& f : fields) {
            if (f.name == n)
                return &f;
        }
        return nullptr;
    }
};

/// Follows aliases: the first type in the chain that is not a named alias.
inline const type_ref& strip_aliases(const type_ref& t)
{
    const type_ref* r = &t;
    for (int guard = 0;
         guard < 1000 && r->kind == type_kind::named && r->decl && r->decl->kind == decl_kind::alias; ++guard)
        r = &r->decl->aliased;
    return *r;
}

/// Follows aliases and `optional`s: the type of a present value.
inline const type_ref& strip_optional(const type_ref& t)
{
    const type_ref* r = &strip_aliases(t);
    while (r->kind == type_kind::optional)
        r = &strip_aliases(r->element());
    return *r;
}

/// The aliases a type reference passes through, outermost first (their constraints apply).
inline std::vector<const type_decl*> alias_chain(const type_ref& t)
{
    std::vector<const type_decl*> out;
    const type_ref* r = &t;
    while (r->kind == type_kind::named && r->decl && r->decl->kind == decl_kind::alias && out.size() < 1000) {
        out.push_back(r->decl);
        r = &r->decl->aliased;
    }
    return out;
}

// ---- namespaces -------------------------------------------------------------------

enum class auth_mode { none, optional, required };
enum class transport { ws, sse, polling };
/// Middleware phases: `middleware NAME on connect, join, …`.
enum class phase { connect, join, event, emit, disconnect };
enum class join_policy { open, authenticated, handler, server };
enum class rate_scope { connection, user, ip };
enum class collect_policy { all, any, first, quorum };

constexpr std::string_view to_string(auth_mode v) noexcept
{
    constexpr std::string_view n[] = {"none", "optional", "required"};
    return n[static_cast<int>(v)];
}
constexpr std::string_view to_string(transport v) noexcept
{
    constexpr std::string_view n[] = {"ws", "sse", "polling"};
    return n[static_cast<int>(v)];
}
constexpr std::string_view to_string(phase v) noexcept
{
    constexpr std::string_view n[] = {"connect", "join", "event", "emit", "disconnect"};
    return n[static_cast<int>(v)];
}
constexpr std::string_view to_string(join_policy v) noexcept
{
    constexpr std::string_view n[] = {"open", "authenticated", "handler", "server"};
    return n[static_cast<int>(v)];
}
constexpr std::string_view to_string(rate_scope v) noexcept
{
    constexpr std::string_view n[] = {"connection", "user", "ip"};
    return n[static_cast<int>(v)];
}
constexpr std::string_view to_string(collect_policy v) noexcept
{
    constexpr std::string_view n[] = {"all", "any", "first", "quorum"};
    return n[static_cast<int>(v)];
}

/// Namespace settings with docs/rtdl.md's defaults applied.
struct namespace_settings {
    auth_mode auth = auth_mode::required;
    /// In the order written, without duplicates; never empty. Unwritten: all three, so the
    /// official client's default (polling, then websocket) connects.
    std::vector<transport> transports{transport::ws, transport::sse, transport::polling};
    std::chrono::milliseconds heartbeat{25'000};
    /// Bytes.
    std::uint64_t max_payload = 64 * 1024;
    /// Bytes.
    std::uint64_t send_buffer = 1024 * 1024;
    /// A struct whose fields are scalars, enums, or optionals/arrays of those; or null.
    const type_decl* handshake = nullptr;
    /// Defaults to twice the heartbeat.
    std::chrono::milliseconds idle_timeout{50'000};
    /// Which of the connection-wide settings the contract wrote. Those are properties of
    /// the Engine.IO session, shared by every namespace on it: the generated code applies
    /// them to `sb::server_options` (`configure`) and `mount()` refuses a server whose
    /// options disagree, so a written setting is never silently ignored.
    struct {
        bool heartbeat = false;
        bool idle_timeout = false;
        bool max_payload = false;
        bool send_buffer = false;
    } written;

    bool has(transport t) const
    {
        for (auto x : transports) {
            if (x == t)
                return true;
        }
        return false;
    }
};

/// `middleware NAME on phases;` — one virtual hook per name.
struct middleware {
    std::string name;
    /// In the order written, without duplicates.
    std::vector<phase> phases;
    std::string doc;
    std::optional<std::string> deprecated;
    location loc;
};

/// Room settings with docs/rtdl.md's defaults applied.
struct room_settings {
    join_policy join = join_policy::authenticated;
    /// Unlimited when absent.
    std::optional<std::uint64_t> max_members;
    /// Number of `resumable` events kept per room (0 = none).
    std::uint64_t history = 0;
    std::chrono::milliseconds history_ttl{5 * 60'000};
    /// Period of the generated `on_tick_<room>` hook, when set.
    std::optional<std::chrono::milliseconds> tick;
    /// The per-member presence struct, or null.
    const type_decl* presence = nullptr;
};

/// A `{name: Type}` in a room pattern. The type is a string, an integer or an enum
/// (possibly through aliases): what a key's text can be parsed into. A placeholder's
/// value is never empty: `parse()` must reject an empty one (E0403's overlap proof
/// relies on it). Its value never contains the literal text that follows it (E0402).
struct placeholder {
    std::string name;
    type_ref type;
};

/// A piece of a room pattern, in order.
struct room_segment {
    bool is_placeholder = false;
    /// Literal text (when not a placeholder).
    std::string text;
    /// Index into `room::placeholders` (when a placeholder).
    std::size_t placeholder = 0;
};

/** `room NAME "pattern" { settings }`. The checker proved that keys split
    unambiguously (E0401, E0402) and that no two rooms of a namespace match the same key,
    except an exact room shadowing a parameterised one (E0403).
*/
struct room {
    std::string name;
    /// The pattern as written, e.g. "dm:{a: common.UserId}:{b: common.UserId}".
    std::string pattern;
    std::vector<room_segment> segments;
    std::vector<placeholder> placeholders;
    room_settings settings;
    /// `@requires("claim")`, in order.
    std::vector<std::string> required_claims;
    std::string doc;
    std::optional<std::string> deprecated;
    location loc;

    /// True when the pattern has no placeholder (a single fixed key).
    bool exact() const { return placeholders.empty(); }
};

/// `rate N/unit [burst M] [per scope]`: a token bucket.
struct rate_limit {
    /// Tokens added per `per`.
    std::uint64_t count = 0;
    std::chrono::seconds per{1};
    /// Bucket size; `count` when not written.
    std::uint64_t burst = 0;
    rate_scope scope = rate_scope::connection;
};

/// `collect all | any | first N | quorum`.
struct collect_rule {
    collect_policy policy = collect_policy::all;
    /// For `first N`.
    std::uint64_t count = 0;
};

/// `on name(T) -> R …;` — client to server.
struct on_event {
    std::string name;
    std::string wire_name;
    /// Absent for `on name()`.
    std::optional<type_ref> payload;
    /// The ACK reply type, when the event expects one.
    std::optional<type_ref> reply;
    std::optional<std::chrono::milliseconds> timeout;
    std::optional<rate_limit> rate;
    /// `@requires("claim")`, in order: checked before the handler; NACK `forbidden`.
    std::vector<std::string> required_claims;
    std::string doc;
    std::optional<std::string> deprecated;
    location loc;
};

/// `emit name(T) -> R …;` — server to client.
struct emit_event {
    std::string name;
    std::string wire_name;
    std::optional<type_ref> payload;
    std::optional<type_ref> reply;
    std::optional<std::chrono::milliseconds> timeout;
    /// The rooms it may be broadcast to (`to r1, r2`), in order; points into the same
    /// namespace's `rooms`. Empty: only emitted to single connections.
    std::vector<const room*> to;
    bool is_volatile = false;
    bool conflate = false;
    /// `conflate by f`: the payload struct's field; null for plain `conflate`.
    const field* conflate_by = nullptr;
    /// Carries an event id and is kept in room history (every `to` room has `history > 0`).
    bool resumable = false;
    /// Set exactly when the event has both `reply` and `to`.
    std::optional<collect_rule> collect;
    std::string doc;
    std::optional<std::string> deprecated;
    location loc;
};

/// `namespace NAME at "/path" { … }`
struct namespace_decl {
    std::string name;
    /// The Socket.IO namespace, starting with '/'.
    std::string path;
    namespace_settings settings;
    std::vector<model::middleware> middleware;
    std::vector<room> rooms;
    std::vector<on_event> on_events;
    std::vector<emit_event> emit_events;
    std::string doc;
    std::optional<std::string> deprecated;
    location loc;

    const room* find_room(std::string_view n) const
    {
        for (auto& r : rooms) {
            if (r.name == n)
                return &r;
        }
        return nullptr;
    }
};

// ---- files --------------------------------------------------------------------------

/// `import "path" [as alias];`
struct import_ref {
    const module* target = nullptr;
    /// Empty when the import has no `as`.
    std::string alias;
    /// The path string as written in the import.
    std::string written;
};

/// One `.rtdl` file.
struct module {
    /// The path as shown in diagnostics.
    std::string path;
    std::filesystem::path absolute_path;
    /// The file name without `.rtdl`: generated files are `<stem>.rtdl.hpp/.cpp`.
    std::string stem;
    /// `package a.b;` as its parts; empty when the file has no package line.
    std::vector<std::string> package;
    std::vector<import_ref> imports;
    /// In declaration order.
    std::vector<std::unique_ptr<type_decl>> types;
    /** The same types ordered so that each comes after every type of this module it
        contains by value (through fields, optional, array and map elements, union
        variants and aliases) — the order C++ needs for complete types. Boxed fields
        (`field::boxed`) do not count. Declaration order is kept where free.
    */
    std::vector<const type_decl*> definition_order;
    std::vector<namespace_decl> namespaces;

    /// The package as a C++ namespace, "acme::chat" (empty without a package).
    std::string cpp_namespace() const
    {
        std::string out;
        for (auto& p : package)
            out += (out.empty() ? "" : "::") + p;
        return out;
    }
};

/// A whole compilation: the main file and everything it imports, transitively.
struct program {
    /// Imported modules before the modules importing them; `main` is last.
    std::vector<std::unique_ptr<module>> modules;
    const module* main = nullptr;
};

} // namespace rtdl::model
