// Rooms: settings, typed key patterns, and the proof that keys split and match
// unambiguously (E0101, E0103, E0402, E0403, E0404, E0405, E0406).

#include "check_context.hpp"
#include "suggest.hpp"

#include <algorithm>
#include <bitset>
#include <deque>

namespace rtdl::detail {
namespace {

using byte_set = std::bitset<256>;

/// The bytes a placeholder's value may contain, or nothing when the type cannot be a key.
std::optional<byte_set> key_characters(const model::type_ref& t)
{
    auto& base = model::strip_aliases(t);
    byte_set set;
    if (base.kind == model::type_kind::scalar && base.scalar == model::scalar::string) {
        set.set();
        for (auto* alias : model::alias_chain(t)) {
            if (alias->constraints.charset)
                set &= alias->constraints.charset->allowed;
        }
        return set;
    }
    if (base.kind == model::type_kind::scalar && model::is_integer(base.scalar)) {
        for (char c = '0'; c <= '9'; ++c)
            set.set(static_cast<unsigned char>(c));
        if (base.scalar == model::scalar::i32 || base.scalar == model::scalar::i64)
            set.set('-');
        return set;
    }
    if (base.kind == model::type_kind::named && base.decl && base.decl->kind == model::decl_kind::enum_) {
        for (auto& e : base.decl->enumerators) {
            for (unsigned char c : e.wire_name)
                set.set(c);
        }
        return set;
    }
    return std::nullopt;
}

std::string printable(unsigned char c)
{
    if (c >= 0x20 && c < 0x7f)
        return std::string(1, static_cast<char>(c));
    const char* hex = "0123456789abcdef";
    return std::string("\\x") + hex[c >> 4] + hex[c & 15];
}

/// One step of a pattern automaton: a byte from `set`, once, or any number of times.
struct step {
    byte_set set;
    bool repeat = false;
};

/// A room pattern as a sequence of steps; a placeholder is "one or more" of its bytes
/// (a key's placeholder values are never empty).
struct automaton {
    std::vector<step> steps;
    bool usable = true;
};

/** A key both automata accept, if any: breadth-first search over pairs of positions,
    so the witness is a shortest one.
*/
std::optional<std::string> common_key(const automaton& a, const automaton& b)
{
    const std::size_t na = a.steps.size(), nb = b.steps.size();
    auto index = [&](std::size_t i, std::size_t j) { return i * (nb + 1) + j; };
    struct from {
        std::size_t prev = static_cast<std::size_t>(-1);
        int byte = -1;
        bool seen = false;
    };
    std::vector<from> visited((na + 1) * (nb + 1));
    std::deque<std::pair<std::size_t, std::size_t>> queue{{0, 0}};
    visited[index(0, 0)].seen = true;
    auto pick = [](const byte_set& s) {
        for (const char* prefer :
             {"abcdefghijklmnopqrstuvwxyz", "0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}) {
            for (const char* p = prefer; *p; ++p) {
                if (s.test(static_cast<unsigned char>(*p)))
                    return static_cast<int>(static_cast<unsigned char>(*p));
            }
        }
        for (int c = 0x21; c < 0x7f; ++c) {
            if (s.test(static_cast<std::size_t>(c)))
                return c;
        }
        for (int c = 0; c < 256; ++c) {
            if (s.test(static_cast<std::size_t>(c)))
                return c;
        }
        return -1;
    };
    while (!queue.empty()) {
        const std::size_t i = queue.front().first, j = queue.front().second;
        queue.pop_front();
        if (i == na && j == nb) {
            std::string key;
            for (std::size_t at = index(i, j); visited[at].prev != static_cast<std::size_t>(-1);
                 at = visited[at].prev) {
                if (visited[at].byte >= 0)
                    key.insert(0, printable(static_cast<unsigned char>(visited[at].byte)));
            }
            return key;
        }
        auto go = [&](std::size_t ni, std::size_t nj, int byte) {
            auto& v = visited[index(ni, nj)];
            if (v.seen)
                return;
            v = {index(i, j), byte, true};
            queue.emplace_back(ni, nj);
        };
        if (i < na && a.steps[i].repeat)
            go(i + 1, j, -1);
        if (j < nb && b.steps[j].repeat)
            go(i, j + 1, -1);
        if (i < na && j < nb) {
            int c = pick(a.steps[i].set & b.steps[j].set);
            if (c >= 0)
                go(a.steps[i].repeat ? i : i + 1, b.steps[j].repeat ? j : j + 1, c);
        }
    }
    return std::nullopt;
}

} // namespace

void checker::check_rooms(unit& u, const ast::namespace_decl& s, model::namespace_decl& ns)
{
    std::map<std::string, span> names;
    std::vector<automaton> automata;
    ns.rooms.reserve(s.rooms.size());
    for (auto& r : s.rooms) {
        model::room room;
        std::vector<span> placeholder_names;
        room.name = r.name.text;
        room.pattern = r.pattern.text;
        room.doc = r.doc;
        room.loc = location_of(r.name.where);
        check_cpp_name(r.name, "room", false);
        declare_once(names, r.name, "room", "rename one of them");
        auto info = apply_attributes(r.attributes, attr_target::room, nullptr, nullptr,
                                     "the room " + quote(room.name));
        room.required_claims = info.required_claims;
        room.deprecated = info.deprecated;
        if (info.requires_span && ns.settings.auth == model::auth_mode::none) {
            auto auth = std::find_if(s.settings.begin(), s.settings.end(),
                                     [](auto& x) { return x.name.text == "auth"; });
            auto& d = diags_
                          .error("E0406", *info.requires_span,
                                 "no client could ever join the room " + quote(room.name))
                          .label("requires a claim, but connections carry no identity");
            if (auth != s.settings.end())
                d.secondary(auth->value.where, "`auth = none` here");
            d.note(
                 "with `auth = none` no connection has claims, so every join would be refused as `forbidden`")
                .help("set `auth = optional` or `auth = required`, or remove the `@requires`");
        }

        // Settings.
        std::map<std::string, span> seen;
        for (auto& st : r.settings) {
            apply_attributes(st.attributes, attr_target::setting, nullptr, nullptr, "a setting");
            if (std::find(room_setting_names().begin(), room_setting_names().end(), st.name.text) ==
                room_setting_names().end()) {
                unknown_setting(st, room_setting_names(), namespace_setting_names(), "room", "namespace");
                continue;
            }
            if (!first_setting(seen, st))
                continue;
            auto& out = room.settings;
            auto& name = st.name.text;
            if (name == "join") {
                if (auto w = setting_word(st, {"open", "authenticated", "handler", "server"}))
                    out.join = static_cast<model::join_policy>(*w);
            }
            else if (name == "max_members") {
                out.max_members = setting_count(st, 1);
            }
            else if (name == "history") {
                out.history = setting_count(st, 0).value_or(0);
            }
            else if (name == "history_ttl") {
                if (auto d = setting_duration(st))
                    out.history_ttl = *d;
            }
            else if (name == "tick") {
                out.tick = setting_duration(st);
            }
            else if (name == "presence") {
                out.presence = setting_struct(u, st);
            }
        }

        // The pattern.
        auto pattern = parse_room_pattern(r.pattern, diags_);
        automaton a;
        a.usable = pattern.ok && r.pattern.where.valid();
        for (std::size_t k = 0; k < pattern.segments.size(); ++k) {
            auto& seg = pattern.segments[k];
            if (!seg.is_placeholder) {
                room.segments.push_back({false, seg.text, 0});
                for (unsigned char c : seg.text) {
                    byte_set one;
                    one.set(c);
                    a.steps.push_back({one, false});
                }
                continue;
            }
            model::placeholder p;
            p.name = seg.name.text;
            check_cpp_name(seg.name, "placeholder", false);
            if (seg.type) {
                auto found = lookup(u, *seg.type);
                if (found.kind == lookup_result::kind::scalar) {
                    p.type.kind = model::type_kind::scalar;
                    p.type.scalar = found.scalar;
                }
                else if (found.kind == lookup_result::kind::found) {
                    p.type.kind = model::type_kind::named;
                    p.type.decl = found.decl;
                    warn_deprecated_use(found.decl, seg.type->where, room.deprecated.has_value());
                }
            }
            else {
                p.type.kind = model::type_kind::scalar;
                p.type.scalar = model::scalar::string;
            }
            std::optional<byte_set> chars;
            if (model::strip_aliases(p.type).kind != model::type_kind::unresolved) {
                chars = key_characters(p.type);
                if (!chars) {
                    diags_
                        .error("E0404", seg.type ? seg.type->where : seg.where,
                               "the placeholder " + quote(p.name) + " has the type " +
                                   quote(describe(p.type)) + ", which a room key cannot hold")
                        .label("not a string, integer or enum")
                        .help("use a string type (ideally with `@charset`), an integer type or an enum");
                }
            }
            if (!chars) {
                a.usable = false;
                chars = byte_set{}.set();
            }
            else if (k + 1 < pattern.segments.size() && !pattern.segments[k + 1].is_placeholder) {
                // E0402: the value must not contain the text that ends it.
                auto& next = pattern.segments[k + 1];
                auto delim = static_cast<unsigned char>(next.text[0]);
                if (chars->test(delim)) {
                    span delim_span{next.where.file, next.where.begin,
                                    std::min(next.where.end, next.where.begin + 1)};
                    auto& base = model::strip_aliases(p.type);
                    auto type_name = describe(p.type);
                    auto chain = model::alias_chain(p.type);
                    auto& d = diags_
                                  .error("E0402", seg.where,
                                         "values of the placeholder " + quote(p.name) + " may contain " +
                                             quote(printable(delim)) + ", the delimiter that follows it")
                                  .label(quote(type_name) + " values may contain " + quote(printable(delim)))
                                  .secondary(delim_span, "ends " + quote(p.name))
                                  .note("keys are split at the first " + quote(printable(delim)) +
                                        " after the placeholder, so such a value would be cut short");
                    if (base.kind == model::type_kind::scalar && base.scalar == model::scalar::string &&
                        chain.empty())
                        d.help("give the placeholder a string type whose `@charset` excludes " +
                               quote(printable(delim)) +
                               ", e.g. `@charset(\"A-Za-z0-9_-\") type Key = string;` and `{" + p.name +
                               ": Key}`");
                    else if (base.kind == model::type_kind::scalar && base.scalar == model::scalar::string)
                        d.help("restrict " + quote(chain.front()->name) +
                               " with a `@charset` that excludes " + quote(printable(delim)) +
                               ", or choose another delimiter");
                    else if (base.kind == model::type_kind::scalar)
                        d.help("use an unsigned integer type, or another delimiter");
                    else
                        d.help("choose a delimiter that no enumerator of " + quote(type_name) + " contains");
                    a.usable = false;
                }
            }
            a.steps.push_back({*chars, false});
            a.steps.push_back({*chars, true});
            room.segments.push_back({true, "", room.placeholders.size()});
            room.placeholders.push_back(std::move(p));
            placeholder_names.push_back(seg.name.where);
        }
        if (pattern.segments.empty())
            a.usable = false;

        // E0403: no two rooms may match one key, except an exact room over a parameterised one.
        for (std::size_t k = 0; k < ns.rooms.size(); ++k) {
            auto& other = ns.rooms[k];
            if (!a.usable || !automata[k].usable)
                continue;
            bool both_exact = room.exact() && other.exact();
            if (!both_exact && (room.exact() || other.exact()))
                continue;
            std::optional<std::string> key =
                both_exact ? (room.pattern == other.pattern ? std::optional(room.pattern) : std::nullopt)
                           : common_key(automata[k], a);
            if (!key)
                continue;
            auto& d = diags_
                          .error("E0403", r.pattern.where,
                                 "the rooms " + quote(other.name) + " and " + quote(room.name) +
                                     " can both match the key " + quote(*key))
                          .label("matches " + quote(*key))
                          .secondary(s.rooms[k].pattern.where, "also matches it");
            if (both_exact) {
                d.help("give the rooms different keys");
            }
            else {
                d.note("an exact key may overlap one parameterised pattern (the exact room wins), but two "
                       "parameterised patterns may not");
                d.help("make their literal text differ (e.g. a distinct prefix), or restrict the placeholder "
                       "types so their values cannot overlap");
            }
        }
        automata.push_back(std::move(a));
        ns.rooms.push_back(std::move(room));
        room_spans_[&ns.rooms.back()] = r.name.where;
        placeholder_spans_[&ns.rooms.back()] = std::move(placeholder_names);
    }
}

} // namespace rtdl::detail
