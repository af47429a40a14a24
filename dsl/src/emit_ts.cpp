#include "emit_ts.hpp"

#include "cpp_names.hpp"

#include <cctype>

namespace rtdl {
namespace {

bool is_identifier(const std::string& s)
{
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])))
        return false;
    for (unsigned char c : s) {
        if (!std::isalnum(c) && c != '_' && c != '$')
            return false;
    }
    return true;
}

std::string quote(const std::string& s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string key(const std::string& s) { return is_identifier(s) ? s : quote(s); }


std::string doc(const std::string& d, const std::string& indent)
{
    if (d.empty())
        return {};
    std::string out = indent + "/**\n";
    std::size_t start = 0;
    while (start <= d.size()) {
        auto nl = d.find('\n', start);
        out += indent + " * " + d.substr(start, nl == std::string::npos ? std::string::npos : nl - start) + "\n";
        if (nl == std::string::npos)
            break;
        start = nl + 1;
    }
    return out + indent + " */\n";
}

class ts_writer {
public:
    explicit ts_writer(const model::module& m) : main_(m) {}

    std::string type(const model::type_ref& t, bool as_string = false) const
    {
        using model::scalar;
        switch (t.kind) {
        case model::type_kind::scalar:
            switch (t.scalar) {
            case scalar::bool_: return "boolean";
            case scalar::i64:
            case scalar::u64: return as_string ? "string" : "number";
            case scalar::string:
            case scalar::bytes: return "string";
            case scalar::json: return "unknown";
            default: return "number";
            }
        case model::type_kind::optional: return type(t.element(), as_string) + " | null";
        case model::type_kind::array: return "Array<" + type(t.element()) + ">";
        case model::type_kind::map: return "Record<string, " + type(t.value()) + ">";
        case model::type_kind::named:
            if (t.decl->owner != &main_)
                return "rtdl_" + t.decl->owner->stem + "." + t.decl->name;
            return t.decl->name;
        case model::type_kind::unresolved: break;
        }
        return "unknown";
    }

    std::string decl(const model::type_decl& d) const
    {
        std::string out = doc(d.doc, "");
        switch (d.kind) {
        case model::decl_kind::alias:
            out += "export type " + d.name + " = " + type(d.aliased, d.constraints.as_string) + ";\n\n";
            break;
        case model::decl_kind::enum_: {
            out += "export type " + d.name + " =";
            if (d.enumerators.empty())
                out += " never";
            for (std::size_t i = 0; i < d.enumerators.size(); ++i)
                out += (i ? " | " : " ") + quote(d.enumerators[i].wire_name);
            out += ";\n\n";
            break;
        }
        case model::decl_kind::struct_:
            out += "export interface " + d.name + " {\n";
            for (auto& f : d.fields) {
                out += doc(f.doc, "  ");
                bool opt = !f.required();
                out += "  " + key(f.wire_name) + (opt ? "?: " : ": ") + type(f.type, f.constraints.as_string) + ";\n";
            }
            out += "}\n\n";
            break;
        case model::decl_kind::union_:
            out += "export type " + d.name + " =";
            if (d.variants.empty())
                out += " never";
            for (std::size_t i = 0; i < d.variants.size(); ++i) {
                out += std::string(i ? "\n  | " : "\n  | ") + "({ " + key(d.tag) + ": " +
                       quote(d.variants[i].wire_name) + " } & " + type(d.variants[i].type) + ")";
            }
            out += ";\n\n";
            break;
        }
        return out;
    }

    template <class Event>
    std::string event(const Event& e, bool on) const
    {
        std::string out = doc(e.doc, "  ");
        std::string params = e.payload ? "msg: " + type(*e.payload) : "";
        if (e.reply) {
            std::string reply = type(*e.reply) + (on ? " | RtdlError" : "");
            params += (params.empty() ? "" : ", ") + std::string("ack: (reply: ") + reply + ") => void";
        }
        out += "  " + key(e.wire_name) + ": (" + params + ") => void;\n";
        return out;
    }

private:
    const model::module& main_;
};

} // namespace

/// The key type of the rooms a client may `$join` (not `join = server`), or "" when none:
/// exact names as literals, patterns as template literals.
std::string joinable_keys(const model::namespace_decl& ns)
{
    std::string out;
    for (auto& r : ns.rooms) {
        if (r.settings.join == model::join_policy::server)
            continue;
        std::string t;
        for (auto& seg : r.segments) {
            if (seg.is_placeholder) {
                t += "${string}";
                continue;
            }
            for (char c : seg.text) {
                if (c == '`' || c == '\\' || c == '$')
                    t += '\\';
                t += c;
            }
        }
        out += (out.empty() ? "" : " | ") + ("`" + t + "`");
    }
    return out;
}

std::string emit_ts(const model::program& program) { return emit_ts(*program.main); }

std::string emit_ts(const model::module& m)
{
    ts_writer w(m);
    std::string out = "// Generated by rtdlc from " + m.path + ". Do not edit.\n/* eslint-disable */\n\n";
    for (auto& imp : m.imports)
        out += "import type * as rtdl_" + imp.target->stem + " from \"./" + imp.target->stem + ".rtdl\";\n";
    if (!m.imports.empty())
        out += "\n";
    if (!m.namespaces.empty()) {
        out += "/** What an ACK carries when the server refuses or fails an event. */\n"
               "export interface RtdlError {\n  error: { code: string; message: string; pointer?: string };\n}\n\n";
    }
    for (auto& d : m.types)
        out += w.decl(*d);
    for (auto& ns : m.namespaces) {
        std::string p = pascal_case(ns.name);
        out += "/** Namespace path of `" + ns.name + "`. */\nexport const " + ns.name + "Path = " + quote(ns.path) +
               ";\n\n";
        out += doc(ns.doc, "");
        out += "export interface " + p + "ClientToServerEvents {\n";
        for (auto& e : ns.on_events)
            out += w.event(e, true);
        if (auto keys = joinable_keys(ns); !keys.empty()) {
            out += "  /** Joins a room by key, under its join policy; answered `{room}` or a refusal. */\n";
            out += "  \"$join\": (room: " + keys + ", ack: (reply: { room: string } | RtdlError) => void) => void;\n";
            out += "  /** Leaves a room by key. */\n";
            out += "  \"$leave\": (room: " + keys + ", ack: (reply: { room: string } | RtdlError) => void) => void;\n";
        }
        out += "}\n\nexport interface " + p + "ServerToClientEvents {\n";
        for (auto& e : ns.emit_events)
            out += w.event(e, false);
        out += "}\n\n";
    }
    if (m.namespaces.size() == 1) {
        std::string p = pascal_case(m.namespaces[0].name);
        out += "export type ClientToServerEvents = " + p + "ClientToServerEvents;\n";
        out += "export type ServerToClientEvents = " + p + "ServerToClientEvents;\n";
    }
    return out;
}

} // namespace rtdl
