// Per namespace: the dispatch that enforces the contract at run time. One catch-all
// route per namespace looks events up in the perfect-hash route table and checks, in
// order, `rate`, `@requires`, `middleware … on event`, then decodes and runs the handler
// under its `timeout`. Also: the room join policies (client `$join`/`$leave` and
// `try_join`), room ticks, and the connect/disconnect/emit middleware phases.
#include "emit_cpp_detail.hpp"

#include <chrono>
#include <string>

namespace rtdl::cpp {
namespace {

std::string ms(std::chrono::milliseconds d)
{
    return "std::chrono::milliseconds{" + std::to_string(d.count()) + "}";
}

/// The middleware declared for `p`, in declaration order.
std::vector<const model::middleware*> hooks(const model::namespace_decl& ns, model::phase p)
{
    std::vector<const model::middleware*> out;
    for (auto& m : ns.middleware) {
        for (auto x : m.phases) {
            if (x == p) {
                out.push_back(&m);
                break;
            }
        }
    }
    return out;
}

/// Whether `transports` leaves out any of the three (then the dispatch checks).
bool restricts_transports(const model::namespace_decl& ns)
{
    return !(ns.settings.has(model::transport::ws) && ns.settings.has(model::transport::sse) &&
             ns.settings.has(model::transport::polling));
}

/// The runtime's names for a contract transport (`sb::socket::transport()`).
std::vector<std::string> runtime_names(model::transport t)
{
    switch (t) {
    case model::transport::ws: return {"websocket"};
    case model::transport::sse: return {"sse", "eventsource"};
    case model::transport::polling: return {"polling"};
    }
    return {};
}

/// The allowed transports as a client names them ("websocket", "polling", "sse"),
/// joined by `sep` and each passed through `quote`.
std::string allowed_transports(const model::namespace_decl& ns, std::string_view sep,
                               std::string (*quote)(std::string_view))
{
    std::string out;
    for (auto t : ns.settings.transports)
        out += (out.empty() ? "" : std::string(sep)) + quote(runtime_names(t).front());
    return out;
}

std::string transports_json(const model::namespace_decl& ns)
{
    return "::boost::json::array{" + allowed_transports(ns, ", ", literal) + "}";
}

std::string transport_refusal(const model::namespace_decl& ns)
{
    auto plain = [](std::string_view x) { return std::string(x); };
    return "namespace " + ns.path + " takes " + allowed_transports(ns, ", ", plain) + " only";
}

/// `static bool <ns>_transport_allowed(std::string_view)`, when `transports` restricts.
std::string transport_allowed_function(const model::namespace_decl& ns)
{
    if (!restricts_transports(ns))
        return "";
    std::string s = "bool " + ns.name + "_transport_allowed(std::string_view t) noexcept\n{\n    return false";
    for (auto t : ns.settings.transports)
        for (auto& n : runtime_names(t))
            s += " || t == " + literal(n);
    return s + ";\n}\n\n";
}

/// mount(): refuse a server whose options cannot honour the contract's connection-wide
/// settings (they belong to the Engine.IO session, not to one namespace).
std::string connection_settings_check(const model::namespace_decl& ns)
{
    return "    ::sb_rtdl::require_settings(server.options(), " + literal(ns.path) + ", " +
           literal("configure_" + ns.name) + ", " + connection_settings_expr(ns) + ");\n";
}

const char* phase_expr(model::phase p)
{
    switch (p) {
    case model::phase::connect: return "::sb_rtdl::phase::connect";
    case model::phase::join: return "::sb_rtdl::phase::join";
    case model::phase::event: return "::sb_rtdl::phase::event";
    case model::phase::emit: return "::sb_rtdl::phase::emit";
    case model::phase::disconnect: return "::sb_rtdl::phase::disconnect";
    }
    return "::sb_rtdl::phase::connect";
}

/// Statements calling every hook of phase `p` in order; a refusal runs `on_refuse`
/// (with `v`, the verdict, in scope). `ctx` and `rt` must be in scope.
std::string hook_calls(const model::namespace_decl& ns, model::phase p, const std::string& name_expr,
                       const std::string& on_refuse, const std::string& indent)
{
    // `on_refuse` is written as if `indent` were empty: shift it to the real depth.
    std::string refuse;
    const std::string& extra = indent;
    for (std::size_t at = 0; at < on_refuse.size();) {
        std::size_t nl = on_refuse.find('\n', at);
        if (nl == std::string::npos)
            nl = on_refuse.size() - 1;
        refuse += extra + on_refuse.substr(at, nl + 1 - at);
        at = nl + 1;
    }
    std::string s;
    for (auto* m : hooks(ns, p)) {
        s += indent + "{\n";
        s += indent + "    const ::sb_rtdl::lifecycle_event le{" + phase_expr(p) + ", " + name_expr + "};\n";
        s += indent + "    ::sb_rtdl::verdict v = co_await rt->svc->" + m->name + "(ctx, le);\n";
        s += indent + "    if (!v) {\n" + refuse + indent + "    }\n";
        s += indent + "}\n";
    }
    return s;
}

std::string rate_text(const model::rate_limit& r)
{
    std::uint64_t burst = r.burst ? r.burst : r.count;
    return std::to_string(r.count) + " per " + std::to_string(r.per.count()) + " s (burst " + std::to_string(burst) +
           ", per " + std::string(model::to_string(r.scope)) + ")";
}

/// Rooms in the order a key is matched: exact patterns first (they shadow
/// parameterised ones, E0403), then the rest in declaration order.
std::vector<const model::room*> match_order(const model::namespace_decl& ns)
{
    std::vector<const model::room*> out;
    for (auto& r : ns.rooms) {
        if (r.exact())
            out.push_back(&r);
    }
    for (auto& r : ns.rooms) {
        if (!r.exact())
            out.push_back(&r);
    }
    return out;
}

} // namespace

void emit_runtime(const model::namespace_decl& ns, std::string& s)
{
    std::string rt = ns.name + "_runtime";
    s += "/// What `mount()` shares with every handler of \"" + ns.path + "\".\n";
    s += "struct " + rt + " {\n";
    s += "    " + rt + "(std::shared_ptr<" + ns.name + "_service> s, ::sb::namespace_ n) : svc(std::move(s)), nsp(n) {}\n";
    s += "    std::shared_ptr<" + ns.name + "_service> svc;\n";
    s += "    ::sb::namespace_ nsp;\n";
    s += "    std::shared_ptr<::sb_rtdl::dispatch_stats> stats = std::make_shared<::sb_rtdl::dispatch_stats>();\n";
    s += "    /// `rate … per user|ip`: one set of buckets per `on` event.\n";
    s += "    std::array<::sb_rtdl::shared_buckets, " + ns.name + "_routes::count> shared;\n";
    s += "    ::sb_rtdl::tick_registry ticks;\n};\n\n";
    s += "void " + ns.name + "_note_join(const std::shared_ptr<" + rt +
         ">& rt, const std::string& key, const ::boost::asio::any_io_executor& ex);\n";
    if (!hooks(ns, model::phase::emit).empty())
        s += "::sb::task<void> " + ns.name + "_emit_checked(std::shared_ptr<" + rt + "> rt, " + ns.name +
             "_context ctx, std::string event, ::sb::payload args, ::sb::emit_options opts,\n"
             "                  std::optional<::sb::broadcast_operator> via);\n";
    s += "\n";
}

void emit_try_join(const model::namespace_decl& ns, const model::room& r, std::string& s)
{
    std::string ctx = ns.name + "_context";
    std::string cls = r.name + "_room";
    s += "::sb::task<::sb_rtdl::join_result> " + ctx + "::try_join(" + cls + " room) const\n{\n";
    if (r.settings.join == model::join_policy::server) {
        s += "    (void)room;\n";
        s += "    co_return ::sb_rtdl::verdict::refuse(\"room '" + r.name + "' is joined by the server only\");\n}\n\n";
        return;
    }
    s += "    std::string key = room.key();\n";
    for (auto& c : r.required_claims)
        s += "    if (!has_claim(" + literal(c) + "))\n        co_return ::sb_rtdl::verdict::refuse(" +
             literal("joining requires the claim \"" + c + "\"") + ");\n";
    if (r.settings.join == model::join_policy::authenticated)
        s += "    if (user_id().empty())\n        co_return ::sb_rtdl::verdict::refuse(\"sign in to join\");\n";
    s += "    if (in_room(room))\n        co_return ::sb_rtdl::verdict::allow();\n";
    auto joins = hooks(ns, model::phase::join);
    if (r.settings.join == model::join_policy::handler || !joins.empty()) {
        s += "    if (!rt_)\n        co_return ::sb_rtdl::verdict::refuse(\"not mounted\", \"internal\");\n";
        s += "    " + ctx + " ctx = *this;\n    auto& rt = rt_;\n";
    }
    if (r.settings.join == model::join_policy::handler) {
        s += "    {\n        ::sb_rtdl::join_decision d = co_await rt->svc->on_join_" + r.name + "(ctx, room);\n";
        s += "        if (!d)\n            co_return d;\n    }\n";
    }
    s += hook_calls(ns, model::phase::join, "key", "        co_return v;\n", "    ");
    if (r.settings.max_members)
        s += "    if (co_await nsp_.room_size(key) >= " + std::to_string(*r.settings.max_members) +
             "u)\n        co_return ::sb_rtdl::verdict::refuse(\"room is full\", \"room_full\");\n";
    s += "    join(room);\n    co_return ::sb_rtdl::verdict::allow();\n}\n\n";
}

/// The coroutine of the `on` event `i`: rate, claims and middleware checks, the decode,
/// the handler (under its `timeout`) and the reply. A unit of its own (external linkage):
/// `<ns>_dispatch` calls it from the first file.
void emit_on_event(const model::namespace_decl& ns, std::size_t i, std::string& s)
{
    std::string ctx = ns.name + "_context";
    std::string rt_t = "std::shared_ptr<" + ns.name + "_runtime>";
    std::string routes = ns.name + "_routes";
    auto& e = ns.on_events[i];
    s += "::sb::task<::sb::reply> " + ns.name + "_on_" + e.name + "(" + rt_t +
         " rt, ::sb::socket_ptr socket, ::sb::event ev)\n{\n";
    s += "    [[maybe_unused]] auto& st = ::sb_rtdl::state_of(*socket, " + routes + "::count);\n";
    if (e.rate) {
        auto& r = *e.rate;
        std::uint64_t burst = r.burst ? r.burst : r.count;
        std::string per_ms = std::to_string(r.count) + ".0 / " + std::to_string(r.per.count() * 1000) + ".0";
        std::string args = per_ms + ", " + std::to_string(burst) + ".0";
        std::string take;
        if (r.scope == model::rate_scope::connection)
            take = "st.buckets[" + std::to_string(i) + "].take(" + args + ", std::chrono::steady_clock::now())";
        else {
            if (r.scope == model::rate_scope::user)
                s += "    const std::string rate_key = st.user.empty() ? \"ip:\" + socket->remote_address() : \"user:\" "
                     "+ st.user;\n";
            else
                s += "    const std::string& rate_key = socket->remote_address();\n";
            take = "rt->shared[" + std::to_string(i) + "].take(rate_key, " + args + ")";
        }
        s += "    if (!" + take + ") {\n";
        s += "        rt->stats->rate_limited.fetch_add(1, std::memory_order_relaxed);\n";
        s += "        co_return ::sb_rtdl::nack(\"rate_limited\", " +
             literal("'" + e.wire_name + "' is limited to " + rate_text(r)) + ");\n    }\n";
    }
    for (auto& c : e.required_claims) {
        s += "    if (!st.has_claim(" + literal(c) + ")) {\n";
        s += "        rt->stats->forbidden.fetch_add(1, std::memory_order_relaxed);\n";
        s += "        co_return ::sb_rtdl::nack(\"forbidden\", " +
             literal("'" + e.wire_name + "' requires the claim \"" + c + "\"") + ");\n    }\n";
    }
    s += "    " + ctx + " ctx{socket, rt->nsp, rt};\n";
    s += hook_calls(ns, model::phase::event, literal(e.wire_name),
                    "        rt->stats->forbidden.fetch_add(1, std::memory_order_relaxed);\n"
                    "        co_return ::sb_rtdl::nack(v.wire_code(), std::move(v.message));\n",
                    "    ");
    if (e.payload) {
        s += "    " + type_name(*e.payload) + " msg{};\n";
        s += "    auto problem = ::sb_rtdl::wire::decode_event_arg(ev.raw(), [&](simdjson::ondemand::value v, "
             "::sb_rtdl::decode_context& cx) -> bool {\n";
        s += decode_statements(*e.payload, "msg", "v", "        ");
        s += "        return true;\n    });\n";
        s += "    if (problem) {\n        rt->stats->bad_payload.fetch_add(1, std::memory_order_relaxed);\n";
        s += "        co_return ::sb_rtdl::nack(\"bad_payload\", std::move(problem->message), "
             "std::move(problem->pointer));\n    }\n";
    }
    else
        s += "    (void)ev;\n";
    std::string call = "rt->svc->on_" + e.name + "(ctx" + (e.payload ? ", std::move(msg)" : "") + ")";
    s += "    try {\n";
    if (e.timeout) {
        s += "        using namespace ::boost::asio::experimental::awaitable_operators;\n";
        s += "        ::boost::asio::steady_timer deadline{co_await ::boost::asio::this_coro::executor, " +
             ms(*e.timeout) + "};\n";
        s += "        auto r = co_await (" + call + " || deadline.async_wait(::boost::asio::use_awaitable));\n";
        s += "        if (r.index() == 1) {\n";
        s += "            rt->stats->timeout.fetch_add(1, std::memory_order_relaxed);\n";
        s += "            co_return ::sb_rtdl::nack(\"timeout\", \"handler did not finish within " +
             std::to_string(e.timeout->count()) + " ms\");\n        }\n";
        if (e.reply)
            s += "        auto& res = std::get<0>(r);\n";
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
    s += "        co_return ::sb_rtdl::nack(\"internal\", e.what());\n    }\n";
    s += "    catch (const std::exception& e) {\n        co_return ::sb_rtdl::nack(\"internal\", e.what());\n    }\n";
    s += "}\n\n";
}

/// The dispatch functions and mount() (source only; after the context's members).
void emit_dispatch(const model::namespace_decl& ns, const model::module& m, source_text& out)
{
    std::string& s = out.main;
    std::string ctx = ns.name + "_context";
    std::string svc = ns.name + "_service";
    std::string rt_t = "std::shared_ptr<" + ns.name + "_runtime>";
    std::string routes = ns.name + "_routes";
    // External linkage throughout (no anonymous namespace): the `on` event coroutines may
    // sit in another file. The names are the contract's own (E0107 claims them).
    s += transport_allowed_function(ns);

    // ---- ticks
    for (auto& r : ns.rooms) {
        if (!r.settings.tick)
            continue;
        std::string tc = r.name + "_tick_context";
        s += "::sb::task<void> " + ns.name + "_tick_" + r.name + "(" + rt_t + " rt, " + r.name + "_room room)\n{\n";
        s += "    const std::string key = room.key();\n";
        s += "    ::boost::asio::steady_timer timer{co_await ::boost::asio::this_coro::executor};\n";
        s += "    auto next = std::chrono::steady_clock::now();\n";
        s += "    for (std::uint64_t n = 0;; ++n) {\n";
        s += "        next += " + ms(*r.settings.tick) + ";\n        timer.expires_at(next);\n";
        s += "        auto [ec] = co_await timer.async_wait(::boost::asio::as_tuple(::boost::asio::use_awaitable));\n";
        s += "        if (ec)\n            break;\n";
        s += "        const std::uint64_t epoch = rt->ticks.epoch(key);\n";
        s += "        if (co_await rt->nsp.room_size(key) == 0) {\n";
        s += "            if (rt->ticks.finish(key, epoch))\n                co_return;\n            continue;\n        }\n";
        s += "        " + tc + " tc{room, rt->nsp, n};\n";
        s += "        try {\n            co_await rt->svc->on_tick_" + r.name + "(tc);\n        }\n";
        s += "        catch (const std::exception& e) {\n            std::cerr << \"rtdl: on_tick_" + r.name +
             "(\" << key << \") threw: \" << e.what() << '\\n';\n        }\n";
        s += "    }\n    rt->ticks.finish(key, rt->ticks.epoch(key));\n}\n\n";
    }
    s += "void " + ns.name + "_note_join(const " + rt_t +
         "& rt, const std::string& key, const ::boost::asio::any_io_executor& ex)\n{\n";
    bool any_tick = false;
    for (auto& r : ns.rooms)
        any_tick = any_tick || r.settings.tick.has_value();
    for (auto* r : match_order(ns)) {
        if (!any_tick)
            break;
        if (r->settings.tick) {
            s += "    if (auto room = " + r->name + "_room::parse(key)) {\n";
            s += "        if (rt->ticks.demand(key))\n            ::boost::asio::co_spawn(ex, " + ns.name + "_tick_" +
                 r->name + "(rt, std::move(*room)), ::boost::asio::detached);\n        return;\n    }\n";
        }
        else // an exact room can shadow a parameterised tick room: a match ends the search
            s += "    if (" + r->name + "_room::parse(key))\n        return;\n";
    }
    s += "    (void)rt;\n    (void)key;\n    (void)ex;\n}\n\n";

    // ---- emit-phase middleware
    if (!hooks(ns, model::phase::emit).empty()) {
        s += "::sb::task<void> " + ns.name + "_emit_checked(" + rt_t + " rt, " + ctx +
             " ctx, std::string event, ::sb::payload args, ::sb::emit_options opts,\n"
             "                  std::optional<::sb::broadcast_operator> via)\n{\n";
        s += hook_calls(ns, model::phase::emit, "event", "        co_return;\n", "    ");
        s += "    if (!via)\n        ctx.socket().emit(event, std::move(args), opts);\n"
             "    else if (ctx.socket().connected())\n        via->emit(event, std::move(args));\n}\n\n";
    }

    // ---- one function per `on` event
    for (std::size_t i = 0; i < ns.on_events.size(); ++i) {
        const auto& e = ns.on_events[i];
        s += "::sb::task<::sb::reply> " + ns.name + "_on_" + e.name + "(" + rt_t +
             " rt, ::sb::socket_ptr socket, ::sb::event ev);\n";
        std::string unit = open_namespace(m);
        emit_on_event(ns, i, unit);
        out.units.push_back({unit + close_namespace(m), 5});
    }
    s += "\n";

    // ---- `$join` / `$leave`: one coroutine per room awaits the join; the request itself
    // is a plain function.
    for (auto* r : match_order(ns)) {
        if (r->settings.join == model::join_policy::server)
            continue;
        s += "::sb::task<::sb::reply> " + ns.name + "_join_" + r->name + "(" + rt_t + " rt, " + ctx + " ctx, " +
             r->name + "_room room, std::string key)\n{\n";
        s += "    ::sb_rtdl::join_result jr = co_await ctx.try_join(std::move(room));\n";
        s += "    co_return ::sb_rtdl::room_answer(key, jr, *rt->stats);\n}\n\n";
    }
    s += "::sb::task<::sb::reply> " + ns.name + "_room_request(" + rt_t +
         " rt, ::sb::socket_ptr socket, ::sb::event ev, bool joining)\n{\n";
    s += "    const auto& args = ev.args();\n";
    s += "    if (args.empty() || !args[0].is_string())\n";
    s += "        return ::sb_rtdl::ready(::sb_rtdl::nack(\"bad_payload\", \"expected the room key as a string\"));\n";
    s += "    std::string key(args[0].as_string());\n";
    s += "    " + ctx + " ctx{socket, rt->nsp, rt};\n";
    for (auto* r : match_order(ns)) {
        s += "    if (auto room = " + r->name + "_room::parse(key)) {\n";
        if (r->settings.join == model::join_policy::server) {
            s += "        (void)room;\n";
            s += "        auto why = ::sb_rtdl::verdict::refuse(joining ? \"room '" + r->name +
                 "' is joined by the server only\" : \"room '" + r->name + "' is left by the server only\");\n";
            s += "        return ::sb_rtdl::ready(::sb_rtdl::room_answer(key, why, *rt->stats));\n";
        }
        else {
            s += "        if (joining)\n            return " + ns.name + "_join_" + r->name +
                 "(rt, std::move(ctx), std::move(*room), std::move(key));\n";
            s += "        ctx.leave(*room);\n";
            s += "        return ::sb_rtdl::ready(::sb_rtdl::room_answer(key, ::sb_rtdl::verdict::allow(), *rt->stats));\n";
        }
        s += "    }\n";
    }
    s += "    (void)joining;\n";
    s += "    rt->stats->joins_refused.fetch_add(1, std::memory_order_relaxed);\n";
    s += "    return ::sb_rtdl::ready(::sb_rtdl::nack(\"unknown_room\", \"no room of " + ns.path +
         " matches '\" + key + \"'\"));\n}\n\n";

    // ---- the catch-all route: a plain function handing over the awaitable (no frame of its
    // own; GCC 12 also warns falsely about a frame that awaits many coroutines).
    s += "::sb::task<::sb::reply> " + ns.name + "_dispatch(" + rt_t + " rt, ::sb::socket_ptr socket, ::sb::event ev)\n{\n";
    s += "    rt->stats->events.fetch_add(1, std::memory_order_relaxed);\n";
    // `max_payload`: the event's JSON and attachments, before anything decodes them. The
    // connection stays: other namespaces share it, and the client learns why.
    s += "    if (::sb_rtdl::event_size(ev) > " + std::to_string(ns.settings.max_payload) + "u) {\n";
    s += "        rt->stats->payload_too_large.fetch_add(1, std::memory_order_relaxed);\n";
    s += "        return ::sb_rtdl::ready(::sb_rtdl::nack(\"payload_too_large\", \"events of " + ns.path +
         " are at most " + std::to_string(ns.settings.max_payload) + " bytes\"));\n    }\n";
    if (restricts_transports(ns)) {
        // Admitted on an allowed transport, then upgraded to one the contract does not list.
        s += "    if (!" + ns.name + "_transport_allowed(socket->transport())) {\n";
        s += "        rt->stats->transport_refused.fetch_add(1, std::memory_order_relaxed);\n";
        // After the NACK is on its way, so the client learns why before it is let go.
        s += "        ::boost::asio::post(socket->executor(), [socket] { socket->disconnect(); });\n";
        s += "        return ::sb_rtdl::ready(::sb_rtdl::nack(\"transport_not_allowed\", " +
             literal(transport_refusal(ns)) + "));\n    }\n";
    }
    s += "    switch (" + routes + "::lookup(ev.name())) {\n";
    for (std::size_t i = 0; i < ns.on_events.size(); ++i)
        s += "    case " + std::to_string(i) + ":\n        return " + ns.name + "_on_" + ns.on_events[i].name +
             "(std::move(rt), std::move(socket), std::move(ev));\n";
    s += "    default:\n        break;\n    }\n";
    s += "    if (ev.name() == \"$join\" || ev.name() == \"$leave\") {\n";
    s += "        const bool joining = ev.name() == \"$join\";\n";
    s += "        return " + ns.name + "_room_request(std::move(rt), std::move(socket), std::move(ev), joining);\n    }\n";
    s += "    rt->stats->unknown_event.fetch_add(1, std::memory_order_relaxed);\n";
    s += "    return ::sb_rtdl::ready(::sb_rtdl::nack(\"unknown_event\", \"no event '\" + ev.name() + \"' in " + ns.path +
         "\"));\n}\n\n";

    // ---- connect, connection, disconnect
    auto connects = hooks(ns, model::phase::connect);
    const bool connect_check = !connects.empty() || restricts_transports(ns);
    if (connect_check) {
        s += "::sb::task<std::optional<::sb::connect_error>> " + ns.name + "_connect(" + rt_t +
             " rt, ::sb::socket_ptr socket)\n{\n";
        if (restricts_transports(ns)) {
            s += "    if (!" + ns.name + "_transport_allowed(socket->transport())) {\n";
            s += "        rt->stats->transport_refused.fetch_add(1, std::memory_order_relaxed);\n";
            s += "        co_return ::sb::connect_error{" + literal(transport_refusal(ns)) +
                 ", ::boost::json::object{{\"code\", \"transport_not_allowed\"}, {\"transports\", " +
                 transports_json(ns) + "}}};\n    }\n";
        }
        s += "    " + ctx + " ctx{socket, rt->nsp, rt};\n";
        s += hook_calls(ns, model::phase::connect, "rt->nsp.name()",
                        "        rt->stats->connects_refused.fetch_add(1, std::memory_order_relaxed);\n"
                        "        co_return ::sb::connect_error{std::move(v.message), ::boost::json::object{{\"code\", "
                        "v.wire_code()}}};\n",
                        "    ");
        // Who the user is comes from connect middleware: without any, `auth` is not enforced
        // here (dsl/README.md), even when the transport check gave this function a body.
        if (ns.settings.auth == model::auth_mode::required && !connects.empty()) {
            s += "    if (ctx.user_id().empty()) {\n";
            s += "        rt->stats->connects_refused.fetch_add(1, std::memory_order_relaxed);\n";
            s += "        co_return ::sb::connect_error{\"authentication required\", ::boost::json::object{{\"code\", "
                 "\"unauthenticated\"}}};\n    }\n";
        }
        s += "    co_return std::nullopt;\n}\n\n";
    }
    s += "::sb::task<void> " + ns.name + "_connected(" + rt_t + " rt, ::sb::socket_ptr socket)\n{\n";
    s += "    auto& st = ::sb_rtdl::state_of(*socket, " + routes + "::count);\n";
    s += "    auto pending = std::move(st.pending_joins);\n    st.pending_joins.clear();\n";
    s += "    for (auto& key : pending) {\n        socket->join(key);\n        " + ns.name +
         "_note_join(rt, key, socket->executor());\n    }\n    co_return;\n}\n\n";
    auto disconnects = hooks(ns, model::phase::disconnect);
    if (!disconnects.empty()) {
        s += "::sb::task<void> " + ns.name + "_disconnected(" + rt_t +
             " rt, ::sb::socket_ptr socket, std::string reason)\n{\n";
        s += "    " + ctx + " ctx{socket, rt->nsp, rt};\n";
        s += "    try {\n";
        s += hook_calls(ns, model::phase::disconnect, "reason", "        co_return;\n", "        ");
        s += "    }\n    catch (const std::exception& e) {\n";
        s += "        std::cerr << \"rtdl: disconnect middleware of " + ns.path + " threw: \" << e.what() << '\\n';\n";
        s += "    }\n}\n\n";
    }

    s += "std::shared_ptr<const ::sb_rtdl::dispatch_stats> mount(::sb::server& server, std::shared_ptr<" + svc +
         "> service)\n{\n";
    s += "    auto rt = std::make_shared<" + ns.name + "_runtime>(std::move(service), server.of(" + literal(ns.path) +
         "));\n";
    s += connection_settings_check(ns);
    if (connect_check)
        s += "    rt->nsp.use([rt](::sb::socket_ptr socket) { return " + ns.name + "_connect(rt, std::move(socket)); });\n";
    s += "    rt->nsp.on_connection([rt](::sb::socket_ptr socket) { return " + ns.name +
         "_connected(rt, std::move(socket)); });\n";
    s += "    rt->nsp.on_any([rt](::sb::socket_ptr socket, ::sb::event ev) {\n        return " + ns.name +
         "_dispatch(rt, std::move(socket), std::move(ev));\n    });\n";
    if (!disconnects.empty()) {
        s += "    rt->nsp.on_disconnecting([rt](::sb::socket_ptr socket, std::string_view reason) {\n";
        s += "        auto ex = socket->executor();\n";
        s += "        ::boost::asio::co_spawn(ex, " + ns.name +
             "_disconnected(rt, std::move(socket), std::string(reason)), ::boost::asio::detached);\n    });\n";
    }
    // ---- delivery: room history, connection state recovery, the plain EventSource endpoint
    for (auto& r : ns.rooms) {
        if (r.settings.history == 0)
            continue;
        std::string glob;
        for (auto& seg : r.segments)
            glob += seg.is_placeholder ? std::string("*") : seg.text;
        s += "    rt->nsp.history(" + literal(glob) + ", ::sb::history_options{.capacity = " +
             std::to_string(r.settings.history) + ", .ttl = " + ms(r.settings.history_ttl) + "});\n";
    }
    bool any_resumable = false;
    for (auto& e : ns.emit_events)
        any_resumable = any_resumable || e.resumable;
    if (any_resumable)
        s += "    rt->nsp.connection_state_recovery(); // resumable events: websocket and polling clients resume too\n";
    if (const model::type_decl* hs = ns.settings.handshake; hs && ns.settings.has(model::transport::sse)) {
        std::string t = qualified(*hs);
        std::string decode_fn = t.substr(0, t.rfind("::") + 2) + "decode";
        model::type_ref tr;
        tr.kind = model::type_kind::named;
        tr.decl = hs;
        s += "    {\n        // `handshake` + `sse`: a plain EventSource endpoint, GET " + ns.path + "/sse?<handshake>\n";
        s += "        ::sb::eventsource_options eo;\n";
        s += "        eo.heartbeat = " + ms(ns.settings.heartbeat) + ";\n";
        s += "        eo.handshake = [](const ::boost::json::object& query,\n"
             "                          ::boost::json::object& handshake) -> std::optional<::sb::connect_error> {\n";
        s += "            const std::string text = ::boost::json::serialize(" + handshake_json_function(ns) + "(query));\n";
        s += "            " + t + " value{};\n";
        s += "            if (auto problem = " + decode_fn + "(std::string_view(text), value))\n";
        s += "                return ::sb::connect_error{\"bad handshake: \" + problem->message,\n"
             "                                           ::boost::json::object{{\"pointer\", problem->pointer}}};\n";
        s += "            ::boost::json::value normalized = " + encode_expression(tr, "value") + ";\n";
        s += "            if (::boost::json::object* o = normalized.if_object())\n                handshake = std::move(*o);\n";
        s += "            return std::nullopt;\n        };\n";
        // Short polling (`GET /x/history?room=`) carries no identity, so it may not read
        // the history of a room that not anyone may join (`join` other than open, or
        // `@requires`): 403. Rooms without history answer 404 further on.
        s += "        eo.allow_history = [](std::string_view room, const ::boost::json::object&) {\n";
        s += "            (void)room;\n            return !(false";
        for (auto& r : ns.rooms)
            if (r.settings.history != 0 && (r.settings.join != model::join_policy::open || !r.required_claims.empty()))
                s += "\n                || " + r.name + "_room::parse(room).has_value()";
        s += ");\n        };\n";
        s += "        rt->nsp.eventsource(std::move(eo));\n    }\n";
    }
    s += "    return rt->stats;\n}\n\n";
}

std::string connection_settings_expr(const model::namespace_decl& ns)
{
    const auto& st = ns.settings;
    std::string out = "::sb_rtdl::connection_settings{";
    // Every field, unwritten ones as `{}` (-Wmissing-field-initializers).
    auto field = [&](const char* name, bool written, const std::string& value) {
        out += std::string(out.back() == '{' ? "" : ", ") + "." + name + " = " + (written ? value : "{}");
    };
    field("heartbeat", st.written.heartbeat, ms(st.heartbeat));
    field("idle_timeout", st.written.heartbeat || st.written.idle_timeout, ms(st.idle_timeout));
    field("max_payload", st.written.max_payload, std::to_string(st.max_payload) + "u");
    field("send_buffer", st.written.send_buffer, std::to_string(st.send_buffer) + "u");
    return out + "}";
}

} // namespace rtdl::cpp
