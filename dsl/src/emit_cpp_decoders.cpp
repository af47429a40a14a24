// simdjson On-Demand decoders. Each check names the JSON pointer of the failing value.
#include "emit_cpp_detail.hpp"

#include <vector>

namespace rtdl::cpp {
namespace {

using cons_list = std::vector<const model::constraints*>;

/// The code of the failure for a simdjson error `e` when a value of kind `what` was expected.
std::string fail_type(const std::string& err, std::string_view what)
{
    return "return ::sb_rtdl::wire::type_fail(cx, " + err + ", " + literal(what) + ");";
}

struct decoder_writer {
    std::string out;
    int counter = 0;

    std::string fresh(std::string_view base) { return std::string(base) + std::to_string(counter++); }

    void line(const std::string& ind, const std::string& s) { out += ind + s + "\n"; }

    /// `n < bound` for an integer decoded into `n` (signed when `is_signed`), or empty
    /// when the check can never fire.
    static std::string int_compare(const std::string& n, bool is_signed, const model::number& b, bool is_min)
    {
        const char* op = is_min ? " < " : " > ";
        if (!b.is_integer)
            return "static_cast<double>(" + n + ")" + op + "(" + b.text + ")";
        if (is_signed) {
            if (b.magnitude > 9223372036854775807ULL)
                return {};
            return n + op + (b.negative ? "-" : "") + std::to_string(b.magnitude) + "LL";
        }
        if (b.negative)
            return is_min ? std::string{} : "true";
        return n + op + std::to_string(b.magnitude) + "ULL";
    }

    void range_checks(const std::string& ind, const std::string& n, const cons_list& cons, int kind)
    {
        // kind: 0 signed integer, 1 unsigned integer, 2 floating
        for (auto* c : cons) {
            if (!c->range)
                continue;
            std::string lo, hi;
            if (c->range->min)
                lo = kind == 2 ? n + " < (" + c->range->min->text + ")"
                               : int_compare(n, kind == 0, *c->range->min, true);
            if (c->range->max)
                hi = kind == 2 ? n + " > (" + c->range->max->text + ")"
                               : int_compare(n, kind == 0, *c->range->max, false);
            std::string cond = lo.empty() ? hi : hi.empty() ? lo : lo + " || " + hi;
            if (cond.empty())
                continue;
            std::string desc = std::string("value out of range [") +
                               (c->range->min ? c->range->min->text : "") + ", " +
                               (c->range->max ? c->range->max->text : "") + "]";
            line(ind, "if (" + cond + ")");
            line(ind, "    return cx.fail(" + literal(desc) + ");");
        }
    }

    void length_checks(const std::string& ind, const std::string& len, const cons_list& cons, std::string_view unit)
    {
        for (auto* c : cons) {
            if (!c->length)
                continue;
            if (c->length->min && *c->length->min > 0) {
                line(ind, "if (" + len + " < " + std::to_string(*c->length->min) + "u)");
                line(ind, "    return cx.fail(" +
                              literal("too short: fewer than " + std::to_string(*c->length->min) + " " +
                                      std::string(unit)) +
                              ");");
            }
            if (c->length->max) {
                line(ind, "if (" + len + " > " + std::to_string(*c->length->max) + "u)");
                line(ind, "    return cx.fail(" +
                              literal("too long: more than " + std::to_string(*c->length->max) + " " +
                                      std::string(unit)) +
                              ");");
            }
        }
    }

    void charset_checks(const std::string& ind, const std::string& sv, const cons_list& cons)
    {
        for (auto* c : cons) {
            if (!c->charset)
                continue;
            std::string allowed;
            for (int b = 0; b < 128; ++b) {
                if (c->charset->contains(static_cast<unsigned char>(b)))
                    allowed += static_cast<char>(b);
            }
            auto table = fresh("charset_");
            line(ind, "static constexpr ::sb_rtdl::char_table " + table + "{std::string_view{" + literal(allowed) +
                          ", " + std::to_string(allowed.size()) + "}};");
            line(ind, "if (int bad = ::sb_rtdl::first_outside(" + sv + ", " + table + "); bad >= 0)");
            line(ind, "    return cx.fail(::sb_rtdl::charset_message(bad, " + literal(c->charset->spec) +
                          "));");
        }
    }

