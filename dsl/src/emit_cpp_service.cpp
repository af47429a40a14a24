// Per namespace: typed rooms and room handles, the connection context, the abstract
// service (one pure virtual per `on` event) and mount() over the untyped runtime API.
#include "emit_cpp_detail.hpp"

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

std::string payload_expr(const model::emit_event& e)
{
    return e.payload ? "::sb::payload{::boost::json::array{" + encode_expression(*e.payload, "msg") + "}}"
                     : "::sb::payload{}";
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
        extra += "; conflate (not enforced by this runtime yet)";
    if (e.resumable)
        extra += "; resumable (history replay not implemented yet)";
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
                s += "::sb::task<" + rt + "> " + cls + "::emit_" + e.name + "(" + payload_param(e) + ") const\n{\n";
                s += "    ::sb::payload args = " + payload_expr(e) + ";\n";
                s += "    auto r = co_await op_.timeout(" + ms(ack_timeout(e)) + ").emit_with_ack(" +
                     literal(e.wire_name) + ", std::move(args));\n";
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
                s += std::string("    op_") + (e.is_volatile ? ".volatile_()" : "") + ".emit(" +
                     literal(e.wire_name) + ", " + payload_expr(e) + ");\n}\n\n";
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
    h += "/** One connection to \"" + ns.path + "\", as the service's handlers see it.\n"
         "    Valid for the handler call it is passed to; it runs on the connection's shard.\n*/\n";
    h += "class " + ctx + " {\npublic:\n";
    h += "    " + ctx + "(::sb::socket_ptr socket, ::sb::namespace_ nsp) : socket_(std::move(socket)), nsp_(nsp) {}\n";
    h += "    ::sb::socket& socket() const noexcept { return *socket_; }\n";
    h += "    const ::sb::socket_ptr& socket_ptr() const noexcept { return socket_; }\n";
    h += "    ::sb::namespace_ nsp() const noexcept { return nsp_; }\n\n";
    for (auto& e : ns.emit_events) {
        h += doc_comment(event_doc(e.doc, e), "    ");
        if (e.reply) {
            std::string rt = "::sb_rtdl::ack_result<" + type_name(*e.reply) + ">";
            h += "    " + deprecated_attr(e.deprecated) + "::sb::task<" + rt + "> emit_" + e.name + "(" +
                 payload_param(e) + ") const;\n";
            s += "::sb::task<" + rt + "> " + ctx + "::emit_" + e.name + "(" + payload_param(e) + ") const\n{\n";
            s += "    ::sb::payload args = " + payload_expr(e) + ";\n";
            s += "    auto r = co_await socket_->emit_with_ack(" + literal(e.wire_name) + ", std::move(args), " +
                 ms(ack_timeout(e)) + ");\n";
            s += "    " + rt + " out;\n    out.ec = r.ec;\n    if (r.ec)\n        co_return out;\n";
            s += "    " + type_name(*e.reply) + " x{};\n";
            s += "    auto problem = r.reply.args.empty() ? ::sb_rtdl::decode_status{::sb_rtdl::decode_error{\"missing "
                 "reply\", \"\"}}\n                                        : reply_decoder_" +
                 ns.name + "_" + e.name + "(::boost::json::serialize(r.reply.args[0]), x);\n";
            s += "    if (problem) {\n        out.ec = ::sb::make_error_code(::sb::error::bad_payload);\n"
                 "        out.problem = std::move(problem);\n    }\n    else\n        out.value = std::move(x);\n";
            s += "    co_return out;\n}\n\n";
        }
        else {
            h += "    " + deprecated_attr(e.deprecated) + "void emit_" + e.name + "(" + payload_param(e) + ") const;\n";
            s += "void " + ctx + "::emit_" + e.name + "(" + payload_param(e) + ") const\n{\n";
            s += "    socket_->emit(" + literal(e.wire_name) + ", " + payload_expr(e) +
                 (e.is_volatile ? ", ::sb::emit_options{.is_volatile = true}" : "") + ");\n}\n\n";
        }
    }
    if (!ns.rooms.empty()) {
        h += "\n    /// Every member of a room, this connection included.\n";
        h += "    " + ns.name + "_rooms rooms() const { return " + ns.name + "_rooms{::sb::broadcast_operator{nsp_.state()}}; }\n";
        h += "    /// Every member of a room except this connection.\n";
        h += "    " + ns.name + "_rooms others() const { return " + ns.name + "_rooms{socket_->broadcast()}; }\n";
        for (auto& r : ns.rooms) {
            std::string rt = "const " + r.name + "_room& room";
            h += "    void join(" + rt + ") const { socket_->join(room.key()); }\n";
            h += "    void leave(" + rt + ") const { socket_->leave(room.key()); }\n";
            h += "    bool in_room(" + rt + ") const;\n";
            s += "bool " + ctx + "::in_room(" + rt + ") const\n{\n    auto key = room.key();\n"
                 "    for (const auto& r : socket_->rooms()) {\n        if (r == key)\n            return true;\n    }\n"
                 "    return false;\n}\n\n";
        }
    }
    h += "\nprivate:\n    ::sb::socket_ptr socket_;\n    ::sb::namespace_ nsp_;\n};\n\n";
}

