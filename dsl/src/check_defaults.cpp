// Field defaults: a value of the field's type, within its constraints (E0204).

#include "check_context.hpp"
#include "suggest.hpp"

#include <boost/json.hpp>

namespace rtdl::detail {
namespace {

std::size_t code_points(std::string_view s)
{
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size();) {
        decode_utf8(s, i);
        ++n;
    }
    return n;
}

std::string shown(const ast::value& v)
{
    switch (v.kind) {
    case ast::value_kind::string: return "`\"" + v.text + "\"`";
    case ast::value_kind::list: return "`[…]`";
    default: return quote(v.text);
    }
}

boost::json::value to_json(const ast::value& v)
{
    switch (v.kind) {
    case ast::value_kind::null: return nullptr;
    case ast::value_kind::boolean: return v.boolean;
    case ast::value_kind::integer: return v.integer;
    case ast::value_kind::number: return to_number(v).value;
    case ast::value_kind::string: return boost::json::string(v.text);
    case ast::value_kind::list: {
        boost::json::array a;
        for (auto& i : v.items)
            a.push_back(to_json(i));
        return a;
    }
    default: return nullptr;
    }
}

} // namespace

std::optional<model::value> checker::check_default(const ast::value& v, const model::type_ref& type,
                                                   const model::constraints& own, std::string_view field)
{
    if (v.kind == ast::value_kind::invalid)
        return std::nullopt;
    auto fail = [&](std::string why, std::string help) -> std::optional<model::value> {
        diags_
            .error("E0204", v.where,
                   "the default " + shown(v) + " does not fit " + std::string(field) + " of type " +
                       quote(describe(type)))
            .label(std::move(why))
            .help(std::move(help));
        return std::nullopt;
    };
    auto& base = model::strip_aliases(type);
    auto constraints = constraints_of(type, &own);
    model::value out;

    if (base.kind == model::type_kind::optional) {
        if (v.kind == ast::value_kind::null)
            return out; // value_kind::null
        return check_default(v, base.element(), own, field);
    }
    if (v.kind == ast::value_kind::null)
        return fail("only optional fields can be null",
                    "make the field `optional<" + describe(type) + ">`, or give a default of its type");

    auto check_length = [&](std::uint64_t n, std::string_view unit) -> bool {
        for (auto* c : constraints) {
            if (!c->length)
                continue;
            if ((c->length->min && n < *c->length->min) || (c->length->max && n > *c->length->max)) {
                fail("has " + std::to_string(n) + " " + std::string(unit) + ", outside its `@length`",
                     "use a default within the field's `@length` bounds");
                return false;
            }
        }
        return true;
    };

    if (base.kind == model::type_kind::scalar) {
        auto s = base.scalar;
        switch (s) {
        case model::scalar::bool_:
            if (v.kind != ast::value_kind::boolean)
                return fail("not `true` or `false`", "write `true` or `false`");
            out.kind = model::value_kind::boolean;
            out.boolean = v.boolean;
            return out;
        case model::scalar::i32:
        case model::scalar::i64:
        case model::scalar::u32:
        case model::scalar::u64:
        case model::scalar::f32:
        case model::scalar::f64:
        case model::scalar::timestamp: {
            bool numeric = v.kind == ast::value_kind::integer || v.kind == ast::value_kind::number ||
                           (v.kind == ast::value_kind::size && model::is_integer(s));
            if (!numeric)
                return fail("not a number", "write a number, e.g. `0`");
            model::number n = v.kind == ast::value_kind::size
                                  ? model::number{std::to_string(v.integer), static_cast<double>(v.integer),
                                                  true, false, v.integer}
                                  : to_number(v);
            auto as = s == model::scalar::timestamp ? model::scalar::i64 : s;
            if (auto why = outside(n, as))
                return fail(*why, "use a value the type can hold");
            for (auto* c : constraints) {
                if (!c->range)
                    continue;
                if ((c->range->min && less(n, *c->range->min)) || (c->range->max && less(*c->range->max, n)))
                    return fail("outside its `@range`", "use a default within the field's `@range` bounds");
            }
            out.kind = model::value_kind::number;
            out.num = n;
            return out;
        }
        case model::scalar::string:
        case model::scalar::bytes:
            if (v.kind != ast::value_kind::string)
                return fail("not a string", "write a string in double quotes");
            if (s == model::scalar::string) {
                if (!check_length(code_points(v.text), "characters"))
                    return std::nullopt;
                for (auto* c : constraints) {
                    if (!c->charset)
                        continue;
                    for (unsigned char ch : v.text) {
                        if (!c->charset->contains(ch))
                            return fail("has a character outside `@charset(\"" + c->charset->spec + "\")`",
                                        "use only the characters the charset allows");
                    }
                }
            }
            else if (!check_length(v.text.size(), "bytes")) {
                return std::nullopt;
            }
            out.kind = model::value_kind::string;
            out.text = v.text;
            return out;
        case model::scalar::duration:
            if (v.kind != ast::value_kind::duration)
                return fail("not a duration", "write a duration such as `5s` or `250ms`");
            out.kind = model::value_kind::duration;
            out.duration = std::chrono::milliseconds{static_cast<std::int64_t>(v.integer)};
            return out;
        case model::scalar::json:
            if (v.kind == ast::value_kind::name || v.kind == ast::value_kind::duration ||
                v.kind == ast::value_kind::size)
                return fail("not a JSON value", "write null, true, false, a number, a string or a list");
            out.kind = model::value_kind::json;
            out.text = boost::json::serialize(to_json(v));
            return out;
        }
    }
    if (base.kind == model::type_kind::array) {
        if (v.kind != ast::value_kind::list)
            return fail("not a list", "write a list such as `[]`");
        if (!check_length(v.items.size(), "elements"))
            return std::nullopt;
        out.kind = model::value_kind::list;
        for (auto& item : v.items) {
            auto x = check_default(item, base.element(), model::constraints{},
                                   "an element of " + std::string(field));
            if (!x)
                return std::nullopt;
            out.items.push_back(std::move(*x));
        }
        return out;
    }
    if (base.kind == model::type_kind::map) {
        if (v.kind != ast::value_kind::list || !v.items.empty())
            return fail("a map's default can only be empty", "write `[]`, or remove the default");
        out.kind = model::value_kind::list;
        return out;
    }
    if (is_kind(base, model::decl_kind::enum_)) {
        if (v.kind != ast::value_kind::name)
            return fail("not one of " + quote(base.decl->name) + "'s values", "name an enumerator");
        auto& last = v.name.parts.back().text;
        for (auto& e : base.decl->enumerators) {
            if (e.name == last &&
                (v.name.parts.size() == 1 || v.name.parts[v.name.parts.size() - 2].text == base.decl->name)) {
                out.kind = model::value_kind::enumerator;
                out.text = e.name;
                return out;
            }
        }
        std::vector<std::string> names;
        for (auto& e : base.decl->enumerators)
            names.push_back(e.name);
        auto s = suggest(last, names);
        return fail("not one of " + quote(base.decl->name) + "'s values",
                    s.empty() ? "use one of " + quote(base.decl->name) + "'s enumerators" : did_you_mean(s));
    }
    return fail(std::string("a ") + (is_kind(base, model::decl_kind::union_) ? "union" : "struct") +
                    " field cannot have a default",
                "make the field optional (absent by default), or remove the default");
}

} // namespace rtdl::detail