    /// Checks on a string value held in `sv` (a string_view or string).
    void string_checks(const std::string& ind, const std::string& sv, const cons_list& cons)
    {
        bool has_len = false;
        for (auto* c : cons)
            has_len = has_len || c->length;
        if (has_len) {
            auto cp = fresh("cp_");
            line(ind, "const std::size_t " + cp + " = ::sb_rtdl::code_points(" + sv + ");");
            length_checks(ind, cp, cons, "characters");
        }
        charset_checks(ind, sv, cons);
    }

    /// Decodes the simdjson value `val` into the lvalue `target`.
    void decode(const std::string& ind, const model::type_ref& t, cons_list cons, const std::string& target,
                const std::string& val)
    {
        using model::scalar;
        switch (t.kind) {
        case model::type_kind::named: {
            const model::type_decl& d = *t.decl;
            if (d.kind == model::decl_kind::alias) {
                cons.push_back(&d.constraints);
                decode(ind, d.aliased, std::move(cons), target, val);
                return;
            }
            if (d.kind == model::decl_kind::enum_) {
                auto sv = fresh("sv_");
                line(ind, "{");
                line(ind, "    std::string_view " + sv + ";");
                line(ind, "    if (auto e = " + val + ".get_string().get(" + sv + "))");
                line(ind, "        " + fail_type("e", "a string"));
                line(ind, "    if (!from_wire(" + sv + ", " + target + "))");
                line(ind, "        return cx.fail(\"unknown " + d.name + " value \\\"\" + std::string(" + sv +
                              ") + \"\\\"\");");
                line(ind, "}");
                return;
            }
            line(ind, "if (!decode_value(" + val + ", " + target + ", cx))");
            line(ind, "    return false;");
            return;
        }
        case model::type_kind::optional: {
            auto isnull = fresh("null_");
            line(ind, "{");
            line(ind, "    bool " + isnull + " = false;");
            line(ind, "    if (auto e = " + val + ".is_null().get(" + isnull + "))");
            line(ind, "        " + fail_type("e", "a value or null"));
            line(ind, "    if (" + isnull + ")");
            line(ind, "        " + target + ".reset();");
            line(ind, "    else {");
            auto slot = fresh("slot_");
            line(ind, "        auto& " + slot + " = " + target + ".emplace();");
            decode(ind + "        ", t.element(), std::move(cons), slot, val);
            line(ind, "    }");
            line(ind, "}");
            return;
        }
        case model::type_kind::array: {
            auto arr = fresh("arr_"), i = fresh("i_"), el = fresh("el_"), v = fresh("v_"), mark = fresh("mark_");
            line(ind, "{");
            line(ind, "    simdjson::ondemand::array " + arr + ";");
            line(ind, "    if (auto e = " + val + ".get_array().get(" + arr + "))");
            line(ind, "        " + fail_type("e", "an array"));
            line(ind, "    " + target + ".clear();");
            line(ind, "    std::size_t " + i + " = 0;");
            line(ind, "    for (auto " + el + " : " + arr + ") {");
            line(ind, "        simdjson::ondemand::value " + v + ";");
            line(ind, "        if (auto e = " + el + ".get(" + v + "))");
            line(ind, "            " + fail_type("e", "a value"));
            line(ind, "        auto " + mark + " = cx.push(" + i + "++);");
            auto slot = fresh("slot_");
            line(ind, "        auto& " + slot + " = " + target + ".emplace_back();");
            decode(ind + "        ", t.element(), {}, slot, v);
            line(ind, "        cx.pop(" + mark + ");");
            line(ind, "    }");
            length_checks(ind + "    ", target + ".size()", cons, "elements");
            line(ind, "}");
            return;
        }
        case model::type_kind::map: {
            auto obj = fresh("obj_"), fr = fresh("fr_"), f = fresh("f_"), k = fresh("k_"), key = fresh("key_"),
                 mark = fresh("mark_");
            line(ind, "{");
            line(ind, "    simdjson::ondemand::object " + obj + ";");
            line(ind, "    if (auto e = " + val + ".get_object().get(" + obj + "))");
            line(ind, "        " + fail_type("e", "an object"));
            line(ind, "    " + target + ".clear();");
            line(ind, "    for (auto " + fr + " : " + obj + ") {");
            line(ind, "        simdjson::ondemand::field " + f + ";");
            line(ind, "        if (auto e = std::move(" + fr + ").get(" + f + "))");
            line(ind, "            " + fail_type("e", "an object"));
            line(ind, "        std::string_view " + k + ";");
            line(ind, "        if (auto e = " + f + ".unescaped_key().get(" + k + "))");
            line(ind, "            " + fail_type("e", "a key"));
            line(ind, "        auto " + mark + " = cx.push(" + k + ");");
            line(ind, "        " + type_name(t.key()) + " " + key + "{};");
            decode_key(ind + "        ", t.key(), {}, key, k);
            auto slot = fresh("slot_");
            line(ind, "        auto& " + slot + " = " + target + "[std::move(" + key + ")];");
            decode(ind + "        ", t.value(), {}, slot, f + ".value()");
            line(ind, "        cx.pop(" + mark + ");");
            line(ind, "    }");
            length_checks(ind + "    ", target + ".size()", cons, "entries");
            line(ind, "}");
            return;
        }
        case model::type_kind::scalar: break;
        case model::type_kind::unresolved: return;
        }

        bool as_string = false;
        for (auto* c : cons)
            as_string = as_string || c->as_string;
        line(ind, "{");
        std::string in = ind + "    ";
        switch (t.scalar) {
        case scalar::bool_:
            line(in, "if (auto e = " + val + ".get_bool().get(" + target + "))");
            line(in, "    " + fail_type("e", "a boolean"));
            break;
        case scalar::i32:
        case scalar::i64:
        case scalar::timestamp:
        case scalar::duration: {
            auto n = fresh("n_");
            line(in, "std::int64_t " + n + " = 0;");
            if (as_string)
                line(in, "if (auto e = ::sb_rtdl::wire::get_int_or_string(" + val + ", " + n + "))");
            else
                line(in, "if (auto e = " + val + ".get_int64().get(" + n + "))");
            line(in, "    " + fail_type("e", "an integer"));
            if (t.scalar == scalar::i32) {
                line(in, "if (" + n + " < std::numeric_limits<std::int32_t>::min() || " + n +
                             " > std::numeric_limits<std::int32_t>::max())");
                line(in, "    return cx.fail(\"value out of range for i32\");");
            }
            range_checks(in, n, cons, 0);
            if (t.scalar == scalar::duration)
                line(in, target + " = std::chrono::milliseconds{" + n + "};");
            else
                line(in, target + " = static_cast<" + type_name(t) + ">(" + n + ");");
            break;
        }
        case scalar::u32:
        case scalar::u64: {
            auto n = fresh("n_");
            line(in, "std::uint64_t " + n + " = 0;");
            if (as_string)
                line(in, "if (auto e = ::sb_rtdl::wire::get_uint_or_string(" + val + ", " + n + "))");
            else
                line(in, "if (auto e = " + val + ".get_uint64().get(" + n + "))");
            line(in, "    " + fail_type("e", "a non-negative integer"));
            if (t.scalar == scalar::u32) {
                line(in, "if (" + n + " > std::numeric_limits<std::uint32_t>::max())");
                line(in, "    return cx.fail(\"value out of range for u32\");");
            }
            range_checks(in, n, cons, 1);
            line(in, target + " = static_cast<" + type_name(t) + ">(" + n + ");");
            break;
        }
        case scalar::f32:
        case scalar::f64: {
            auto d = fresh("d_");
            line(in, "double " + d + " = 0;");
            line(in, "if (auto e = " + val + ".get_double().get(" + d + "))");
            line(in, "    " + fail_type("e", "a number"));
            if (t.scalar == scalar::f32) {
                line(in, "if (!std::isfinite(static_cast<float>(" + d + ")))");
                line(in, "    return cx.fail(\"value out of range for f32\");");
            }
            else {
                line(in, "if (!std::isfinite(" + d + "))");
                line(in, "    return cx.fail(\"value is not finite\");");
            }
            range_checks(in, d, cons, 2);
            line(in, target + " = static_cast<" + type_name(t) + ">(" + d + ");");
            break;
        }
        case scalar::string: {
            auto sv = fresh("sv_");
            line(in, "std::string_view " + sv + ";");
            line(in, "if (auto e = " + val + ".get_string().get(" + sv + "))");
            line(in, "    " + fail_type("e", "a string"));
            string_checks(in, sv, cons);
            line(in, target + ".assign(" + sv + ");");
            break;
        }
        case scalar::bytes: {
            auto sv = fresh("sv_");
            line(in, "std::string_view " + sv + ";");
            line(in, "if (auto e = " + val + ".get_string().get(" + sv + "))");
            line(in, "    " + fail_type("e", "a base64 string"));
            line(in, "if (!::sb_rtdl::base64_decode(" + sv + ", " + target + "))");
            line(in, "    return cx.fail(\"invalid base64\");");
            length_checks(in, target + ".size()", cons, "bytes");
            break;
        }
        case scalar::json:
            line(in, "if (!::sb_rtdl::wire::get_json(" + val + ", " + target + ", cx))");
            line(in, "    return false;");
            break;
        }
        line(ind, "}");
    }

