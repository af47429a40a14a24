// Attributes: where each may stand, its arguments, and the constraints it adds
// (E0202, E0203, E0207; E0101 for one given twice).

#include "check_context.hpp"
#include "suggest.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace rtdl::detail {
namespace {

using target_mask = unsigned;

constexpr target_mask bit(attr_target t)
{
    return 1u << static_cast<unsigned>(t);
}

constexpr target_mask typed = bit(attr_target::field) | bit(attr_target::alias);
constexpr target_mask declarations = ~bit(attr_target::setting);

struct attr_spec {
    std::string_view name;
    target_mask targets;
    bool repeatable;
    std::string_view applies_to;
};

constexpr attr_spec specs[] = {
    {"length", typed, false, "fields and type aliases of string, bytes, array or map type"},
    {"range", typed, false, "fields and type aliases of numeric type (i32, i64, u32, u64, f32, f64)"},
    {"charset", typed, false, "fields and type aliases of string type"},
    {"wire",
     bit(attr_target::field) | bit(attr_target::enumerator) | bit(attr_target::variant) |
         bit(attr_target::on_event) | bit(attr_target::emit_event),
     false, "fields, enumerators, union variants and events"},
    {"as_string", typed, false, "fields and type aliases of type i64 or u64"},
    {"requires", bit(attr_target::on_event) | bit(attr_target::room), true, "`on` events and rooms"},
    {"deprecated", declarations, false,
     "declarations (types, fields, enumerators, variants, namespaces, rooms, "
     "events and middleware)"},
};

std::string_view target_name(attr_target t)
{
    switch (t) {
    case attr_target::struct_: return "a struct";
    case attr_target::enum_: return "an enum";
    case attr_target::union_: return "a union";
    case attr_target::alias: return "a type alias";
    case attr_target::field: return "a field";
    case attr_target::enumerator: return "an enumerator";
    case attr_target::variant: return "a union variant";
    case attr_target::namespace_: return "a namespace";
    case attr_target::room: return "a room";
    case attr_target::on_event: return "an `on` event";
    case attr_target::emit_event: return "an `emit` event";
    case attr_target::setting: return "a setting";
    case attr_target::middleware: return "a middleware";
    }
    return "this";
}

} // namespace

model::number to_number(const ast::value& v)
{
    model::number n;
    n.text = v.text;
    n.value = std::strtod(v.text.c_str(), nullptr);
    n.negative = !v.text.empty() && v.text[0] == '-';
    auto digits = std::string_view(v.text).substr(n.negative ? 1 : 0);
    n.is_integer = !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
    if (n.is_integer) {
        for (char c : digits) {
            auto d = static_cast<std::uint64_t>(c - '0');
            if (n.magnitude > (std::numeric_limits<std::uint64_t>::max() - d) / 10) {
                n.magnitude = std::numeric_limits<std::uint64_t>::max();
                n.is_integer = false; // too large to be exact; compared as a double
                break;
            }
            n.magnitude = n.magnitude * 10 + d;
        }
        if (n.magnitude == 0)
            n.negative = false;
    }
    return n;
}

bool less(const model::number& a, const model::number& b)
{
    if (a.is_integer && b.is_integer) {
        if (a.negative != b.negative)
            return a.negative;
        return a.negative ? a.magnitude > b.magnitude : a.magnitude < b.magnitude;
    }
    return a.value < b.value;
}

