// Boost.JSON encoders: tag_invoke(value_from_tag, …) per struct, union and enum.
// Constraints are not checked on encode (docs/rtdl.md, "Attributes": they guard inbound payloads).
#include "emit_cpp_detail.hpp"

namespace rtdl::cpp {
namespace {

struct encoder_writer {
    int counter = 0;

    std::string fresh(std::string_view base) { return std::string(base) + std::to_string(counter++); }

    /// An expression of type `::boost::json::value` for the C++ value `x` of type `t`.
    std::string expr(const model::type_ref& t, const std::string& x, bool as_string = false)
    {
        using model::scalar;
        switch (t.kind) {
        case model::type_kind::named: {
            const model::type_decl& d = *t.decl;
            if (d.kind == model::decl_kind::alias)
                return expr(d.aliased, x, as_string || d.constraints.as_string);
            if (d.kind == model::decl_kind::enum_)
                return "::sb_rtdl::wire::string(to_wire(" + x + "))";
            return "::boost::json::value_from(" + x + ")";
        }
        case model::type_kind::optional:
            return "(" + x + " ? " + expr(t.element(), "(*" + x + ")", as_string) + " : ::boost::json::value(nullptr))";
        case model::type_kind::array: {
            auto a = fresh("a_"), e = fresh("e_");
            return "[&] { ::boost::json::array " + a + "; " + a + ".reserve(" + x + ".size()); for (const auto& " + e +
                   " : " + x + ") " + a + ".push_back(" + expr(t.element(), e) + "); return ::boost::json::value(std::move(" +
                   a + ")); }()";
        }
        case model::type_kind::map: {
            auto o = fresh("o_"), kv = fresh("kv_");
            return "[&] { ::boost::json::object " + o + "; for (const auto& " + kv + " : " + x + ") " + o + "[" +
                   key(t.key(), kv + ".first") + "] = " + expr(t.value(), kv + ".second") +
                   "; return ::boost::json::value(std::move(" + o + ")); }()";
        }
        case model::type_kind::scalar:
            switch (t.scalar) {
            case scalar::bool_: return "::boost::json::value(" + x + ")";
            case scalar::i32:
            case scalar::u32: return "::boost::json::value(" + x + ")";
            case scalar::i64:
            case scalar::u64:
                return as_string ? "::sb_rtdl::wire::string(std::to_string(" + x + "))"
                                 : "::boost::json::value(" + x + ")";
            case scalar::f32:
            case scalar::f64: return "::sb_rtdl::encode_number(" + x + ")";
            case scalar::string: return "::sb_rtdl::wire::string(" + x + ")";
            case scalar::bytes: return "::sb_rtdl::wire::string(::sb_rtdl::base64_encode(" + x + "))";
            case scalar::timestamp: return "::boost::json::value(static_cast<std::int64_t>(" + x + "))";
            case scalar::duration: return "::boost::json::value(static_cast<std::int64_t>(" + x + ".count()))";
            case scalar::json: return "::boost::json::value(" + x + ")";
            }
            break;
        case model::type_kind::unresolved: break;
        }
        return "::boost::json::value()";
    }

    /// A string key for a map key `x` of type `t`.
    std::string key(const model::type_ref& t, const std::string& x)
    {
        const model::type_ref& s = model::strip_aliases(t);
        if (s.kind == model::type_kind::named)
            return "to_wire(" + x + ")";
        if (s.scalar == model::scalar::string)
            return "std::string_view(" + x + ")";
        return "std::to_string(" + x + ")";
    }
};


} // namespace

std::string encode_expression(const model::type_ref& t, const std::string& x)
{
    encoder_writer w;
    w.counter = 3000;
    return w.expr(t, x);
}

void emit_encoders(const model::module& m, std::string& h, source_text& s)
{
    h += open_namespace(m);
    for (const model::type_decl* d : m.definition_order) {
        if (d->kind == model::decl_kind::alias)
            continue;
        h += "/// Encodes a `" + d->name + "` for Boost.JSON (`boost::json::value_from`).\n";
        h += "void tag_invoke(::boost::json::value_from_tag, ::boost::json::value& jv, " +
             std::string(d->kind == model::decl_kind::enum_ ? d->name : "const " + d->name + "&") + " x);\n";
        if (d->kind != model::decl_kind::enum_)
            h += "/// `x` as JSON text.\nstd::string to_json(const " + d->name + "& x);\n";
        h += "\n";

        encoder_writer w;
        std::string o;
        o += "void tag_invoke(::boost::json::value_from_tag, ::boost::json::value& jv, " +
             std::string(d->kind == model::decl_kind::enum_ ? d->name : "const " + d->name + "&") + " x)\n{\n";
        switch (d->kind) {
        case model::decl_kind::enum_: o += "    jv = ::sb_rtdl::wire::string(to_wire(x));\n"; break;
        case model::decl_kind::struct_:
            o += "    ::boost::json::object o;\n";
            if (d->fields.empty())
                o += "    (void)x;\n";
            for (auto& f : d->fields) {
                bool as_string = f.constraints.as_string;
                if (f.type.kind == model::type_kind::optional) {
                    o += "    if (x." + f.name + ")\n        o[" + literal(f.wire_name) +
                         "] = " + w.expr(f.type.element(), "(*x." + f.name + ")", as_string) + ";\n";
                }
                else
                    o += "    o[" + literal(f.wire_name) + "] = " + w.expr(f.type, "x." + f.name, as_string) + ";\n";
            }
            o += "    jv = std::move(o);\n";
            break;
        case model::decl_kind::union_:
            o += "    ::boost::json::object o;\n    ::boost::json::value inner;\n    switch (x.index()) {\n";
            for (std::size_t i = 0; i < d->variants.size(); ++i) {
                o += "    case " + std::to_string(i) + ":\n        o[" + literal(d->tag) + "] = " +
                     literal(d->variants[i].wire_name) + ";\n        inner = ::boost::json::value_from(std::get<" +
                     std::to_string(i) + ">(x.base()));\n        break;\n";
            }
            o += "    default: break;\n    }\n";
            o += "    if (inner.is_object()) {\n        for (const auto& kv : inner.get_object())\n"
                 "            o[kv.key()] = kv.value();\n    }\n";
            o += "    jv = std::move(o);\n";
            break;
        case model::decl_kind::alias: break;
        }
        o += "}\n\n";
        if (d->kind != model::decl_kind::enum_) {
            o += "std::string to_json(const " + d->name + "& x)\n{\n    return ::boost::json::serialize(::boost::json::value_from(x));\n}\n\n";
        }
        s.units.push_back({open_namespace(m) + o + close_namespace(m)});
    }
    h += close_namespace(m);
}

} // namespace rtdl::cpp