/// Must match `sb_rtdl::route_hash` in the generated support code.
std::uint32_t route_hash(std::uint32_t seed, std::string_view name)
{
    std::uint32_t h = 2166136261u ^ seed;
    for (char c : name) {
        h ^= static_cast<unsigned char>(c);
        h *= 16777619u;
    }
    return h;
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
                std::size_t s = route_hash(seed, names[i]) >> (32u - t.bits);
                ok = t.slots[s] == no_route;
                t.slots[s] = i;
            }
            if (ok)
                return t;
        }
    }
    return t; // not reachable for distinct names in practice; the static_assert would fail
}

/// Generic lookup and verification, shared by every generated header (guarded).
constexpr std::string_view route_support = R"cpp(#ifndef SB_RTDL_SUPPORT_ROUTES_V1
#define SB_RTDL_SUPPORT_ROUTES_V1
namespace sb_rtdl {

inline constexpr std::size_t route_npos = static_cast<std::size_t>(-1);

/// 32-bit FNV-1a over `name`, with `seed` mixed into the offset basis.
constexpr std::uint32_t route_hash(std::uint32_t seed, std::string_view name) noexcept
{
    std::uint32_t h = 2166136261u ^ seed;
    for (char c : name) {
        h ^= static_cast<unsigned char>(c);
        h *= 16777619u;
    }
    return h;
}

/// The slot of `name` among 2^bits: the hash's top bits (FNV-1a's low bits follow the seed's).
constexpr std::size_t route_slot(std::uint32_t seed, unsigned bits, std::string_view name) noexcept
{
    return static_cast<std::size_t>(route_hash(seed, name) >> (32u - bits));
}

/// The index of `name` in `names`, or `route_npos`: one hash, one slot, one compare.
template <std::size_t N, std::size_t M>
constexpr std::size_t route_lookup(const std::array<std::string_view, N>& names,
                                   const std::array<std::size_t, M>& slots, std::uint32_t seed, unsigned bits,
                                   std::string_view name) noexcept
{
    const std::size_t i = slots[route_slot(seed, bits, name)];
    return (i != route_npos && names[i] == name) ? i : route_npos;
}

/// True when the table has 2^bits slots, every name sits in its own slot, and no slot
/// holds anything else.
template <std::size_t N, std::size_t M>
constexpr bool route_table_ok(const std::array<std::string_view, N>& names,
                              const std::array<std::size_t, M>& slots, std::uint32_t seed, unsigned bits) noexcept
{
    if (bits == 0 || bits > 31 || M != (std::size_t{1} << bits))
        return false;
    std::size_t filled = 0;
    for (std::size_t s : slots) {
        if (s == route_npos)
            continue;
        if (s >= names.size())
            return false;
        ++filled;
    }
    if (filled != names.size())
        return false;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (slots[route_slot(seed, bits, names[i])] != i)
            return false;
    }
    return true;
}

} // namespace sb_rtdl
#endif // SB_RTDL_SUPPORT_ROUTES_V1

)cpp";

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
    h += "/** Implement this for namespace \"" + ns.path + "\": one pure virtual per `on` event, so a\n"
         "    missing handler is a compile error. Handlers run on the connection's shard; an ACK\n"
         "    deadline (`timeout`) cancels the handler at its next `co_await` and answers `timeout`.\n*/\n";
    h += "class " + ns.name + "_service {\npublic:\n    virtual ~" + ns.name + "_service() = default;\n\n";
    for (auto& e : ns.on_events) {
        std::string doc = e.doc;
        doc += std::string(doc.empty() ? "" : "\n") + "on `" + e.wire_name + "`";
        if (e.timeout)
            doc += "; timeout " + std::to_string(e.timeout->count()) + " ms";
        if (e.rate)
            doc += "; rate " + std::to_string(e.rate->count) + "/" + std::to_string(e.rate->per.count()) +
                   "s (not enforced yet)";
        for (auto& c : e.required_claims)
            doc += "; @requires(\"" + c + "\") (not enforced yet)";
        h += doc_comment(doc, "    ");
        std::string ret = e.reply ? "::sb::task<::sb_rtdl::result<" + type_name(*e.reply) + ">>" : "::sb::task<void>";
        h += "    " + deprecated_attr(e.deprecated) + "virtual " + ret + " on_" + e.name + "(" + ctx + "& ctx" +
             (e.payload ? ", " + type_name(*e.payload) + " msg" : "") + ") = 0;\n";
    }
    h += "};\n\n";
    h += "/// The Socket.IO namespace of `" + ns.name + "_service`.\n";
    h += "inline constexpr std::string_view " + ns.name + "_path = " + literal(ns.path) + ";\n\n";
    h += "/** Registers namespace \"" + ns.path + "\" on `server`: one route per `on` event, decoding\n"
         "    each payload with the generated decoder. A payload that does not decode is answered\n"
         "    `{\"error\":{\"code\":\"bad_payload\",\"message\":..,\"pointer\":..}}` without calling the handler.\n"
         "    Call before `server.start()`.\n*/\n";
    h += "void mount(::sb::server& server, std::shared_ptr<" + ns.name + "_service> service);\n\n";
}

