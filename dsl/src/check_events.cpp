// Events: names, payloads, replies and clauses (E0103, E0304–E0311, E0313, E0405,
// E0406, W0202).

#include "check_context.hpp"
#include "cpp_names.hpp"
#include "suggest.hpp"

#include <algorithm>
#include <array>

namespace rtdl::detail {

void checker::check_events(unit& u, const ast::namespace_decl& s, model::namespace_decl& ns)
{
    std::map<std::string, span> on_names, emit_names;
    for (auto& e : s.events) {
        auto info =
            apply_attributes(e.attributes, e.is_emit ? attr_target::emit_event : attr_target::on_event,
                             nullptr, nullptr, "the event " + quote(e.name.text));
        std::string wire = info.wire.value_or(e.name.text);
        span wire_span = info.wire_span.value_or(e.name.where);
        if (is_socketio_reserved_event(wire)) {
            auto& d =
                diags_
                    .error("E0103", wire_span, "the event name " + quote(wire) + " is reserved by Socket.IO")
                    .label("Socket.IO uses this name itself");
            if (info.wire)
                d.help("choose another wire name");
            else
                d.help("rename the event, e.g. `" + e.name.text + "_event`");
        }
        auto& names = e.is_emit ? emit_names : on_names;
        const char* dir = e.is_emit ? "emit" : "on";
        for (const std::string* key : std::array<const std::string*, 2>{&e.name.text, &wire}) {
            auto [it, inserted] = names.emplace(*key, key == &wire ? wire_span : e.name.where);
            if (!inserted) {
                diags_
                    .error("E0304", key == &wire ? wire_span : e.name.where,
                           std::string("two `") + dir + "` events are named " + quote(*key))
                    .label("second `" + std::string(dir) + " " + *key + "`")
                    .secondary(it->second, "first declared here")
                    .note("a name may be used once per direction; an `on` and an `emit` event may share it")
                    .help("rename one of them");
                break;
            }
            if (wire == e.name.text)
                break;
        }
        bool deprecated = info.deprecated.has_value();
        std::optional<model::type_ref> payload, reply;
        if (e.payload) {
            payload = resolve(u, *e.payload);
            check_type_use(*e.payload, *payload, deprecated);
            check_js_precision(*payload, nullptr, e.payload->where, "the payload of " + quote(e.name.text));
        }
        if (e.reply) {
            reply = resolve(u, *e.reply);
            check_type_use(*e.reply, *reply, deprecated);
            check_js_precision(*reply, nullptr, e.reply->where, "the reply of " + quote(e.name.text));
            // A NACK is `{"error": {…}}`: a reply that can look like one is ambiguous.
            auto& base = model::strip_aliases(*reply);
            std::vector<const model::type_decl*> shapes;
            if (is_kind(base, model::decl_kind::struct_))
                shapes.push_back(base.decl);
            if (is_kind(base, model::decl_kind::union_)) {
                for (auto& v : base.decl->variants) {
                    if (v.target)
                        shapes.push_back(v.target);
                }
            }
            for (auto* shape : shapes) {
                auto f = std::find_if(shape->fields.begin(), shape->fields.end(),
                                      [](auto& x) { return x.wire_name == "error"; });
                if (f != shape->fields.end()) {
                    diags_
                        .error("E0313", e.reply->where,
                               "the reply type " + quote(describe(*reply)) +
                                   " has a top-level field named `error`" +
                                   (f->name == "error" ? "" : " on the wire"))
                        .label("a reply with `error` reads as a failed ACK")
                        .secondary(field_spans_[&*f], f->name == "error"
                                                          ? "this field"
                                                          : quote(f->name) + " is `error` on the wire")
                        .note("failures go back as `{\"error\": {\"code\": …, \"message\": …}}`, so clients "
                              "tell "
                              "them apart by that key")
                        .help(
                            "rename the field, or put it on the wire under another name with `@wire(\"…\")`");
                    break;
                }
            }
        }
        // What an `on` and an `emit` event both take from the declaration.
        auto declared = [&](auto& ev) {
            ev.name = e.name.text;
            ev.wire_name = wire;
            ev.payload = payload;
            ev.reply = reply;
            ev.doc = e.doc;
            ev.deprecated = info.deprecated;
            ev.loc = location_of(e.name.where);
        };
        if (!e.is_emit) {
            model::on_event on;
            declared(on);
            on.required_claims = info.required_claims;
            check_event_clauses(e, ns, &on, nullptr);
            if (info.requires_span && ns.settings.auth == model::auth_mode::none) {
                auto auth = std::find_if(s.settings.begin(), s.settings.end(),
                                         [](auto& x) { return x.name.text == "auth"; });
                auto& d = diags_
                              .error("E0406", *info.requires_span,
                                     "the handler of " + quote(on.name) + " could never run")
                              .label("requires a claim, but connections carry no identity");
                if (auth != s.settings.end())
                    d.secondary(auth->value.where, "`auth = none` here");
                d.note("with `auth = none` no connection has claims, so every `" + on.name +
                       "` would be refused as `forbidden`")
                    .help("set `auth = optional` or `auth = required`, or remove the `@requires`");
            }
            ns.on_events.push_back(std::move(on));
        }
        else {
            model::emit_event em;
            declared(em);
            check_event_clauses(e, ns, nullptr, &em);
            ns.emit_events.push_back(std::move(em));
        }
    }
}

void checker::check_event_clauses(const ast::event_decl& e, const model::namespace_decl& ns,
                                  model::on_event* on, model::emit_event* emit)
{
    static const char* words[] = {"timeout", "rate", "to", "volatile", "conflate", "resumable", "collect"};
    std::map<ast::clause_kind, span> seen;
    const ast::clause* timeout = nullptr;
    const ast::clause* to = nullptr;
    const ast::clause* collect = nullptr;
    const ast::clause* resumable = nullptr;
    std::vector<const ast::clause*> unacked; // volatile, conflate
    bool has_reply = e.reply.has_value();
    auto clause_name = [&](const ast::clause& c) { return std::string(words[static_cast<int>(c.kind)]); };

    for (auto& c : e.clauses) {
        auto word = clause_name(c);
        bool on_clause = c.kind == ast::clause_kind::timeout || c.kind == ast::clause_kind::rate;
        bool emit_clause = c.kind != ast::clause_kind::rate;
        if (on && !on_clause) {
            diags_.error("E0311", c.keyword, "`" + word + "` applies to `emit` events, not `on` events")
                .label("not an `on` clause")
                .note("`on` events come from one client to the server")
                .help("remove `" + word + "`, or make this an `emit` event");
            continue;
        }
        if (emit && !emit_clause) {
            diags_
                .error("E0311", c.keyword,
                       "`rate` limits what clients send; it cannot apply to an `emit` event")
                .label("not an `emit` clause")
                .help("remove it; throttle server-side emits in the code that sends them");
            continue;
        }
        if (auto [it, inserted] = seen.emplace(c.kind, c.where); !inserted) {
            diags_.error("E0101", c.where, "`" + word + "` is given twice for " + quote(e.name.text))
                .label("given again here")
                .secondary(it->second, "first given here")
                .help("keep one of them");
            continue;
        }
        switch (c.kind) {
        case ast::clause_kind::timeout:
            timeout = &c;
            if (c.malformed)
                break;
            if (c.duration_ms == 0) {
                diags_.error("E0405", c.where, "a timeout of zero would fail every ACK")
                    .label("zero")
                    .help("use a positive duration, e.g. `timeout 5s`");
                break;
            }
            if (on)
                on->timeout = std::chrono::milliseconds{static_cast<std::int64_t>(c.duration_ms)};
            else
                emit->timeout = std::chrono::milliseconds{static_cast<std::int64_t>(c.duration_ms)};
            break;
        case ast::clause_kind::rate: {
            model::rate_limit r;
            bool ok = true;
            if (c.rate_count == 0) {
                diags_.error("E0405", c.where, "a rate of zero would refuse every event")
                    .label("zero")
                    .help("use a positive rate such as `rate 5/s`, or remove the clause");
                ok = false;
            }
            static const std::vector<std::string> units{"s", "m", "h"};
            auto unit = std::find(units.begin(), units.end(), c.rate_unit.text);
            if (unit == units.end()) {
                auto& d =
                    diags_.error("E0405", c.rate_unit.where, quote(c.rate_unit.text) + " is not a rate unit")
                        .label("expected s, m or h");
                auto found = suggest(c.rate_unit.text, units);
                if (c.rate_unit.text == "sec" || c.rate_unit.text == "second")
                    found = {"s"};
                if (c.rate_unit.text == "min" || c.rate_unit.text == "minute")
                    found = {"m"};
                if (!found.empty())
                    d.help(did_you_mean(found)).fix(c.rate_unit.where, found[0]);
                else
                    d.help("rates are per second, minute or hour: `5/s`, `100/m`, `1000/h`");
                ok = false;
            }
            else {
                static const std::chrono::seconds periods[] = {
                    std::chrono::seconds{1}, std::chrono::seconds{60}, std::chrono::seconds{3600}};
                r.per = periods[unit - units.begin()];
            }
            r.count = c.rate_count;
            r.burst = c.burst.value_or(c.rate_count);
            if (c.burst && *c.burst == 0) {
                diags_.error("E0405", c.where, "a burst of zero would refuse every event")
                    .label("zero burst")
                    .help("use a burst of at least 1, or leave it out (it defaults to the rate)");
                ok = false;
            }
            if (c.scope) {
                static const std::vector<std::string> scopes{"connection", "user", "ip"};
                auto it = std::find(scopes.begin(), scopes.end(), c.scope->text);
                if (it == scopes.end()) {
                    auto& d =
                        diags_.error("E0405", c.scope->where, quote(c.scope->text) + " is not a rate scope")
                            .label("expected connection, user or ip");
                    if (auto found = suggest(c.scope->text, scopes); !found.empty())
                        d.help(did_you_mean(found)).fix(c.scope->where, found[0]);
                    else
                        d.help("a rate counts per connection (the default), per user or per ip");
                    ok = false;
                }
                else {
                    r.scope = static_cast<model::rate_scope>(it - scopes.begin());
                }
            }
            if (ok)
                on->rate = r;
            break;
        }
        case ast::clause_kind::to: {
            to = &c;
            std::map<std::string, span> listed;
            std::vector<std::string> names;
            for (auto& r : ns.rooms)
                names.push_back(r.name);
            for (auto& r : c.rooms) {
                auto* room = ns.find_room(r.text);
                if (!room && rejected_name(r.text))
                    continue;
                if (!room) {
                    auto& d =
                        diags_
                            .error("E0308", r.where,
                                   "the namespace " + quote(ns.name) + " has no room named " + quote(r.text))
                            .label("unknown room");
                    if (auto found = suggest(r.text, names); !found.empty())
                        d.help(did_you_mean(found)).fix(r.where, found[0]);
                    else if (names.empty())
                        d.help("declare it in the namespace: `room " + r.text + " \"" + r.text + "\";`");
                    else {
                        std::vector<std::string> quoted;
                        for (auto& n : names)
                            quoted.push_back(quote(n));
                        d.help("the rooms of " + quote(ns.name) + " are " + list_words(quoted, " and "));
                    }
                    continue;
                }
                if (auto [it, inserted] = listed.emplace(r.text, r.where); !inserted) {
                    diags_.error("E0101", r.where, "the room " + quote(r.text) + " is listed twice")
                        .label("listed again here")
                        .secondary(it->second, "first listed here")
                        .help("list each room once");
                    continue;
                }
                if (room->deprecated && !emit->deprecated) {
                    auto& d =
                        diags_.warning("W0202", r.where, "the room " + quote(room->name) + " is deprecated")
                            .label("deprecated room used here");
                    if (!room->deprecated->empty())
                        d.note("deprecated: " + *room->deprecated);
                    d.help("send to its replacement, or mark this event `@deprecated` too");
                }
                emit->to.push_back(room);
            }
            break;
        }
        case ast::clause_kind::volatile_:
            emit->is_volatile = true;
            unacked.push_back(&c);
            break;
        case ast::clause_kind::conflate:
            emit->conflate = true;
            unacked.push_back(&c);
            if (c.by && emit->payload) {
                auto& base = model::strip_aliases(*emit->payload);
                if (base.kind == model::type_kind::unresolved)
                    break;
                if (!is_kind(base, model::decl_kind::struct_)) {
                    diags_
                        .error("E0309", c.by->where,
                               "`conflate by` needs a struct payload, but " + quote(e.name.text) +
                                   " carries " + quote(describe(*emit->payload)))
                        .label("no field to conflate by")
                        .help("use plain `conflate` (the newest event replaces any queued one)");
                    break;
                }
                auto* f = base.decl->find_field(c.by->text);
                if (!f) {
                    std::vector<std::string> names;
                    for (auto& x : base.decl->fields)
                        names.push_back(x.name);
                    auto& d = diags_
                                  .error("E0309", c.by->where,
                                         quote(base.decl->name) + " has no field named " + quote(c.by->text))
                                  .label("not a field of the payload");
                    if (auto found = suggest(c.by->text, names); !found.empty())
                        d.help(did_you_mean(found)).fix(c.by->where, found[0]);
                    else
                        d.help("conflate by one of " + quote(base.decl->name) +
                               "'s fields: " + list_words(names));
                    break;
                }
                auto& ft = model::strip_aliases(f->type);
                bool key_like = (ft.kind == model::type_kind::scalar && ft.scalar != model::scalar::json) ||
                                is_kind(ft, model::decl_kind::enum_) ||
                                ft.kind == model::type_kind::unresolved;
                if (!key_like) {
                    diags_
                        .error("E0309", c.by->where,
                               "cannot conflate by " + quote(f->name) + ": it is " + quote(describe(f->type)))
                        .label("not a scalar, string or enum")
                        .note("events are conflated per value of the field, so it must be a simple, "
                              "always present value")
                        .help("conflate by a scalar, string or enum field (not optional), e.g. an id");
                    break;
                }
                emit->conflate_by = f;
            }
            else if (c.by) {
                diags_
                    .error("E0309", c.by->where,
                           "`conflate by` needs a payload, but " + quote(e.name.text) + " has none")
                    .label("no field to conflate by")
                    .help("use plain `conflate`, or give the event a struct payload");
            }
            break;
        case ast::clause_kind::resumable:
            resumable = &c;
            emit->resumable = true;
            break;
        case ast::clause_kind::collect: {
            collect = &c;
            static const std::vector<std::string> policies{"all", "any", "first", "quorum"};
            auto it = std::find(policies.begin(), policies.end(), c.policy.text);
            if (it == policies.end()) {
                auto& d =
                    diags_.error("E0405", c.policy.where, quote(c.policy.text) + " is not a collect policy")
                        .label("expected all, any, first N or quorum");
                if (auto found = suggest(c.policy.text, policies); !found.empty())
                    d.help(did_you_mean(found)).fix(c.policy.where, found[0]);
                else
                    d.help("a room-wide ACK completes on all, any, first N or quorum answers");
                break;
            }
            if (*it == "first" && c.first_n == 0) {
                diags_.error("E0310", c.where, "`collect first 0` would complete before any answer")
                    .label("zero answers")
                    .help("collect at least one answer: `collect first 1`, or `collect any`");
                break;
            }
            emit->collect =
                model::collect_rule{static_cast<model::collect_policy>(it - policies.begin()), c.first_n};
            break;
        }
        }
    }

    if (timeout && !has_reply) {
        diags_
            .error("E0305", timeout->keyword,
                   "`timeout` without an ACK: " + quote(e.name.text) + " expects no reply")
            .label("nothing to wait for")
            .help("add the reply type, `" + e.name.text + "(…) -> Reply timeout …`, or remove the timeout");
    }
    if (!emit)
        return;
    if (has_reply) {
        for (auto* c : unacked) {
            auto word = clause_name(*c);
            diags_.error("E0306", c->keyword, "a `" + word + "` event cannot expect an ACK")
                .label(word == "volatile" ? "may be dropped" : "may be replaced by a newer event")
                .secondary(e.reply->where, "expects a reply")
                .note("a " + std::string(word == "volatile" ? "dropped" : "replaced") +
                      " event is never answered")
                .help("remove `" + word + "`, or the `-> " + describe(*emit->reply) + "` reply");
        }
    }
    if (resumable) {
        if (!to) {
            diags_
                .error("E0307", resumable->keyword,
                       "`resumable` events are replayed from room history, but " + quote(e.name.text) +
                           " is sent to no room")
                .label("no `to` rooms")
                .help("send it to rooms that keep history: `to room` with `history = N;` in the room");
        }
        for (auto* room : emit->to) {
            if (room->settings.history > 0)
                continue;
            span room_span{};
            for (auto& r : to->rooms) {
                if (r.text == room->name)
                    room_span = r.where;
            }
            diags_
                .error("E0307", room_span,
                       "the resumable event " + quote(e.name.text) + " goes to the room " +
                           quote(room->name) + ", which keeps no history")
                .label("`" + room->name + "` has no `history`")
                .secondary(resumable->keyword, "resumable here")
                .secondary(room_spans_[room], "declared without `history`")
                .help("add `history = 100;` (or another size) to the room " + quote(room->name));
        }
    }
    if (collect && (!has_reply || !to)) {
        diags_
            .error("E0310", collect->keyword,
                   std::string("`collect` gathers the ACKs of a room-wide emit, but ") + quote(e.name.text) +
                       (!has_reply ? " expects no reply" : " is sent to no room"))
            .label(!has_reply ? "no `->` reply to collect" : "no `to` rooms")
            .help(!has_reply ? "add a reply type, `-> Reply timeout …`, or remove `collect`"
                             : "add `to room`, or remove `collect`");
    }
    else if (!collect && has_reply && to) {
        diags_
            .error("E0310", e.reply->where, "a room-wide emit with an ACK must say how answers are gathered")
            .label("one answer per member")
            .secondary(to->keyword, "sent to rooms")
            .help("add `collect all`, `collect any`, `collect first N` or `collect quorum`");
    }
}

} // namespace rtdl::detail