    /// Converts the (string) map key `k` into `target` of key type `t`.
    void decode_key(const std::string& ind, const model::type_ref& t, cons_list cons, const std::string& target,
                    const std::string& k)
    {
        if (t.kind == model::type_kind::named && t.decl->kind == model::decl_kind::alias) {
            cons.push_back(&t.decl->constraints);
            decode_key(ind, t.decl->aliased, std::move(cons), target, k);
            return;
        }
        if (t.kind == model::type_kind::named) { // an enum
            line(ind, "if (!from_wire(" + k + ", " + target + "))");
            line(ind, "    return cx.fail(\"unknown " + t.decl->name + " key \\\"\" + std::string(" + k +
                          ") + \"\\\"\");");
            return;
        }
        if (t.scalar == model::scalar::string) {
            line(ind, "{");
            string_checks(ind + "    ", k, cons);
            line(ind, "}");
            line(ind, target + ".assign(" + k + ");");
            return;
        }
        // An integer key: decimal text.
        bool is_signed = t.scalar == model::scalar::i32 || t.scalar == model::scalar::i64;
        auto n = fresh("n_");
        line(ind, "{");
        line(ind, std::string("    ") + (is_signed ? "std::int64_t " : "std::uint64_t ") + n + " = 0;");
        line(ind, "    auto [p, ec] = std::from_chars(" + k + ".data(), " + k + ".data() + " + k + ".size(), " + n +
                      ");");
        line(ind, "    if (ec != std::errc{} || p != " + k + ".data() + " + k + ".size())");
        line(ind, "        return cx.fail(\"expected an integer key\");");
        if (t.scalar == model::scalar::i32) {
            line(ind, "    if (" + n + " < std::numeric_limits<std::int32_t>::min() || " + n +
                          " > std::numeric_limits<std::int32_t>::max())");
            line(ind, "        return cx.fail(\"key out of range for i32\");");
        }
        if (t.scalar == model::scalar::u32) {
            line(ind, "    if (" + n + " > std::numeric_limits<std::uint32_t>::max())");
            line(ind, "        return cx.fail(\"key out of range for u32\");");
        }
        range_checks(ind + "    ", n, cons, is_signed ? 0 : 1);
        line(ind, "    " + target + " = static_cast<" + type_name(t) + ">(" + n + ");");
        line(ind, "}");
    }
};


} // namespace

std::string decode_statements(const model::type_ref& t, const std::string& target, const std::string& val,
                              const std::string& indent)
{
    decoder_writer w;
    w.counter = 1000;
    w.decode(indent, t, {}, target, val);
    return w.out;
}

std::string key_statements(const model::type_ref& t, const std::string& target, const std::string& text,
                           const std::string& indent)
{
    decoder_writer w;
    w.counter = 2000;
    w.decode_key(indent, t, {}, target, text);
    return w.out;
}

/// Whether the wire name `w` can be matched against a raw (still escaped) key by bytes:
/// free of '"' and '\\' (so the key's bytes are the name's bytes and its closing quote is
/// real) and shorter than simdjson's padding (so the read stays inside the padded text).
bool raw_matchable(std::string_view w)
{
    return w.size() < 64 && w.find_first_of("\"\\") == std::string_view::npos;
}

/// Statements setting `int which` to the index of field `f`'s key in `d`, or -1. The raw
/// key is matched first (no unescaping, no copy); a key that matches nothing that way is
/// unescaped and matched again, since JSON may spell a key with escapes.
void emit_field_match(decoder_writer& w, const model::type_decl& d)
{
    auto chain = [&](const std::string& ind, bool raw) {
        std::string out;
        for (std::size_t i = 0; i < d.fields.size(); ++i) {
            const std::string& name = d.fields[i].wire_name;
            if (raw && !raw_matchable(name))
                continue;
            out += ind + (out.empty() ? "if (" : "else if (") +
                   (raw ? "::sb_rtdl::wire::raw_key_is(raw, " + literal(name) + ")"
                        : "key == " + literal(name)) +
                   ")\n" + ind + "    which = " + std::to_string(i) + ";\n";
        }
        return out;
    };
    w.out += "        int which = -1;\n";
    std::string fast = chain("        ", true);
    if (!fast.empty())
        w.out += "        const char* raw = f.key().raw();\n" + fast + "        else {\n";
    else
        w.out += "        {\n";
    w.out += "            std::string_view key;\n";
    w.out += "            if (auto e = f.unescaped_key().get(key))\n                " +
             fail_type("e", "a key") + "\n";
    w.out += chain("            ", false);
    w.out += "        }\n";
}

void emit_decoders(const model::module& m, std::string& h, source_text& s)
{
    std::string internal; // the decoder pieces other generated files call
    std::string padded;   // the overloads for input that already has simdjson's padding
    h += open_namespace(m);
    for (const model::type_decl* d : m.definition_order) {
        if (d->kind != model::decl_kind::struct_ && d->kind != model::decl_kind::union_)
            continue;
        h += "/** Decodes a `" + d->name +
             "` from JSON text, checking every constraint.\n"
             "    @return nothing on success; otherwise why, with the JSON pointer of the offending value.\n*/\n";
        h += "::sb_rtdl::decode_status decode(std::string_view json, " + d->name + "& out);\n\n";
        padded +=
            "/// `decode()` of text that already has `simdjson::SIMDJSON_PADDING` bytes after it (no copy;\n"
            "/// text without the padding is copied first).\n"
            "::sb_rtdl::decode_status decode(simdjson::padded_string_view json, " +
            d->name + "& out);\n";
        // A template, so a std::string argument (convertible to padded_string too) is not ambiguous.
        padded += "template <class P>\n    requires(std::is_same_v<P, simdjson::padded_string>)\n"
                  "::sb_rtdl::decode_status decode(const P& json, " +
                  d->name + "& out)\n{\n    return decode(simdjson::padded_string_view(json), out);\n}\n\n";
        internal += "bool decode_value(simdjson::ondemand::value v, " + d->name + "& out, ::sb_rtdl::decode_context& cx);\n";
        if (d->kind == model::decl_kind::struct_)
            internal += "bool decode_fields(simdjson::ondemand::object& obj, " + d->name +
                        "& out, ::sb_rtdl::decode_context& cx);\n";

        decoder_writer w;
        if (d->kind == model::decl_kind::struct_) {
            w.out += "bool decode_fields(simdjson::ondemand::object& obj, " + d->name +
                     "& out, ::sb_rtdl::decode_context& cx)\n{\n";
            if (d->fields.empty()) {
                w.out += "    (void)out;\n";
            }
            else
                w.out += "    bool seen[" + std::to_string(d->fields.size()) + "]{};\n    (void)seen;\n";
            w.out += "    for (auto fr : obj) {\n";
            w.out += "        simdjson::ondemand::field f;\n";
            w.out += "        if (auto e = std::move(fr).get(f))\n            " + fail_type("e", "an object") + "\n";
            emit_field_match(w, *d);
            w.out += "        switch (which) {\n";
            for (std::size_t i = 0; i < d->fields.size(); ++i) {
                auto& f = d->fields[i];
                w.out += "        case " + std::to_string(i) + ": {\n";
                w.out += "            auto mark = cx.push(" + literal(f.wire_name) + ");\n";
                w.out += "            simdjson::ondemand::value v = f.value();\n";
                cons_list cons{&f.constraints};
                w.decode("            ", f.type, cons, "out." + f.name, "v");
                w.out += "            cx.pop(mark);\n";
                w.out +=
                    "            seen[" + std::to_string(i) + "] = true;\n            break;\n        }\n";
            }
            w.out += "        default: break; // unknown keys are skipped (forward compatibility)\n        "
                     "}\n    }\n";
            for (std::size_t i = 0; i < d->fields.size(); ++i) {
                auto& f = d->fields[i];
                if (!f.required())
                    continue;
                w.out += "    if (!seen[" + std::to_string(i) + "]) {\n        cx.push(" + literal(f.wire_name) +
                         ");\n        return cx.fail(\"missing required field\");\n    }\n";
            }
            w.out += "    return true;\n}\n\n";
            w.out += "bool decode_value(simdjson::ondemand::value v, " + d->name +
                     "& out, ::sb_rtdl::decode_context& cx)\n{\n";
            w.out += "    simdjson::ondemand::object obj;\n";
            w.out += "    if (auto e = v.get_object().get(obj))\n        " + fail_type("e", "an object") + "\n";
            w.out += "    return decode_fields(obj, out, cx);\n}\n\n";
        }
        else {
            w.out += "bool decode_value(simdjson::ondemand::value v, " + d->name +
                     "& out, ::sb_rtdl::decode_context& cx)\n{\n";
            w.out += "    simdjson::ondemand::object obj;\n";
            w.out += "    if (auto e = v.get_object().get(obj))\n        " + fail_type("e", "an object") + "\n";
            w.out += "    simdjson::ondemand::value tv;\n";
            w.out += "    auto mark = cx.push(" + literal(d->tag) + ");\n";
            w.out += "    if (auto e = obj.find_field_unordered(" + literal(d->tag) + ").get(tv)) {\n";
            w.out += "        if (e == simdjson::NO_SUCH_FIELD)\n            return cx.fail(\"missing required field\");\n";
            w.out += "        " + fail_type("e", "an object") + "\n    }\n";
            w.out += "    std::string_view tag_view;\n";
            w.out += "    if (auto e = tv.get_string().get(tag_view))\n        " + fail_type("e", "a string") + "\n";
            w.out += "    std::string tag(tag_view);\n";
            w.out += "    if (auto e = obj.reset().error())\n        " + fail_type("e", "an object") + "\n";
            for (std::size_t i = 0; i < d->variants.size(); ++i) {
                w.out += "    if (tag == " + literal(d->variants[i].wire_name) + ") {\n";
                w.out += "        cx.pop(mark);\n";
                w.out += "        return decode_fields(obj, out.emplace<" + std::to_string(i) + ">(), cx);\n    }\n";
            }
            w.out += "    return cx.fail(\"unknown " + d->name + " variant \\\"\" + tag + \"\\\"\");\n}\n\n";
        }
        for (const char* input : {"std::string_view", "simdjson::padded_string_view"}) {
            w.out +=
                std::string("::sb_rtdl::decode_status decode(") + input + " json, " + d->name + "& out)\n{\n";
            w.out += "    out = " + d->name + "{};\n";
            w.out += "    return ::sb_rtdl::wire::decode_text(json, [&](simdjson::ondemand::value v, "
                     "::sb_rtdl::decode_context& cx) { return decode_value(v, out, cx); });\n}\n\n";
        }
        s.units.push_back({open_namespace(m) + w.out + close_namespace(m)});
    }
    h += close_namespace(m);
    if (!internal.empty()) {
        h += "#ifdef SIMDJSON_VERSION\n// Padded-input decoders and the On-Demand pieces, for code that "
             "includes <simdjson.h> first.\n";
        h += open_namespace(m) + padded + internal + "\n" + close_namespace(m);
        h += "#endif\n\n";
    }
}

} // namespace rtdl::cpp