std::optional<std::string> outside(const model::number& n, model::scalar s)
{
    using model::scalar;
    if (model::is_integer(s)) {
        if (!n.is_integer)
            return quote(model::to_string(s)) + " holds whole numbers";
        bool is_signed = s == scalar::i32 || s == scalar::i64;
        std::uint64_t max = s == scalar::i32   ? 0x7fffffffull
                            : s == scalar::u32 ? 0xffffffffull
                            : s == scalar::i64 ? 0x7fffffffffffffffull
                                               : 0xffffffffffffffffull;
        if (n.negative && !is_signed)
            return quote(model::to_string(s)) + " cannot be negative";
        if ((n.negative && n.magnitude > max + 1) || (!n.negative && n.magnitude > max)) {
            static const char* ranges[] = {"", "-2147483648 to 2147483647",
                                           "-9223372036854775808 to 9223372036854775807", "0 to 4294967295",
                                           "0 to 18446744073709551615"};
            return quote(model::to_string(s)) + " holds " + ranges[static_cast<int>(s)];
        }
        return std::nullopt;
    }
    if (s == scalar::f32 && std::fabs(n.value) > 3.4028234663852886e38)
        return "`f32` holds at most ±3.4028235e38";
    if (!std::isfinite(n.value))
        return quote(model::to_string(s)) + " cannot hold it";
    return std::nullopt;
}

namespace {

/// Parses `@charset` ranges and literals into a table.
bool parse_charset(const std::string& spec, model::char_set& out, std::string& error, bool& backwards)
{
    backwards = false;
    out.spec = spec;
    if (spec.empty()) {
        error = "an empty charset allows nothing";
        return false;
    }
    for (std::size_t i = 0; i < spec.size(); ++i) {
        auto c = static_cast<unsigned char>(spec[i]);
        if (c >= 0x80) {
            error = "a charset lists ASCII characters only";
            return false;
        }
        if (i + 2 < spec.size() && spec[i + 1] == '-') {
            auto last = static_cast<unsigned char>(spec[i + 2]);
            if (last >= 0x80) {
                error = "a charset lists ASCII characters only";
                return false;
            }
            if (last < c) {
                error = "the range `" + spec.substr(i, 3) + "` is backwards";
                backwards = true;
                return false;
            }
            for (unsigned k = c; k <= last; ++k)
                out.allowed.set(k);
            i += 2;
        }
        else {
            out.allowed.set(c);
        }
    }
    return true;
}

} // namespace