void emit_mount(const model::namespace_decl& ns, std::string& s)
{
    std::string ctx = ns.name + "_context";
    std::string svc = ns.name + "_service";
    s += "namespace {\n\n";
    for (auto& e : ns.on_events) {
        s += "::sb::task<::sb::reply> dispatch_" + ns.name + "_" + e.name + "(std::shared_ptr<" + svc +
             "> svc, ::sb::namespace_ nsp, ::sb::socket_ptr socket, ::sb::event ev)\n{\n";
        if (e.payload) {
            s += "    " + type_name(*e.payload) + " msg{};\n";
            s += "    auto problem = ::sb_rtdl_decode::decode_event_arg(ev.raw(), [&](simdjson::ondemand::value v, "
                 "::sb_rtdl::decode_context& cx) -> bool {\n";
            s += decode_statements(*e.payload, "msg", "v", "        ");
            s += "        return true;\n    });\n";
            s += "    if (problem)\n        co_return ::sb::reply{::sb::app_error{\"bad_payload\", "
                 "std::move(problem->message), std::move(problem->pointer)}};\n";
        }
        else
            s += "    (void)ev;\n";
        s += "    " + ctx + " ctx{std::move(socket), nsp};\n";
        std::string call = "svc->on_" + e.name + "(ctx" + (e.payload ? ", std::move(msg)" : "") + ")";
        s += "    try {\n";
        if (e.timeout) {
            s += "        using namespace ::boost::asio::experimental::awaitable_operators;\n";
            s += "        ::boost::asio::steady_timer deadline{co_await ::boost::asio::this_coro::executor, " +
                 ms(*e.timeout) + "};\n";
            s += "        auto r = co_await (" + call + " || deadline.async_wait(::boost::asio::use_awaitable));\n";
            s += "        if (r.index() == 1)\n            co_return ::sb::reply{::sb::app_error{\"timeout\", "
                 "\"handler did not finish within " +
                 std::to_string(e.timeout->count()) + " ms\"}};\n";
            if (e.reply) {
                s += "        auto& res = std::get<0>(r);\n";
            }
        }
        else if (e.reply)
            s += "        auto res = co_await " + call + ";\n";
        else
            s += "        co_await " + call + ";\n";
        if (e.reply) {
            s += "        if (!res.ok())\n            co_return ::sb::reply{res.error()};\n";
            s += "        co_return ::sb::reply{" + encode_expression(*e.reply, "res.value()") + "};\n";
        }
        else
            s += "        co_return ::sb::reply{};\n";
        s += "    }\n    catch (const ::boost::system::system_error& e) {\n";
        s += "        if (e.code() == ::boost::asio::error::operation_aborted)\n            throw;\n";
        s += "        co_return ::sb::reply{::sb::app_error{\"internal\", e.what()}};\n    }\n";
        s += "    catch (const std::exception& e) {\n        co_return ::sb::reply{::sb::app_error{\"internal\", e.what()}};\n    }\n";
        s += "}\n\n";
    }
    s += "} // namespace\n\n";
    s += "void mount(::sb::server& server, std::shared_ptr<" + svc + "> service)\n{\n";
    s += "    ::sb::namespace_ nsp = server.of(" + literal(ns.path) + ");\n";
    if (ns.on_events.empty())
        s += "    (void)service;\n";
    for (auto& e : ns.on_events) {
        s += "    nsp.on(" + literal(e.wire_name) + ", [service, nsp](::sb::socket_ptr socket, ::sb::event ev) {\n";
        s += "        return dispatch_" + ns.name + "_" + e.name + "(service, nsp, std::move(socket), std::move(ev));\n    });\n";
    }
    s += "}\n\n";
}

} // namespace

