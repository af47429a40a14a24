#include "emit_ir.hpp"

#include <boost/json.hpp>

#include <map>

namespace rtdl {
namespace {

namespace json = boost::json;

class ir_writer {
public:
    explicit ir_writer(const model::program& p) : program_(p)
    {
        for (std::size_t i = 0; i < p.modules.size(); ++i)
            index_[p.modules[i].get()] = i;
    }

    json::value run()
    {
        json::array modules;
        for (auto& m : program_.modules)
            modules.push_back(module(*m));
        json::object root;
        root["rtdl_ir"] = 1;
        root["main"] = index_.at(program_.main);
        root["modules"] = std::move(modules);
        return root;
    }

private:
    static json::value optional_string(const std::optional<std::string>& s)
    {
        return s ? json::value(json::string(*s)) : json::value(nullptr);
    }

    static json::value loc(const model::location& l)
    {
        return json::object{{"file", l.file}, {"line", l.line}, {"column", l.column}};
    }

    /// Common members of every declaration: doc, deprecated, loc.
    static void common(json::object& o, const std::string& doc, const std::optional<std::string>& deprecated,
                       const model::location& l)
    {
        o["doc"] = doc;
        o["deprecated"] = optional_string(deprecated);
        o["loc"] = loc(l);
    }

    json::value named(const model::type_decl* d) const
    {
        if (!d)
            return nullptr;
        return json::object{{"module", index_.at(d->owner)}, {"name", d->name}};
    }

    json::value type(const model::type_ref& t) const
    {
        json::object o;
        switch (t.kind) {
        case model::type_kind::scalar:
            o["kind"] = "scalar";
            o["scalar"] = model::to_string(t.scalar);
            break;
        case model::type_kind::optional:
        case model::type_kind::array:
            o["kind"] = t.kind == model::type_kind::optional ? "optional" : "array";
            o["element"] = type(t.element());
            break;
        case model::type_kind::map:
            o["kind"] = "map";
            o["key"] = type(t.key());
            o["value"] = type(t.value());
            break;
        case model::type_kind::named:
            o["kind"] = "named";
            o["module"] = index_.at(t.decl->owner);
            o["name"] = t.decl->name;
            break;
        case model::type_kind::unresolved: o["kind"] = "unresolved"; break;
        }
        return o;
    }

    static json::value number(const model::number& n)
    {
        if (n.is_integer && n.negative)
            return -static_cast<std::int64_t>(n.magnitude);
        if (n.is_integer)
            return n.magnitude;
        return n.value;
    }

    static json::value constraints(const model::constraints& c)
    {
        json::object o;
        if (c.length) {
            o["length"] =
                json::object{{"min", c.length->min ? json::value(*c.length->min) : json::value(nullptr)},
                             {"max", c.length->max ? json::value(*c.length->max) : json::value(nullptr)}};
        }
        if (c.range) {
            o["range"] = json::object{{"min", c.range->min ? number(*c.range->min) : json::value(nullptr)},
                                      {"max", c.range->max ? number(*c.range->max) : json::value(nullptr)}};
        }
        if (c.charset)
            o["charset"] = c.charset->spec;
        if (c.as_string)
            o["as_string"] = true;
        return o;
    }

    static json::value value(const model::value& v)
    {
        json::object o;
        static const char* kinds[] = {"null",     "boolean",    "number", "string",
                                      "duration", "enumerator", "list",   "json"};
        o["kind"] = kinds[static_cast<int>(v.kind)];
        switch (v.kind) {
        case model::value_kind::null: break;
        case model::value_kind::boolean: o["value"] = v.boolean; break;
        case model::value_kind::number:
            o["value"] = number(v.num);
            o["text"] = v.num.text;
            break;
        case model::value_kind::string:
        case model::value_kind::enumerator:
        case model::value_kind::json: o["value"] = v.text; break;
        case model::value_kind::duration: o["value_ms"] = v.duration.count(); break;
        case model::value_kind::list: {
            json::array items;
            for (auto& i : v.items)
                items.push_back(value(i));
            o["items"] = std::move(items);
            break;
        }
        }
        return o;
    }