attribute_info checker::apply_attributes(const std::vector<ast::attribute>& attrs, attr_target target,
                                         const model::type_ref* type, const ast::type_expr* type_syntax,
                                         std::string_view what)
{
    attribute_info info;
    std::map<std::string, span> seen;
    // The type of a present value; unresolved types are not judged (already reported).
    const model::type_ref* value_type = nullptr;
    bool type_known = false;
    if (type) {
        value_type = &model::strip_optional(*type);
        type_known = value_type->kind != model::type_kind::unresolved;
    }
    auto is_scalar = [&](auto pred) {
        return value_type->kind == model::type_kind::scalar && pred(value_type->scalar);
    };
    auto type_text = [&]() { return type_syntax ? quote(describe(*type)) : std::string("its type"); };

    for (auto& a : attrs) {
        const attr_spec* spec = nullptr;
        for (auto& s : specs) {
            if (s.name == a.name.text)
                spec = &s;
        }
        if (!spec) {
            std::vector<std::string> names;
            for (auto& s : specs)
                names.emplace_back(s.name);
            auto& d = diags_.error("E0202", a.name.where, "unknown attribute `@" + a.name.text + "`")
                          .label("not an rtdl attribute");
            if (auto s = suggest(a.name.text, names); !s.empty())
                d.help(did_you_mean({"@" + s[0]})).fix(a.name.where, s[0]);
            else
                d.help("the attributes are @length, @range, @charset, @wire, @as_string, @requires and "
                       "@deprecated");
            continue;
        }
        if (!(spec->targets & bit(target))) {
            diags_
                .error("E0202", a.where,
                       "`@" + a.name.text + "` cannot be applied to " + std::string(target_name(target)))
                .label("not allowed on " + std::string(what))
                .help("`@" + a.name.text + "` applies to " + std::string(spec->applies_to) +
                      "; remove it here");
            continue;
        }
        if (!spec->repeatable) {
            if (auto [it, inserted] = seen.emplace(a.name.text, a.where); !inserted) {
                diags_
                    .error("E0101", a.where, "`@" + a.name.text + "` is given twice on " + std::string(what))
                    .label("given again here")
                    .secondary(it->second, "first given here")
                    .help("keep one of them");
                continue;
            }
        }

        // Arguments: named bounds for @length/@range, one string for the others.
        auto bad_args = [&](span where, std::string message, std::string help) {
            diags_.error("E0207", where, std::move(message))
                .label("malformed argument")
                .help(std::move(help));
        };
        bool bounds = spec->name == "length" || spec->name == "range";
        const ast::value* min = nullptr;
        const ast::value* max = nullptr;
        const ast::value* text = nullptr;
        bool args_ok = true;
        for (auto& arg : a.args) {
            if (arg.value.kind == ast::value_kind::invalid) {
                args_ok = false;
                continue;
            }
            if (bounds) {
                if (!arg.name) {
                    bad_args(arg.value.where, "`@" + a.name.text + "` takes named bounds",
                             "write `@" + a.name.text + "(min: 1, max: 10)`, either bound optional");
                    args_ok = false;
                    continue;
                }
                const ast::value** slot = arg.name->text == "min"   ? &min
                                          : arg.name->text == "max" ? &max
                                                                    : nullptr;
                if (!slot) {
                    auto s = suggest(arg.name->text, {"min", "max"});
                    bad_args(arg.name->where,
                             "`@" + a.name.text + "` has no bound named " + quote(arg.name->text),
                             s.empty() ? "the bounds are `min` and `max`" : did_you_mean(s));
                    args_ok = false;
                    continue;
                }
                if (*slot) {
                    bad_args(arg.name->where, "the bound " + quote(arg.name->text) + " is given twice",
                             "keep one of them");
                    args_ok = false;
                    continue;
                }
                if (arg.value.kind != ast::value_kind::integer && arg.value.kind != ast::value_kind::number) {
                    bad_args(arg.value.where, "the bound " + quote(arg.name->text) + " must be a number",
                             "e.g. `" + arg.name->text + ": 10`");
                    args_ok = false;
                    continue;
                }
                *slot = &arg.value;
            }
            else {
                if (arg.name) {
                    bad_args(arg.name->where, "`@" + a.name.text + "` takes no named arguments",
                             "write `@" + a.name.text + "(\"…\")`");
                    args_ok = false;
                }
                else if (text) {
                    bad_args(arg.value.where, "`@" + a.name.text + "` takes one argument",
                             "remove the extra one");
                    args_ok = false;
                }
                else if (arg.value.kind != ast::value_kind::string || spec->name == "as_string") {
                    bad_args(arg.value.where,
                             spec->name == "as_string" ? "`@as_string` takes no arguments"
                                                       : "`@" + a.name.text + "` takes a string",
                             spec->name == "as_string"
                                 ? "write `@as_string`"
                                 : "write `@" + a.name.text + "(\"" + arg.value.text + "\")`");
                    args_ok = false;
                }
                else {
                    text = &arg.value;
                }
            }
        }
        if (!args_ok)
            continue;
        if (bounds && !min && !max) {
            bad_args(a.where, "`@" + a.name.text + "` needs a bound",
                     "write `@" + a.name.text + "(min: …)`, `@" + a.name.text + "(max: …)` or both");
            continue;
        }
        bool needs_text = spec->name == "charset" || spec->name == "wire" || spec->name == "requires";
        if (needs_text && (!text || text->text.empty())) {
            bad_args(a.where, "`@" + a.name.text + "` needs a non-empty string",
                     spec->name == "charset" ? "e.g. `@charset(\"a-z0-9-\")`"
                     : spec->name == "wire"  ? "e.g. `@wire(\"class\")`"
                                             : "e.g. `@requires(\"moderator\")`");
            continue;
        }

        // The type the attribute constrains.
        auto wrong_type = [&](std::string expected, std::string help) {
            diags_
                .error("E0202", a.where,
                       "`@" + a.name.text + "` applies to " + expected + ", but " + std::string(what) +
                           " is " + type_text())
                .label("does not apply to " + type_text())
                .help(std::move(help));
        };
        if (spec->name == "length") {
            if (type_known) {
                bool ok =
                    value_type->kind == model::type_kind::array ||
                    value_type->kind == model::type_kind::map ||
                    is_scalar([](auto s) { return s == model::scalar::string || s == model::scalar::bytes; });
                if (!ok) {
                    wrong_type("strings, bytes, arrays and maps",
                               is_scalar(model::is_numeric) ? "bound a number with `@range(min: …, max: …)`"
                                                            : "remove it");
                    continue;
                }
            }
            model::length_limit limit;
            bool ok = true;
            for (auto* bound : {min, max}) {
                if (!bound)
                    continue;
                auto n = to_number(*bound);
                if (n.negative) {
                    diags_.error("E0203", bound->where, "a length cannot be negative")
                        .label("below 0")
                        .help("use 0 or more");
                    ok = false;
                }
                else if (!n.is_integer) {
                    bad_args(bound->where, "a length is a whole number",
                             "e.g. `" + std::to_string(static_cast<long long>(n.value)) + "`");
                    ok = false;
                }
                else {
                    (bound == min ? limit.min : limit.max) = n.magnitude;
                }
            }
            if (ok && limit.min && limit.max && *limit.min > *limit.max) {
                diags_
                    .error("E0203", min->where,
                           "the minimum length " + min->text + " is above the maximum " + max->text)
                    .label("min")
                    .secondary(max->where, "max")
                    .help("swap the bounds, or correct one of them");
                ok = false;
            }
            if (ok)
                info.constraints.length = limit;
        }
        else if (spec->name == "range") {
            if (type_known && !is_scalar(model::is_numeric)) {
                wrong_type("numbers", is_scalar([](auto s) { return s == model::scalar::string; })
                                          ? "bound a string's length with `@length(min: …, max: …)`"
                                          : "remove it");
                continue;
            }
            model::range_limit limit;
            bool ok = true;
            for (auto* bound : {min, max}) {
                if (!bound)
                    continue;
                auto n = to_number(*bound);
                if (type_known) {
                    if (auto why = outside(n, value_type->scalar)) {
                        diags_
                            .error("E0203", bound->where,
                                   "the bound " + bound->text + " is outside what " + std::string(what) +
                                       " can hold")
                            .label(*why)
                            .help("use a bound the type can hold, or a wider type");
                        ok = false;
                        continue;
                    }
                }
                (bound == min ? limit.min : limit.max) = n;
            }
            if (ok && limit.min && limit.max && less(*limit.max, *limit.min)) {
                diags_
                    .error("E0203", min->where,
                           "the minimum " + min->text + " is above the maximum " + max->text)
                    .label("min")
                    .secondary(max->where, "max")
                    .help("swap the bounds, or correct one of them");
                ok = false;
            }
            if (ok)
                info.constraints.range = limit;
        }
        else if (spec->name == "charset") {
            if (type_known && !is_scalar([](auto s) { return s == model::scalar::string; })) {
                wrong_type("strings", "remove it");
                continue;
            }
            model::char_set set;
            std::string error;
            bool backwards = false;
            if (!parse_charset(text->text, set, error, backwards)) {
                auto& d =
                    diags_.error(backwards ? "E0203" : "E0207", text->where, error).label("in this charset");
                d.help(backwards ? "write the range low to high, e.g. `a-z`"
                                 : "list ASCII characters and ranges, e.g. `@charset(\"A-Za-z0-9_-\")`");
                continue;
            }
            info.constraints.charset = set;
        }
        else if (spec->name == "as_string") {
            if (type_known &&
                !is_scalar([](auto s) { return s == model::scalar::i64 || s == model::scalar::u64; })) {
                wrong_type("i64 and u64", "remove it");
                continue;
            }
            info.constraints.as_string = true;
        }
        else if (spec->name == "wire") {
            info.wire = text->text;
            info.wire_span = text->where;
        }
        else if (spec->name == "requires") {
            info.required_claims.push_back(text->text);
            info.requires_span = a.where;
        }
        else if (spec->name == "deprecated") {
            info.deprecated = text ? text->text : std::string{};
        }
    }
    return info;
}

} // namespace rtdl::detail