void emit_service(const model::namespace_decl& ns, const model::module& m, std::string& h, std::string& s)
{
    // Reply decoders (emits with `->`), used by the context and the room handles.
    std::string decoders;
    for (auto& e : ns.emit_events) {
        if (!e.reply)
            continue;
        decoders += "[[maybe_unused]] ::sb_rtdl::decode_status reply_decoder_" + ns.name + "_" + e.name + "(std::string_view text, " +
                    type_name(*e.reply) + "& out)\n{\n";
        decoders += "    return ::sb_rtdl_decode::decode_text(text, [&](simdjson::ondemand::value v, "
                    "::sb_rtdl::decode_context& cx) -> bool {\n";
        decoders += decode_statements(*e.reply, "out", "v", "        ");
        decoders += "        return true;\n    });\n}\n\n";
    }

    h += route_support;
    h += open_namespace(m);
    h += "// ---- namespace " + ns.name + " at \"" + ns.path + "\" ----\n\n";
    s += "#include <boost/asio/experimental/awaitable_operators.hpp>\n#include <boost/asio/steady_timer.hpp>\n"
         "#include <boost/asio/this_coro.hpp>\n#include <boost/asio/use_awaitable.hpp>\n\n";
    s += open_namespace(m);
    if (!decoders.empty())
        s += "namespace {\n\n" + decoders + "} // namespace\n\n";
    emit_rooms(ns, h, s);
    emit_handles(ns, h, s);
    emit_context(ns, h, s);
    emit_service_class(ns, h);
    emit_route_table(ns, h);
    emit_mount(ns, s);
    h += close_namespace(m);
    s += close_namespace(m);
}

} // namespace rtdl::cpp
