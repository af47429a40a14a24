// Declarations of the payload types: aliases, enums, structs, unions.
#include "emit_cpp_detail.hpp"

namespace rtdl::cpp {
namespace {

/// The constraint summary for a doc comment ("@length(min: 1, max: 32)" …).
std::string constraint_doc(const model::constraints& c)
{
    std::string out;
    if (c.length) {
        out += "@length(";
        if (c.length->min)
            out += "min: " + std::to_string(*c.length->min);
        if (c.length->max)
            out += std::string(c.length->min ? ", " : "") + "max: " + std::to_string(*c.length->max);
        out += ") ";
    }
    if (c.range) {
        out += "@range(";
        if (c.range->min)
            out += "min: " + c.range->min->text;
        if (c.range->max)
            out += std::string(c.range->min ? ", " : "") + "max: " + c.range->max->text;
        out += ") ";
    }
    if (c.charset)
        out += "@charset(\"" + c.charset->spec + "\") ";
    if (c.as_string)
        out += "@as_string ";
    if (!out.empty())
        out.pop_back();
    return out;
}

/// A C++ initializer for a default value of type `t`.
std::string initializer(const model::value& v, const model::type_ref& t)
{
    const model::type_ref& s = model::strip_aliases(t);
    switch (v.kind) {
    case model::value_kind::null: return "{}";
    case model::value_kind::boolean: return v.boolean ? "true" : "false";
    case model::value_kind::number: {
        std::string ty = type_name(s);
        if (s.kind == model::type_kind::scalar && s.scalar == model::scalar::duration)
            return "std::chrono::milliseconds{" + v.num.text + "}";
        if (s.kind == model::type_kind::optional)
            ty = type_name(model::strip_optional(s));
        return "static_cast<" + ty + ">(" + v.num.text + (v.num.is_integer && !v.num.negative ? "ULL" : "") +
               ")";
    }
    case model::value_kind::string: return literal(v.text);
    case model::value_kind::duration:
        return "std::chrono::milliseconds{" + std::to_string(v.duration.count()) + "}";
    case model::value_kind::enumerator: {
        const model::type_ref& e = model::strip_optional(s);
        return e.decl ? qualified(*e.decl) + "::" + v.text : "{}";
    }
    case model::value_kind::list: {
        const model::type_ref& arr = model::strip_optional(s);
        std::string out = "{";
        for (std::size_t i = 0; i < v.items.size(); ++i) {
            out += (i ? ", " : "");
            out += arr.kind == model::type_kind::array ? initializer(v.items[i], arr.element()) : "{}";
        }
        return out + "}";
    }
    case model::value_kind::json: return "::boost::json::value(" + literal(v.text) + ")";
    }
    return "{}";
}

void emit_enum(const model::type_decl& d, std::string& h)
{
    h += doc_comment(d.doc);
    h += "enum class " + deprecated_attr(d.deprecated) + d.name + " : std::uint8_t {\n";
    for (auto& e : d.enumerators) {
        h += doc_comment(e.doc, "    ");
        h += "    " + e.name + (e.deprecated ? " " + deprecated_attr(e.deprecated) : "") + ",\n";
    }
    h += "};\n\n";
    h += "/// The wire string of a `" + d.name + "`.\n";
    h += "constexpr std::string_view to_wire(" + d.name + " v) noexcept\n{\n    switch (v) {\n";
    for (auto& e : d.enumerators)
        h += "    case " + d.name + "::" + e.name + ": return " + literal(e.wire_name) + ";\n";
    h += "    }\n    return {};\n}\n\n";
    h += "/// Parses a wire string; false (and `out` unchanged) for an unknown value.\n";
    h += "constexpr bool from_wire(std::string_view s, " + d.name + "& out) noexcept\n{\n";
    for (auto& e : d.enumerators) {
        h += "    if (s == " + literal(e.wire_name) + ") {\n        out = " + d.name + "::" + e.name +
             ";\n        return true;\n    }\n";
    }
    h += "    return false;\n}\n\n";
}

void emit_struct(const model::type_decl& d, std::string& h)
{
    h += doc_comment(d.doc);
    h += "struct " + deprecated_attr(d.deprecated) + d.name + " {\n";
    for (auto& f : d.fields) {
        std::string doc = f.doc;
        auto cons = constraint_doc(f.constraints);
        if (!cons.empty())
            doc += (doc.empty() ? "" : "\n") + cons;
        h += doc_comment(doc, "    ");
        std::string ty = f.boxed ? "::sb_rtdl::boxed<" + type_name(f.type.element()) + ">" : type_name(f.type);
        h += "    " + deprecated_attr(f.deprecated) + ty + " " + f.name;
        if (f.default_value)
            h += " = " + initializer(*f.default_value, f.type);
        else
            h += "{}";
        h += ";\n";
    }
    if (!d.fields.empty())
        h += "\n";
    h += "    bool operator==(const " + d.name + "&) const = default;\n};\n\n";
}

void emit_union(const model::type_decl& d, std::string& h)
{
    std::string base = "std::variant<";
    for (std::size_t i = 0; i < d.variants.size(); ++i)
        base += (i ? ", " : "") + qualified(*d.variants[i].target);
    base += ">";
    std::string doc = d.doc;
    doc += std::string(doc.empty() ? "" : "\n") + "On the wire: an object whose \"" + d.tag +
           "\" key names the alternative (";
    for (std::size_t i = 0; i < d.variants.size(); ++i)
        doc += (i ? ", " : "") + std::string("\"") + d.variants[i].wire_name + "\"";
    doc += "), in variant order.";
    h += doc_comment(doc);
    h += "struct " + deprecated_attr(d.deprecated) + d.name + " : " + base + " {\n";
    h += "    using " + base + "::variant;\n";
    h += "    /// The underlying variant (for `std::visit` and `std::get`).\n";
    h += "    " + base + "& base() noexcept { return *this; }\n";
    h += "    const " + base + "& base() const noexcept { return *this; }\n";
    h += "    friend bool operator==(const " + d.name + "& a, const " + d.name +
         "& b) { return a.base() == b.base(); }\n";
    h += "};\n\n";
}

} // namespace

void emit_types(const model::module& m, std::string& h)
{
    for (const model::type_decl* d : m.definition_order) {
        switch (d->kind) {
        case model::decl_kind::alias: {
            std::string doc = d->doc;
            auto cons = constraint_doc(d->constraints);
            if (!cons.empty())
                doc += (doc.empty() ? "" : "\n") + cons + " (checked when decoding)";
            h += doc_comment(doc);
            h += "using " + d->name + " " + (d->deprecated ? deprecated_attr(d->deprecated) : "") + "= " +
                 type_name(d->aliased) + ";\n\n";
            break;
        }
        case model::decl_kind::enum_: emit_enum(*d, h); break;
        case model::decl_kind::struct_: emit_struct(*d, h); break;
        case model::decl_kind::union_: emit_union(*d, h); break;
        }
    }
}

} // namespace rtdl::cpp