    json::value type_decl(const model::type_decl& d) const
    {
        json::object o;
        o["kind"] = model::to_string(d.kind) == "type" ? "alias" : model::to_string(d.kind);
        o["name"] = d.name;
        common(o, d.doc, d.deprecated, d.loc);
        switch (d.kind) {
        case model::decl_kind::struct_: {
            json::array fields;
            for (auto& f : d.fields) {
                json::object fo{{"name", f.name},
                                {"wire_name", f.wire_name},
                                {"type", type(f.type)},
                                {"constraints", constraints(f.constraints)},
                                {"default", f.default_value ? value(*f.default_value) : json::value(nullptr)},
                                {"required", f.required()},
                                {"boxed", f.boxed}};
                common(fo, f.doc, f.deprecated, f.loc);
                fields.push_back(std::move(fo));
            }
            o["fields"] = std::move(fields);
            break;
        }
        case model::decl_kind::enum_: {
            json::array items;
            for (auto& e : d.enumerators) {
                json::object eo{{"name", e.name}, {"wire_name", e.wire_name}};
                common(eo, e.doc, e.deprecated, e.loc);
                items.push_back(std::move(eo));
            }
            o["enumerators"] = std::move(items);
            break;
        }
        case model::decl_kind::union_: {
            o["tag"] = d.tag;
            json::array items;
            for (auto& v : d.variants) {
                json::object vo{{"name", v.name},
                                {"wire_name", v.wire_name},
                                {"type", type(v.type)},
                                {"target", named(v.target)}};
                common(vo, v.doc, v.deprecated, v.loc);
                items.push_back(std::move(vo));
            }
            o["variants"] = std::move(items);
            break;
        }
        case model::decl_kind::alias:
            o["aliased"] = type(d.aliased);
            o["constraints"] = constraints(d.constraints);
            break;
        }
        return o;
    }

    static json::value optional_ms(const std::optional<std::chrono::milliseconds>& d)
    {
        return d ? json::value(d->count()) : json::value(nullptr);
    }

    /// An `on` or `emit` event: the keys both kinds have, `own(o)` adding its kind's, then
    /// doc, deprecation and location.
    template <class Event, class Own>
    json::object event(const Event& e, Own&& own) const
    {
        json::object o;
        o["name"] = e.name;
        o["wire_name"] = e.wire_name;
        o["payload"] = e.payload ? type(*e.payload) : json::value(nullptr);
        o["reply"] = e.reply ? type(*e.reply) : json::value(nullptr);
        o["timeout_ms"] = optional_ms(e.timeout);
        own(o);
        common(o, e.doc, e.deprecated, e.loc);
        return o;
    }

