// Per namespace: typed rooms and room handles, the route table, the connection context
// (identity, claims, policy-checked joins), the tick contexts and the abstract service
// (one pure virtual per `on` event, `join = handler` room, `tick` room and middleware).
// mount() and the dispatch behind it are in emit_cpp_dispatch.cpp.
#include "emit_cpp_detail.hpp"

#include <switchboard/rtdl/routes.hpp>

#include <chrono>
#include <cstdint>
#include <string_view>

namespace rtdl::cpp {
namespace {

std::string ms(std::chrono::milliseconds d)
{
    return "std::chrono::milliseconds{" + std::to_string(d.count()) + "}";
}

/// `the placeholder as key text`
std::string placeholder_text(const model::type_ref& t, const std::string& x)
{
    const model::type_ref& s = model::strip_aliases(t);
    if (s.kind == model::type_kind::named)
        return "std::string(to_wire(" + x + "))";
    if (s.scalar == model::scalar::string)
        return x;
    return "std::to_string(" + x + ")";
}

std::string payload_param(const model::emit_event& e)
{
    return e.payload ? "const " + type_name(*e.payload) + "& msg" : "";
}

/** For an emit that is a coroutine (it awaits an ACK): a deleted overload for an rvalue
    payload. `co_await ctx.emit_x(T{...})` binds a temporary to the coroutine's reference
    parameter, which GCC 12 (the toolchain here) destroys twice; a named value is safe.
    Deleting the rvalue form turns that crash into a compile error at the call. */
std::string deleted_rvalue_overload(const model::emit_event& e, const std::string& ret)
{
    if (!e.payload)
        return "";
    return "    /// Deleted: name the payload first (`auto m = T{...}; co_await emit_" + e.name +
           "(m);`); GCC 12 double-frees\n    /// a temporary bound to a coroutine's parameter.\n    ::sb::task<" + ret +
           "> emit_" + e.name + "(" + type_name(*e.payload) + "&&) const = delete;\n";
}

std::string payload_expr(const model::emit_event& e)
{
    return e.payload ? "::sb::payload{::boost::json::array{" + encode_expression(*e.payload, "msg") + "}}"
                     : "::sb::payload{}";
}

/// The conflation key of an emit: its wire name, plus ":" and the `by` field's value.
std::string conflate_key(const model::emit_event& e)
{
    if (!e.conflate_by)
        return "std::string(" + literal(e.wire_name) + ")";
    const model::field& f = *e.conflate_by;
    const model::type_ref& t = model::strip_aliases(f.type);
    std::string x = "msg." + f.name;
    std::string value;
    if (t.kind == model::type_kind::named)
        value = "std::string(to_wire(" + x + "))";
    else if (t.kind == model::type_kind::scalar && t.scalar == model::scalar::string)
        value = x;
    else
        value = "::boost::json::serialize(" + encode_expression(f.type, x) + ")";
    return "std::string(" + literal(e.wire_name + ":") + ") + " + value;
}

/// The delivery modifiers of a broadcast emit (`.volatile_()`, `.resumable()`, `.conflate(key)`).
std::string delivery_modifiers(const model::emit_event& e)
{
    std::string m;
    if (e.is_volatile)
        m += ".volatile_()";
    if (e.resumable)
        m += ".resumable()";
    if (e.conflate && !e.reply)
        m += ".conflate(" + conflate_key(e) + ")";
    return m;
}

std::chrono::milliseconds ack_timeout(const model::emit_event& e)
{
    return e.timeout.value_or(std::chrono::milliseconds{5000});
}

std::string event_doc(const std::string& doc, const model::emit_event& e)
{
    std::string d = doc;
    std::string extra = "emit `" + e.wire_name + "`";
    if (e.is_volatile)
        extra += "; volatile: may be dropped for a client that is behind";
    if (e.conflate)
        extra += e.conflate_by ? "; conflate by `" + e.conflate_by->name +
                                     "`: an unsent copy with the same value is replaced"
                               : "; conflate: an unsent copy is replaced";
    if (e.resumable)
        extra += "; resumable: carries an id `<epoch>:<offset>` and is kept in room history";
    if (e.reply)
        extra += "; ACK deadline " + std::to_string(ack_timeout(e).count()) + " ms";
    return d + (d.empty() ? "" : "\n") + extra;
}

void emit_rooms(const model::namespace_decl& ns, std::string& h, std::string& s)
{
    for (auto& r : ns.rooms) {
        std::string cls = r.name + "_room";
        h += doc_comment(r.doc + std::string(r.doc.empty() ? "" : "\n") + "Room pattern \"" + r.pattern +
                         "\"; join policy " + std::string(model::to_string(r.settings.join)) + ".");
        h += "struct " + cls + " {\n";
        for (auto& p : r.placeholders)
            h += "    " + type_name(p.type) + " " + p.name + "{};\n";
        h += "\n    /// The room's key, e.g. `" + r.pattern + "` filled in.\n    std::string key() const;\n";
        h += "    /// Parses a key; nothing unless it matches the pattern and every placeholder is valid.\n";
        h += "    static std::optional<" + cls + "> parse(std::string_view key);\n";
        h += "    bool operator==(const " + cls + "&) const = default;\n};\n\n";

        s += "std::string " + cls + "::key() const\n{\n    std::string k;\n";
        for (auto& seg : r.segments) {
            if (seg.is_placeholder)
                s += "    k += " + placeholder_text(r.placeholders[seg.placeholder].type,
                                                    r.placeholders[seg.placeholder].name) + ";\n";
            else
                s += "    k += " + literal(seg.text) + ";\n";
        }
        s += "    return k;\n}\n\n";
        s += "std::optional<" + cls + "> " + cls + "::parse(std::string_view key)\n{\n    " + cls + " r;\n";
        for (std::size_t i = 0; i < r.segments.size(); ++i) {
            auto& seg = r.segments[i];
            if (!seg.is_placeholder) {
                s += "    if (key.substr(0, " + std::to_string(seg.text.size()) + ") != " + literal(seg.text) +
                     ")\n        return std::nullopt;\n";
                s += "    key.remove_prefix(" + std::to_string(seg.text.size()) + ");\n";
                continue;
            }
            auto& p = r.placeholders[seg.placeholder];
            s += "    {\n";
            if (i + 1 < r.segments.size()) {
                s += "        auto end = key.find(" + literal(r.segments[i + 1].text) + ");\n";
                s += "        if (end == std::string_view::npos)\n            return std::nullopt;\n";
                s += "        std::string_view part = key.substr(0, end);\n";
            }
            else
                s += "        std::string_view part = key;\n";
            s += "        if (part.empty())\n            return std::nullopt;\n";
            s += "        ::sb_rtdl::decode_context cx;\n";
            s += "        auto ok = [&]() -> bool {\n";
            s += key_statements(p.type, "r." + p.name, "part", "            ");
            s += "            return true;\n        };\n";
            s += "        if (!ok())\n            return std::nullopt;\n";
            s += "        key.remove_prefix(part.size());\n    }\n";
        }
        s += "    if (!key.empty())\n        return std::nullopt;\n    return r;\n}\n\n";
    }
}

/// `collect any | first N | quorum` as the runtime's policy; `all` is its default.
std::string collect_modifier(const model::emit_event& e)
{
    if (!e.collect)
        return "";
    switch (e.collect->policy) {
    case model::collect_policy::any:
        return ".collect(::sb::collect_policy::any())";
    case model::collect_policy::first:
        return ".collect(::sb::collect_policy::first(" + std::to_string(e.collect->count) + "))";
    case model::collect_policy::quorum:
        return ".collect(::sb::collect_policy::quorum())";
    case model::collect_policy::all:
        break;
    }
    return "";
}

void emit_handles(const model::namespace_decl& ns, std::string& h, std::string& s)
{
    for (auto& r : ns.rooms) {
        std::string cls = r.name + "_handle";
        h += "/// Broadcasts to one `" + r.name + "` room: only the events declared `to " + r.name + "`.\n";
        h += "class " + cls + " {\npublic:\n";
        h += "    explicit " + cls + "(::sb::broadcast_operator op) : op_(std::move(op)) {}\n";
        h += "    /// The untyped operator (for `except()`, `local()`, `count()` …).\n";
        h += "    const ::sb::broadcast_operator& op() const noexcept { return op_; }\n";
        for (auto& e : ns.emit_events) {
            bool declared = false;
            for (auto* to : e.to)
                declared = declared || to == &r;
            if (!declared)
                continue;
            h += doc_comment(event_doc(e.doc, e), "    ");
            if (e.reply) {
                std::string rt = "::sb_rtdl::collected<" + type_name(*e.reply) + ">";
                h += "    " + deprecated_attr(e.deprecated) + "::sb::task<" + rt + "> emit_" + e.name + "(" +
                     payload_param(e) + ") const;\n";
                h += deleted_rvalue_overload(e, rt);
                s += "::sb::task<" + rt + "> " + cls + "::emit_" + e.name + "(" + payload_param(e) + ") const\n{\n";
                s += "    ::sb::payload args = " + payload_expr(e) + ";\n";
                s += "    auto r = co_await op_.timeout(" + ms(ack_timeout(e)) + ")" + collect_modifier(e) +
                     ".emit_with_ack(" + literal(e.wire_name) + ", std::move(args));\n";
                s += "    " + rt + " out;\n    out.ec = r.ec;\n    out.missing = r.missing;\n";
                s += "    for (const auto& v : r.responses) {\n        " + type_name(*e.reply) + " x{};\n";
                s += "        if (reply_decoder_" + ns.name + "_" + e.name + "(::boost::json::serialize(v), x))\n"
                     "            ++out.undecodable;\n        else\n            out.replies.push_back(std::move(x));\n    }\n";
                s += "    co_return out;\n}\n\n";
            }
            else {
                h += "    " + deprecated_attr(e.deprecated) + "void emit_" + e.name + "(" + payload_param(e) +
                     ") const;\n";
                s += "void " + cls + "::emit_" + e.name + "(" + payload_param(e) + ") const\n{\n";
                s += "    op_" + delivery_modifiers(e) + ".emit(" + literal(e.wire_name) + ", " + payload_expr(e) +
                     ");\n}\n\n";
            }
        }
        h += "\nprivate:\n    ::sb::broadcast_operator op_;\n};\n\n";
    }

    std::string rooms = ns.name + "_rooms";
    h += "/// The rooms of namespace \"" + ns.path + "\", as typed broadcast handles.\n";
    h += "class " + rooms + " {\npublic:\n";
    h += "    explicit " + rooms + "(::sb::broadcast_operator base) : base_(std::move(base)) {}\n";
    for (auto& r : ns.rooms) {
        std::string handle = r.name + "_handle";
        if (r.exact()) {
            h += "    " + handle + " " + r.name + "() const { return " + handle + "{base_.to(" + literal(r.pattern) +
                 ")}; }\n";
            continue;
        }
        h += "    " + handle + " " + r.name + "(const " + r.name + "_room& room) const { return " + handle +
             "{base_.to(room.key())}; }\n";
        std::string params, init;
        for (std::size_t i = 0; i < r.placeholders.size(); ++i) {
            params += (i ? ", " : "") + type_name(r.placeholders[i].type) + " " + r.placeholders[i].name;
            init += (i ? ", " : "") + std::string("std::move(") + r.placeholders[i].name + ")";
        }
        h += "    " + handle + " " + r.name + "(" + params + ") const { return " + r.name + "(" + r.name + "_room{" +
             init + "}); }\n";
    }
    h += "\nprivate:\n    ::sb::broadcast_operator base_;\n};\n\n";
}

void emit_context(const model::namespace_decl& ns, std::string& h, std::string& s)
{
    std::string ctx = ns.name + "_context";
    bool emit_hooks = false;
    for (auto& m : ns.middleware) {
        for (auto p : m.phases)
            emit_hooks = emit_hooks || p == model::phase::emit;
    }
    h += "/** One connection to \"" + ns.path + "\", as the service's handlers see it: identity and\n"
         "    socket from `sb_rtdl::connection_context`, plus this namespace's emits and rooms.\n*/\n";
    h += "class " + ctx + " : public ::sb_rtdl::connection_context {\npublic:\n";
    h += "    " + ctx + "(::sb::socket_ptr socket, ::sb::namespace_ nsp, std::shared_ptr<" + ns.name +
         "_runtime> rt = nullptr)\n        : connection_context(std::move(socket), nsp, " + ns.name +
         "_routes::count), rt_(std::move(rt))\n    {\n    }\n\n";
    if (const model::type_decl* hs = ns.settings.handshake) {
        std::string t = qualified(*hs);
        std::string decode_fn = t.substr(0, t.rfind("::") + 2) + "decode";
        h += "    /** The typed connect parameters (`handshake = " + hs->name +
             "`), decoded with every constraint:\n"
             "        for a plain EventSource connection from what its endpoint decoded (`socket().auth()`),\n"
             "        otherwise from the Engine.IO handshake query (`io(url, {query: {...}})`).\n"
             "        Nothing when it does not decode. */\n";
        h += "    std::optional<" + t + "> handshake() const;\n\n";
        s += "std::optional<" + t + "> " + ctx + "::handshake() const\n{\n";
        s += "    const ::boost::json::object json = socket_->transport() == \"eventsource\" ? socket_->auth() : " +
             handshake_json_function(ns) + "(socket_->query());\n";
        s += "    const std::string text = ::boost::json::serialize(json);\n";
        s += "    " + t + " out{};\n";
        s += "    if (" + decode_fn + "(std::string_view(text), out))\n        return std::nullopt;\n";
        s += "    return out;\n}\n\n";
    }
    for (auto& e : ns.emit_events) {
        h += doc_comment(event_doc(e.doc, e), "    ");
        if (e.reply) {
            std::string rt = "::sb_rtdl::ack_result<" + type_name(*e.reply) + ">";
            h += "    " + deprecated_attr(e.deprecated) + "::sb::task<" + rt + "> emit_" + e.name + "(" +
                 payload_param(e) + ") const;\n";
            h += deleted_rvalue_overload(e, rt);
            s += "::sb::task<" + rt + "> " + ctx + "::emit_" + e.name + "(" + payload_param(e) + ") const\n{\n";
            s += "    ::sb::payload args = " + payload_expr(e) + ";\n";
            s += "    " + rt + " out;\n";
            if (emit_hooks) {
                s += "    if (rt_) {\n        " + ctx + " ctx = *this;\n        auto& rt = rt_;\n";
                for (auto& m : ns.middleware) {
                    bool on_emit = false;
                    for (auto p : m.phases)
                        on_emit = on_emit || p == model::phase::emit;
                    if (!on_emit)
                        continue;
                    s += "        {\n            const ::sb_rtdl::lifecycle_event le{::sb_rtdl::phase::emit, " +
                         literal(e.wire_name) + "};\n";
                    s += "            ::sb_rtdl::verdict v = co_await rt->svc->" + m.name + "(ctx, le);\n";
                    s += "            if (!v) {\n                out.ec = ::sb::make_error_code(::sb::error::forbidden);\n"
                         "                co_return out;\n            }\n        }\n";
                }
                s += "    }\n";
            }
            s += "    auto r = co_await socket_->emit_with_ack(" + literal(e.wire_name) + ", std::move(args), " +
                 ms(ack_timeout(e)) + ");\n";
            s += "    out.ec = r.ec;\n    if (r.ec)\n        co_return out;\n";
            s += "    " + type_name(*e.reply) + " x{};\n";
            s += "    auto problem = r.reply.args.empty() ? ::sb_rtdl::decode_status{::sb_rtdl::decode_error{\"missing "
                 "reply\", \"\"}}\n                                        : reply_decoder_" +
                 ns.name + "_" + e.name + "(::boost::json::serialize(r.reply.args[0]), x);\n";
            s += "    if (problem) {\n        out.ec = ::sb::make_error_code(::sb::error::bad_payload);\n"
                 "        out.problem = std::move(problem);\n    }\n    else\n        out.value = std::move(x);\n";
            s += "    co_return out;\n}\n\n";
        }
        else {
            std::string opts = e.is_volatile ? "::sb::emit_options{.is_volatile = true}" : "::sb::emit_options{}";
            // resumable/conflate: through the connection's own room, the one broadcast that
            // reaches exactly this socket (the runtime's socket::emit has no such options).
            const bool via_room = e.resumable || e.conflate;
            std::string via = via_room ? "::sb::broadcast_operator{nsp_.state()}.to(std::string(socket_->id()))" +
                                             delivery_modifiers(e)
                                       : "";
            h += "    " + deprecated_attr(e.deprecated) + "void emit_" + e.name + "(" + payload_param(e) + ") const;\n";
            s += "void " + ctx + "::emit_" + e.name + "(" + payload_param(e) + ") const\n{\n";
            if (emit_hooks) {
                s += "    if (rt_) {\n        // emit middleware runs first (it may suspend: the emit is then sent after it)\n";
                s += "        auto ex = socket_->executor();\n";
                s += "        std::optional<::sb::broadcast_operator> via;\n";
                if (via_room)
                    s += "        via.emplace(" + via + ");\n";
                s += "        ::boost::asio::co_spawn(ex, " + ns.name + "_emit_checked(rt_, *this, " + literal(e.wire_name) +
                     ", " + payload_expr(e) + ", " + opts + ", std::move(via)), ::boost::asio::detached);\n"
                     "        return;\n    }\n";
            }
            if (via_room)
                s += "    if (socket_->connected())\n        " + via + ".emit(" + literal(e.wire_name) + ", " +
                     payload_expr(e) + ");\n}\n\n";
            else
                s += "    socket_->emit(" + literal(e.wire_name) + ", " + payload_expr(e) + ", " + opts + ");\n}\n\n";
        }
    }
    if (!ns.rooms.empty()) {
        h += "\n    /// Every member of a room, this connection included.\n";
        h += "    " + ns.name + "_rooms rooms() const { return " + ns.name + "_rooms{::sb::broadcast_operator{nsp_.state()}}; }\n";
        h += "    /// Every member of a room except this connection.\n";
        h += "    " + ns.name + "_rooms others() const { return " + ns.name + "_rooms{socket_->broadcast()}; }\n";
        for (auto& r : ns.rooms) {
            std::string cls = r.name + "_room";
            std::string rt = "const " + cls + "& room";
            h += "\n    /// Server-side join of room `" + r.name + "`: no policy applies (this is how `join = server`\n"
                 "    /// rooms get members). In a connect hook it takes effect once the connection is admitted.\n";
            h += "    void join(" + rt + ") const;\n";
            h += "    /// Joins as if the client asked (`$join`): policy " +
                 std::string(model::to_string(r.settings.join)) +
                 (r.settings.max_members ? ", max_members " + std::to_string(*r.settings.max_members) : "") +
                 (r.settings.join == model::join_policy::handler ? ", runs `on_join_" + r.name + "`" : "") + ".\n";
            h += "    ::sb::task<::sb_rtdl::join_result> try_join(" + cls + " room) const;\n";
            h += "    void leave(" + rt + ") const { socket_->leave(room.key()); }\n";
            h += "    bool in_room(" + rt + ") const;\n";
            s += "void " + ctx + "::join(" + rt + ") const\n{\n    std::string key = room.key();\n";
            s += "    if (!socket_->connected()) {\n        state().pending_joins.push_back(std::move(key));\n"
                 "        return;\n    }\n";
            s += "    socket_->join(key);\n    if (rt_)\n        " + ns.name + "_note_join(rt_, key, socket_->executor());\n}\n\n";
            s += "bool " + ctx + "::in_room(" + rt + ") const\n{\n    auto key = room.key();\n"
                 "    for (const auto& r : socket_->rooms()) {\n        if (r == key)\n            return true;\n    }\n"
                 "    return false;\n}\n\n";
            emit_try_join(ns, r, s);
        }
    }
    h += "\nprivate:\n";
    h += "    std::shared_ptr<" + ns.name + "_runtime> rt_;\n};\n\n";

    // Tick contexts.
    for (auto& r : ns.rooms) {
        if (!r.settings.tick)
            continue;
        std::string tc = r.name + "_tick_context";
        h += "/// One tick of a live `" + r.name + "` room (`tick = " + std::to_string(r.settings.tick->count()) +
             "ms`): what `on_tick_" + r.name + "` gets.\n";
        h += "class " + tc + " {\npublic:\n";
        h += "    " + tc + "(" + r.name + "_room room, ::sb::namespace_ nsp, std::uint64_t tick)\n"
             "        : room_(std::move(room)), nsp_(nsp), tick_(tick)\n    {\n    }\n";
        h += "    const " + r.name + "_room& room() const noexcept { return room_; }\n";
        h += "    /// 0 for the first tick after the room got its first member, then 1, 2, …\n";
        h += "    std::uint64_t tick() const noexcept { return tick_; }\n";
        h += "    /// The room's members, as a typed broadcast handle.\n";
        h += "    " + r.name + "_handle members() const { return " + r.name +
             "_handle{::sb::broadcast_operator{nsp_.state()}.to(room_.key())}; }\n";
        h += "    " + ns.name + "_rooms rooms() const { return " + ns.name +
             "_rooms{::sb::broadcast_operator{nsp_.state()}}; }\n";
        h += "    ::sb::namespace_ nsp() const noexcept { return nsp_; }\n\n";
        h += "private:\n    " + r.name + "_room room_;\n    ::sb::namespace_ nsp_;\n    std::uint64_t tick_;\n};\n\n";
    }
}

struct route_table {
    std::uint32_t seed = 0;
    unsigned bits = 1;
    std::vector<std::size_t> slots; // event index, or npos
};

constexpr std::size_t no_route = static_cast<std::size_t>(-1);

/// Searches for a seed under which every name gets its own slot among the smallest
/// power-of-two table of at least 2 x count slots (growing the table if no seed fits).
route_table find_route_table(const std::vector<std::string>& names)
{
    route_table t;
    while ((std::size_t{1} << t.bits) < 2 * names.size())
        ++t.bits;
    for (; t.bits <= 24; ++t.bits) {
        for (std::uint32_t seed = 0; seed < 100000; ++seed) {
            t.seed = seed;
            t.slots.assign(std::size_t{1} << t.bits, no_route);
            bool ok = true;
            for (std::size_t i = 0; ok && i < names.size(); ++i) {
                std::size_t s = ::sb_rtdl::route_slot(seed, t.bits, names[i]);
                ok = t.slots[s] == no_route;
                t.slots[s] = i;
            }
            if (ok)
                return t;
        }
    }
    return t; // not reachable for distinct names in practice; the static_assert would fail
}

void emit_route_table(const model::namespace_decl& ns, std::string& h)
{
    std::vector<std::string> names;
    for (auto& e : ns.on_events)
        names.push_back(e.wire_name);
    route_table t = find_route_table(names);
    std::string n = std::to_string(names.size());
    h += "/** Route table of \"" + ns.path + "\": a perfect hash over the `on` event names, whose seed\n"
         "    rtdlc found by search. Index i is `names[i]`, in declaration order.\n*/\n";
    h += "namespace " + ns.name + "_routes {\n\n";
    h += "inline constexpr std::size_t npos = ::sb_rtdl::route_npos;\n";
    h += "inline constexpr std::size_t count = " + n + ";\n";
    h += "inline constexpr std::array<std::string_view, " + n + "> names{";
    if (!names.empty()) {
        h += "{\n";
        for (auto& name : names)
            h += "    " + literal(name) + ",\n";
        h += "}";
    }
    h += "};\n";
    h += "inline constexpr std::uint32_t seed = " + std::to_string(t.seed) + "u;\n";
    h += "inline constexpr unsigned bits = " + std::to_string(t.bits) + ";\n";
    h += "inline constexpr std::array<std::size_t, " + std::to_string(t.slots.size()) + "> slots{{";
    for (std::size_t i = 0; i < t.slots.size(); ++i)
        h += (i ? ", " : "") + (t.slots[i] == no_route ? std::string("npos") : std::to_string(t.slots[i]));
    h += "}};\n";
    h += "static_assert(::sb_rtdl::route_table_ok(names, slots, seed, bits),\n"
         "              \"rtdlc bug: route table hash has a collision\");\n\n";
    h += "/// The index of the `on` event `name`, or `npos` (exact match only).\n";
    h += "constexpr std::size_t lookup(std::string_view name) noexcept\n{\n"
         "    return ::sb_rtdl::route_lookup(names, slots, seed, bits, name);\n}\n";
    for (std::size_t i = 0; i < names.size(); ++i)
        h += "static_assert(lookup(" + literal(names[i]) + ") == " + std::to_string(i) + ");\n";
    h += "\n} // namespace " + ns.name + "_routes\n\n";
}

void emit_service_class(const model::namespace_decl& ns, std::string& h)
{
    std::string ctx = ns.name + "_context";
    h += doc_comment(ns.doc);
    h += "/** Implement this for namespace \"" + ns.path + "\": one pure virtual per `on` event, per\n"
         "    `join = handler` room, per `tick` room and per middleware, so a missing one is a compile\n"
         "    error. Handlers run on the connection's shard; an ACK deadline (`timeout`) cancels the\n"
         "    handler at its next `co_await` and answers `timeout`.\n*/\n";
    h += "class " + ns.name + "_service {\npublic:\n    virtual ~" + ns.name + "_service() = default;\n\n";
    for (auto& e : ns.on_events) {
        std::string doc = e.doc;
        doc += std::string(doc.empty() ? "" : "\n") + "on `" + e.wire_name + "`";
        if (e.timeout)
            doc += "; timeout " + std::to_string(e.timeout->count()) + " ms";
        if (e.rate) {
            std::uint64_t burst = e.rate->burst ? e.rate->burst : e.rate->count;
            doc += "; rate " + std::to_string(e.rate->count) + "/" + std::to_string(e.rate->per.count()) +
                   "s burst " + std::to_string(burst) + " per " + std::string(model::to_string(e.rate->scope));
        }
        for (auto& c : e.required_claims)
            doc += "; @requires(\"" + c + "\")";
        h += doc_comment(doc, "    ");
        std::string ret = e.reply ? "::sb::task<::sb_rtdl::result<" + type_name(*e.reply) + ">>" : "::sb::task<void>";
        h += "    " + deprecated_attr(e.deprecated) + "virtual " + ret + " on_" + e.name + "(" + ctx + "& ctx" +
             (e.payload ? ", " + type_name(*e.payload) + " msg" : "") + ") = 0;\n";
    }
    for (auto& r : ns.rooms) {
        if (r.settings.join == model::join_policy::handler) {
            h += "\n    /// Room `" + r.name + "` (join = handler): may this connection join `room`? Runs after\n"
                 "    /// the `@requires` check and before `max_members` and the join middleware.\n";
            h += "    virtual ::sb::task<::sb_rtdl::join_decision> on_join_" + r.name + "(" + ctx + "& ctx, const " +
                 r.name + "_room& room) = 0;\n";
        }
        if (r.settings.tick) {
            h += "\n    /// Room `" + r.name + "`: every " + std::to_string(r.settings.tick->count()) +
                 " ms while the room has members, on one shard (ticks of one room never overlap).\n";
            h += "    virtual ::sb::task<void> on_tick_" + r.name + "(" + r.name + "_tick_context& room) = 0;\n";
        }
    }
    for (auto& m : ns.middleware) {
        std::string phases;
        for (auto p : m.phases)
            phases += (phases.empty() ? "" : ", ") + std::string(model::to_string(p));
        std::string doc = m.doc + std::string(m.doc.empty() ? "" : "\n") + "middleware on " + phases +
                          ": a refusal stops what it was called for (connect: CONNECT_ERROR; join, event: a NACK;\n"
                          "emit: the emit is not sent; disconnect: ignored). `ev.phase` says which.";
        h += "\n" + doc_comment(doc, "    ");
        h += "    " + deprecated_attr(m.deprecated) + "virtual ::sb::task<::sb_rtdl::verdict> " + m.name + "(" + ctx +
             "& ctx, const ::sb_rtdl::lifecycle_event& ev) = 0;\n";
    }
    h += "};\n\n";
    h += "/// The Socket.IO namespace of `" + ns.name + "_service`.\n";
    h += "inline constexpr std::string_view " + ns.name + "_path = " + literal(ns.path) + ";\n\n";
    h += "/** Registers namespace \"" + ns.path + "\" on `server` (call before `server.start()`). One\n"
         "    catch-all route looks each event up in `" + ns.name + "_routes` and checks, in order: `rate`\n"
         "    (`rate_limited`), `@requires` (`forbidden`), event middleware, the payload (`bad_payload`\n"
         "    with a JSON pointer), then runs the handler under its `timeout` (`timeout`). An unknown\n"
         "    event is answered `unknown_event`; `[\"$join\", key]` and `[\"$leave\", key]` apply the\n"
         "    room's join policy. Failures without an ack id are dropped and counted in the returned\n"
         "    stats. Sets the namespace's `use` (when there is connect middleware), `on_connection`,\n"
         "    `on_any` and (with disconnect middleware) `on_disconnecting`.\n*/\n";
    h += "std::shared_ptr<const ::sb_rtdl::dispatch_stats> mount(::sb::server& server, std::shared_ptr<" + ns.name +
         "_service> service);\n\n";
    h += "/** Writes the connection-wide settings \"" + ns.path + "\" wrote (`heartbeat`, `idle_timeout`,\n"
         "    `max_payload`, `send_buffer`) into `options.engine`: they belong to the Engine.IO\n"
         "    session that every namespace of a connection shares. Call it before constructing the\n"
         "    server; `mount()` refuses a server whose options disagree. */\n";
    h += "void configure_" + ns.name + "(::sb::server_options& options);\n\n";
}

} // namespace

void emit_service(const model::namespace_decl& ns, const model::module& m, std::string& h, source_text& out)
{
    std::string& s = out.main;
    // Reply decoders (emits with `->`), used by the context and the room handles.
    std::string decoders;
    for (auto& e : ns.emit_events) {
        if (!e.reply)
            continue;
        decoders += "[[maybe_unused]] ::sb_rtdl::decode_status reply_decoder_" + ns.name + "_" + e.name + "(std::string_view text, " +
                    type_name(*e.reply) + "& out)\n{\n";
        decoders += "    return ::sb_rtdl::wire::decode_text(text, [&](simdjson::ondemand::value v, "
                    "::sb_rtdl::decode_context& cx) -> bool {\n";
        decoders += decode_statements(*e.reply, "out", "v", "        ");
        decoders += "        return true;\n    });\n}\n\n";
    }

    h += open_namespace(m);
    h += "// ---- namespace " + ns.name + " at \"" + ns.path + "\" ----\n\n";
    // What every file's code may use of this namespace: its runtime, the shared functions.
    out.prologue += open_namespace(m);
    emit_runtime(ns, out.prologue);
    out.prologue += close_namespace(m);
    s += open_namespace(m);
    if (!decoders.empty())
        s += "namespace {\n\n" + decoders + "} // namespace\n\n";
    emit_rooms(ns, h, s);
    emit_handles(ns, h, s);
    emit_route_table(ns, h);
    h += "class " + ns.name + "_service;\nstruct " + ns.name + "_runtime;\n\n";
    emit_handshake(ns, s);
    emit_context(ns, h, s);
    emit_service_class(ns, h);
    emit_dispatch(ns, m, out);
    s += "void configure_" + ns.name + "(::sb::server_options& options)\n{\n    ::sb_rtdl::apply_settings(options, " +
         connection_settings_expr(ns) + ");\n}\n\n";
    h += close_namespace(m);
    s += close_namespace(m);
}

} // namespace rtdl::cpp
