// Namespaces: settings, middleware and the order of the namespace checks (E0101,
// E0103, E0302, E0303, E0312, E0405, W0301). Events are in check_events.cpp, rooms in
// check_rooms.cpp.

#include "check_context.hpp"
#include "cpp_names.hpp"
#include "suggest.hpp"

#include <algorithm>
#include <array>

namespace rtdl::detail {
namespace {

/// Whether a handshake field can be read from a query string (E0312).
bool query_encodable(const model::type_ref& t)
{
    auto& base = model::strip_optional(t);
    auto simple = [](const model::type_ref& x) {
        return x.kind == model::type_kind::scalar || is_kind(x, model::decl_kind::enum_);
    };
    if (simple(base))
        return true;
    return base.kind == model::type_kind::array && simple(model::strip_aliases(base.element()));
}

} // namespace

// ---- setting values ------------------------------------------------------------------

bool checker::first_setting(std::map<std::string, span>& seen, const ast::setting& s)
{
    auto [it, inserted] = seen.emplace(s.name.text, s.where);
    if (!inserted) {
        diags_.error("E0101", s.name.where, "the setting " + quote(s.name.text) + " is given twice")
            .label("given again here")
            .secondary(it->second, "first given here")
            .help("keep one of them");
    }
    return inserted;
}

void checker::unknown_setting(const ast::setting& s, const std::vector<std::string>& here,
                              const std::vector<std::string>& elsewhere, std::string_view where,
                              std::string_view other)
{
    auto& d =
        diags_
            .error("E0405", s.name.where, quote(s.name.text) + " is not a " + std::string(where) + " setting")
            .label("unknown setting");
    if (std::find(elsewhere.begin(), elsewhere.end(), s.name.text) != elsewhere.end()) {
        d.help(quote(s.name.text) + " is a " + std::string(other) + " setting; move it there");
        return;
    }
    if (auto found = suggest(s.name.text, here); !found.empty())
        d.help(did_you_mean(found)).fix(s.name.where, found[0]);
    else
        d.help("the " + std::string(where) + " settings are " + list_words(here));
}

std::optional<std::size_t> checker::setting_word(const ast::setting& s,
                                                 const std::vector<std::string>& options)
{
    if (s.value.kind == ast::value_kind::invalid)
        return std::nullopt;
    if (s.value.kind == ast::value_kind::name && s.value.name.parts.size() == 1) {
        auto it = std::find(options.begin(), options.end(), s.value.text);
        if (it != options.end())
            return static_cast<std::size_t>(it - options.begin());
    }
    auto shown = s.value.kind == ast::value_kind::string ? "\"" + s.value.text + "\"" : s.value.text;
    auto& d =
        diags_.error("E0405", s.value.where, quote(shown) + " is not a valid value for " + quote(s.name.text))
            .label("expected " + list_words(options));
    if (auto found = suggest(s.value.text, options); !found.empty())
        d.help(did_you_mean(found)).fix(s.value.where, found[0]);
    else
        d.help("write one of: " + list_words(options, ", "));
    return std::nullopt;
}

namespace {

/// How E0405 speaks of one kind of setting value (a duration, a size).
struct unit_words {
    ast::value_kind kind;
    const char* noun;     ///< "duration"
    const char* units[2]; ///< suffixes offered for a bare integer
    const char* examples; ///< "`25s`, `250ms` or `2m`"
};

/// The value of `s` when it is a positive `w.kind` (E0405 otherwise).
std::optional<std::uint64_t> positive_setting(diagnostic_engine& diags, const ast::setting& s,
                                              const unit_words& w)
{
    if (s.value.kind == ast::value_kind::invalid)
        return std::nullopt;
    const std::string noun = w.noun;
    if (s.value.kind != w.kind) {
        auto& d = diags.error("E0405", s.value.where, quote(s.name.text) + " takes a " + noun)
                      .label("not a " + noun);
        if (s.value.kind == ast::value_kind::integer)
            d.help("give the unit: `" + s.value.text + w.units[0] + "` or `" + s.value.text + w.units[1] +
                   "`");
        else
            d.help("write a " + noun + " such as " + w.examples);
        return std::nullopt;
    }
    if (s.value.integer == 0) {
        diags.error("E0405", s.value.where, quote(s.name.text) + " cannot be zero")
            .label("zero")
            .help("use a positive " + noun);
        return std::nullopt;
    }
    return s.value.integer;
}

} // namespace

std::optional<std::chrono::milliseconds> checker::setting_duration(const ast::setting& s)
{
    static constexpr unit_words words{
        ast::value_kind::duration, "duration", {"s", "ms"}, "`25s`, `250ms` or `2m`"};
    if (auto n = positive_setting(diags_, s, words))
        return std::chrono::milliseconds{static_cast<std::int64_t>(*n)};
    return std::nullopt;
}

std::optional<std::uint64_t> checker::setting_size(const ast::setting& s)
{
    static constexpr unit_words words{ast::value_kind::size, "size", {"B", "KiB"}, "`64KiB` or `1MiB`"};
    return positive_setting(diags_, s, words);
}

std::optional<std::uint64_t> checker::setting_count(const ast::setting& s, std::uint64_t min)
{
    if (s.value.kind == ast::value_kind::invalid)
        return std::nullopt;
    if (s.value.kind != ast::value_kind::integer || s.value.integer < min) {
        diags_
            .error("E0405", s.value.where,
                   quote(s.name.text) + " takes a whole number" +
                       (min > 0 ? " of at least " + std::to_string(min) : ""))
            .label(s.value.kind == ast::value_kind::integer ? "too small" : "not a whole number")
            .help("e.g. `" + s.name.text + " = " + std::to_string(std::max<std::uint64_t>(min, 1) * 16) +
                  ";`");
        return std::nullopt;
    }
    return s.value.integer;
}

const model::type_decl* checker::setting_struct(unit& u, const ast::setting& s)
{
    if (s.value.kind == ast::value_kind::invalid)
        return nullptr;
    if (s.value.kind != ast::value_kind::name) {
        diags_.error("E0405", s.value.where, quote(s.name.text) + " takes a struct type")
            .label("not a type name")
            .help("name a struct declared in this file or an import");
        return nullptr;
    }
    auto found = lookup(u, s.value.name);
    if (found.kind == lookup_result::kind::found && found.decl->kind == model::decl_kind::struct_)
        return found.decl;
    if (found.kind == lookup_result::kind::found && found.decl->kind == model::decl_kind::alias &&
        is_kind(model::strip_aliases(found.decl->aliased), model::decl_kind::struct_))
        return model::strip_aliases(found.decl->aliased).decl;
    if (found.kind == lookup_result::kind::found || found.kind == lookup_result::kind::scalar) {
        diags_.error("E0405", s.value.where, quote(s.name.text) + " takes a struct type")
            .label(quote(s.value.text) + " is not a struct")
            .help("declare a struct with the fields and name it here");
    }
    return nullptr;
}

// ---- namespaces ------------------------------------------------------------------------

void checker::check_namespaces(unit& u)
{
    std::map<std::string, span> names, paths;
    u.module->namespaces.reserve(u.syntax.namespaces.size());
    for (auto& s : u.syntax.namespaces) {
        model::namespace_decl ns;
        ns.name = s.name.text;
        ns.path = s.path.text;
        ns.doc = s.doc;
        ns.loc = location_of(s.name.where);
        check_cpp_name(s.name, "namespace", false);
        declare_once(names, s.name, "namespace", "merge them, or rename one");
        if (s.path.where.valid()) {
            if (ns.path.empty() || ns.path[0] != '/') {
                diags_
                    .error("E0405", s.path.where,
                           "the namespace path " + quote(ns.path) + " must start with `/`")
                    .label("Socket.IO namespaces are absolute paths")
                    .help("write `at \"/" + ns.path + "\"`")
                    .fix(s.path.where, "\"/" + ns.path + "\"");
            }
            else if (auto [it, inserted] = paths.emplace(ns.path, s.path.where); !inserted) {
                diags_.error("E0101", s.path.where, "two namespaces are at " + quote(ns.path))
                    .label("second namespace at " + quote(ns.path))
                    .secondary(it->second, "first namespace at " + quote(ns.path))
                    .help("give each namespace its own path");
            }
        }
        auto info = apply_attributes(s.attributes, attr_target::namespace_, nullptr, nullptr,
                                     "the namespace " + quote(ns.name));
        ns.deprecated = info.deprecated;
        check_namespace_settings(u, s, ns);

        std::map<std::string, span> middleware;
        for (auto& m : s.middleware) {
            model::middleware mm;
            mm.name = m.name.text;
            mm.doc = m.doc;
            mm.loc = location_of(m.name.where);
            check_cpp_name(m.name, "middleware", false);
            declare_once(middleware, m.name, "middleware",
                         "declare it once and list all its phases: `middleware " + mm.name +
                             " on connect, join;`");
            mm.deprecated = apply_attributes(m.attributes, attr_target::middleware, nullptr, nullptr,
                                             "the middleware " + quote(mm.name))
                                .deprecated;
            static const std::vector<std::string> phases{"connect", "join", "event", "emit", "disconnect"};
            std::map<std::string, span> seen;
            for (auto& p : m.phases) {
                auto it = std::find(phases.begin(), phases.end(), p.text);
                if (it == phases.end()) {
                    auto& d = diags_.error("E0405", p.where, quote(p.text) + " is not a middleware phase")
                                  .label("expected " + list_words(phases));
                    if (auto found = suggest(p.text, phases); !found.empty())
                        d.help(did_you_mean(found)).fix(p.where, found[0]);
                    else
                        d.help("middleware runs on connect, join, event, emit or disconnect");
                    continue;
                }
                if (auto [at, inserted] = seen.emplace(p.text, p.where); !inserted) {
                    diags_.error("E0101", p.where, "the phase " + quote(p.text) + " is listed twice")
                        .label("listed again here")
                        .secondary(at->second, "first listed here")
                        .help("list each phase once");
                    continue;
                }
                mm.phases.push_back(static_cast<model::phase>(it - phases.begin()));
            }
            ns.middleware.push_back(std::move(mm));
        }

        check_rooms(u, s, ns);
        check_events(u, s, ns);
        u.module->namespaces.push_back(std::move(ns));
    }
}

void checker::check_namespace_settings(unit& u, const ast::namespace_decl& s, model::namespace_decl& ns)
{
    std::map<std::string, span> seen;
    const ast::setting* auth = nullptr;
    const ast::setting* heartbeat = nullptr;
    bool heartbeat_bad = false;
    const ast::setting* idle = nullptr;
    const ast::value* sse = nullptr;
    const ast::setting* handshake = nullptr;
    auto& out = ns.settings;
    for (auto& st : s.settings) {
        apply_attributes(st.attributes, attr_target::setting, nullptr, nullptr, "a setting");
        if (std::find(namespace_setting_names().begin(), namespace_setting_names().end(), st.name.text) ==
            namespace_setting_names().end()) {
            unknown_setting(st, namespace_setting_names(), room_setting_names(), "namespace", "room");
            continue;
        }
        if (!first_setting(seen, st))
            continue;
        auto& name = st.name.text;
        if (name == "auth") {
            auth = &st;
            if (auto w = setting_word(st, {"none", "optional", "required"}))
                out.auth = static_cast<model::auth_mode>(*w);
        }
        else if (name == "transports") {
            if (st.value.kind == ast::value_kind::invalid)
                continue;
            if (st.value.kind != ast::value_kind::list) {
                diags_.error("E0405", st.value.where, "`transports` takes a list")
                    .label("not a list")
                    .help("write `transports = [" + st.value.text + "];`")
                    .fix(st.value.where, "[" + st.value.text + "]");
                continue;
            }
            if (st.value.items.empty()) {
                diags_.error("E0303", st.value.where, "`transports` is empty, so no client could connect")
                    .label("no transport")
                    .help("list at least one of ws, sse and polling, e.g. `transports = [ws];`")
                    .fix(st.value.where, "[ws]");
                continue;
            }
            static const std::vector<std::string> known{"ws", "sse", "polling"};
            std::vector<model::transport> list;
            std::map<std::string, span> listed;
            for (auto& item : st.value.items) {
                auto it = std::find(known.begin(), known.end(), item.text);
                if (item.kind != ast::value_kind::name || it == known.end()) {
                    auto& d = diags_.error("E0302", item.where, quote(item.text) + " is not a transport")
                                  .label("expected ws, sse or polling");
                    std::string fix;
                    if (item.text == "websocket" || item.text == "websockets" || item.text == "wss")
                        fix = "ws";
                    else if (item.text == "eventsource" || item.text == "EventSource")
                        fix = "sse";
                    else if (item.text == "long_polling" || item.text == "longpolling" || item.text == "xhr")
                        fix = "polling";
                    else if (auto found = suggest(item.text, known); !found.empty())
                        fix = found[0];
                    if (!fix.empty())
                        d.help("did you mean `" + fix + "`?").fix(item.where, fix);
                    else
                        d.help("the transports are ws, sse and polling");
                    continue;
                }
                if (auto [at, inserted] = listed.emplace(item.text, item.where); !inserted) {
                    diags_
                        .error("E0101", item.where, "the transport " + quote(item.text) + " is listed twice")
                        .label("listed again here")
                        .secondary(at->second, "first listed here")
                        .help("list each transport once");
                    continue;
                }
                if (item.text == "sse")
                    sse = &item;
                list.push_back(static_cast<model::transport>(it - known.begin()));
            }
            if (!list.empty())
                out.transports = list;
        }
        else if (name == "heartbeat") {
            if (auto d = setting_duration(st)) {
                out.heartbeat = *d;
                out.written.heartbeat = true;
                heartbeat = &st;
            }
            else {
                heartbeat_bad = true;
            }
        }
        else if (name == "idle_timeout") {
            idle = &st;
            if (auto d = setting_duration(st)) {
                out.idle_timeout = *d;
                out.written.idle_timeout = true;
            }
        }
        else if (name == "max_payload") {
            if (auto z = setting_size(st)) {
                out.max_payload = *z;
                out.written.max_payload = true;
            }
        }
        else if (name == "send_buffer") {
            if (auto z = setting_size(st)) {
                out.send_buffer = *z;
                out.written.send_buffer = true;
            }
        }
        else if (name == "handshake") {
            out.handshake = setting_struct(u, st);
            if (!out.handshake)
                continue;
            handshake = &st;
            for (auto& f : out.handshake->fields) {
                if (f.type.kind == model::type_kind::unresolved || query_encodable(f.type))
                    continue;
                diags_
                    .error("E0312", type_spans_[&f],
                           "the handshake field " + quote(f.name) + " cannot be read from a query string")
                    .label(quote(describe(f.type)) + " is not a scalar, an enum or an array of them")
                    .secondary(st.value.where, "used as the handshake here")
                    .note("handshake fields arrive as query parameters (`?" + f.wire_name + "=…`)")
                    .help("use scalars, enums or arrays of them in the handshake struct; send richer data in "
                          "an event after connecting");
            }
        }
    }
    if (!idle)
        out.idle_timeout = 2 * out.heartbeat;
    else if (out.idle_timeout <= out.heartbeat && !heartbeat_bad) {
        auto& d = diags_.error("E0405", idle->value.where, "`idle_timeout` must be longer than the heartbeat")
                      .label("a healthy peer pings every heartbeat; it would be dropped");
        if (heartbeat)
            d.secondary(heartbeat->value.where, "heartbeat");
        d.help("use at least twice the heartbeat, or remove it (it defaults to 2 × heartbeat)");
    }
    // Only the plain EventSource endpoint (`handshake` + `sse`) has no way to carry auth:
    // Engine.IO's `sse` transport sends it in the Socket.IO CONNECT packet like the others.
    // A `token` field in the handshake is the way in the help: EventSource carries it in
    // the query, and the connect middleware verifies it. Then there is nothing to warn of.
    bool has_token = false;
    if (out.handshake) {
        for (const auto& f : out.handshake->fields)
            has_token = has_token || f.wire_name == "token";
    }
    if (out.auth == model::auth_mode::required && sse && handshake && out.handshake && !has_token) {
        auto& d = diags_
                      .warning("W0301", sse->where,
                               "`auth = required` with a plain EventSource endpoint (`sse` and a `handshake`)")
                      .label("a bare `EventSource` cannot send an `Authorization` header or a CONNECT `auth`")
                      .secondary(handshake->value.where, "this serves `GET " + ns.path + "/sse?…`");
        if (auth)
            d.secondary(auth->value.where, "authentication is required here");
        else
            d.note("`auth` defaults to `required`");
        d.help("add `token: string` to `" + out.handshake->name +
               "` (EventSource sends it in the query; verify it in a connect middleware), or set `auth = optional`");
    }
}

} // namespace rtdl::detail