    json::value namespace_decl(const model::namespace_decl& ns) const
    {
        json::object o{{"name", ns.name}, {"path", ns.path}};
        common(o, ns.doc, ns.deprecated, ns.loc);
        auto& s = ns.settings;
        json::array transports;
        for (auto t : s.transports)
            transports.push_back(json::string(model::to_string(t)));
        o["settings"] = json::object{{"auth", model::to_string(s.auth)},
                                     {"transports", std::move(transports)},
                                     {"heartbeat_ms", s.heartbeat.count()},
                                     {"max_payload", s.max_payload},
                                     {"send_buffer", s.send_buffer},
                                     {"handshake", named(s.handshake)},
                                     {"idle_timeout_ms", s.idle_timeout.count()}};
        json::array middleware;
        for (auto& m : ns.middleware) {
            json::array phases;
            for (auto p : m.phases)
                phases.push_back(json::string(model::to_string(p)));
            json::object mo{{"name", m.name}, {"phases", std::move(phases)}};
            common(mo, m.doc, m.deprecated, m.loc);
            middleware.push_back(std::move(mo));
        }
        o["middleware"] = std::move(middleware);
        json::array rooms;
        for (auto& r : ns.rooms) {
            json::array segments, placeholders;
            for (auto& seg : r.segments) {
                if (seg.is_placeholder)
                    segments.push_back(json::object{{"placeholder", r.placeholders[seg.placeholder].name}});
                else
                    segments.push_back(json::object{{"text", seg.text}});
            }
            for (auto& p : r.placeholders)
                placeholders.push_back(json::object{{"name", p.name}, {"type", type(p.type)}});
            auto& rs = r.settings;
            json::object ro{{"name", r.name},
                            {"pattern", r.pattern},
                            {"exact", r.exact()},
                            {"segments", std::move(segments)},
                            {"placeholders", std::move(placeholders)}};
            ro["settings"] = json::object{
                {"join", model::to_string(rs.join)},
                {"max_members", rs.max_members ? json::value(*rs.max_members) : json::value(nullptr)},
                {"history", rs.history},
                {"history_ttl_ms", rs.history_ttl.count()},
                {"tick_ms", optional_ms(rs.tick)},
                {"presence", named(rs.presence)}};
            ro["required_claims"] = json::value_from(r.required_claims);
            common(ro, r.doc, r.deprecated, r.loc);
            rooms.push_back(std::move(ro));
        }
        o["rooms"] = std::move(rooms);
        json::array on;
        for (auto& e : ns.on_events) {
            on.push_back(event(e, [&](json::object& eo) {
                if (e.rate)
                    eo["rate"] = json::object{{"count", e.rate->count},
                                              {"per_s", e.rate->per.count()},
                                              {"burst", e.rate->burst},
                                              {"scope", model::to_string(e.rate->scope)}};
                else
                    eo["rate"] = nullptr;
                eo["required_claims"] = json::value_from(e.required_claims);
            }));
        }
        o["on"] = std::move(on);
        json::array emit;
        for (auto& e : ns.emit_events) {
            emit.push_back(event(e, [&](json::object& eo) {
                json::array to;
                for (auto* r : e.to)
                    to.push_back(json::string(r->name));
                eo["to"] = std::move(to);
                eo["volatile"] = e.is_volatile;
                eo["conflate"] = e.conflate;
                eo["conflate_by"] =
                    e.conflate_by ? json::value(json::string(e.conflate_by->name)) : json::value(nullptr);
                eo["resumable"] = e.resumable;
                if (e.collect)
                    eo["collect"] = json::object{{"policy", model::to_string(e.collect->policy)},
                                                 {"count", e.collect->count}};
                else
                    eo["collect"] = nullptr;
            }));
        }
        o["emit"] = std::move(emit);
        return o;
    }

    json::value module(const model::module& m) const
    {
        json::object o{{"path", m.path},
                       {"absolute_path", m.absolute_path.string()},
                       {"stem", m.stem},
                       {"package", json::value_from(m.package)}};
        json::array imports;
        for (auto& i : m.imports)
            imports.push_back(
                json::object{{"module", i.target ? json::value(index_.at(i.target)) : json::value(nullptr)},
                             {"alias", i.alias},
                             {"path", i.written}});
        o["imports"] = std::move(imports);
        json::array types, order;
        for (auto& t : m.types)
            types.push_back(type_decl(*t));
        for (auto* t : m.definition_order)
            order.push_back(json::string(t->name));
        o["types"] = std::move(types);
        o["definition_order"] = std::move(order);
        json::array namespaces;
        for (auto& ns : m.namespaces)
            namespaces.push_back(namespace_decl(ns));
        o["namespaces"] = std::move(namespaces);
        return o;
    }

    const model::program& program_;
    std::map<const model::module*, std::size_t> index_;
};

void pretty(std::string& out, const json::value& v, int indent)
{
    auto pad = [&](int n) { out.append(static_cast<std::size_t>(n) * 2, ' '); };
    switch (v.kind()) {
    case json::kind::object: {
        auto& o = v.get_object();
        if (o.empty()) {
            out += "{}";
            return;
        }
        out += "{\n";
        std::size_t i = 0;
        for (auto& [key, val] : o) {
            pad(indent + 1);
            out += json::serialize(json::string(key)) + ": ";
            pretty(out, val, indent + 1);
            out += ++i < o.size() ? ",\n" : "\n";
        }
        pad(indent);
        out += "}";
        return;
    }
    case json::kind::array: {
        auto& a = v.get_array();
        if (a.empty()) {
            out += "[]";
            return;
        }
        out += "[\n";
        for (std::size_t i = 0; i < a.size(); ++i) {
            pad(indent + 1);
            pretty(out, a[i], indent + 1);
            out += i + 1 < a.size() ? ",\n" : "\n";
        }
        pad(indent);
        out += "]";
        return;
    }
    default: out += json::serialize(v); return;
    }
}

} // namespace

std::string emit_ir(const model::program& program)
{
    std::string out;
    pretty(out, ir_writer(program).run(), 0);
    out += "\n";
    return out;
}

} // namespace rtdl
