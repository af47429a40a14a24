// Types: fields, enums, unions and aliases; map keys, recursion and JavaScript precision
// (E0101, E0103, E0201, E0205, E0206, W0201, W0202). Defaults are in check_defaults.cpp.

#include "check_context.hpp"
#include "suggest.hpp"

#include <algorithm>
#include <functional>

namespace rtdl::detail {
namespace {

constexpr std::uint64_t max_safe = 9007199254740991ull; // 2^53 − 1

/// True when the constraints keep a 64-bit integer exact in JavaScript.
bool js_safe(const model::constraints& c, model::scalar s)
{
    if (c.as_string)
        return true;
    if (!c.range || !c.range->max)
        return false;
    auto within = [](const model::number& n) { return n.is_integer && n.magnitude <= max_safe; };
    bool min_ok = c.range->min ? within(*c.range->min) : s == model::scalar::u64;
    return min_ok && within(*c.range->max);
}

} // namespace

void checker::resolve_types(unit& u)
{
    for (std::size_t i = 0; i < u.syntax.types.size(); ++i) {
        model::type_decl& decl = *u.decl_of[i];
        std::visit(
            [&](auto& s) {
                using T = std::decay_t<decltype(s)>;
                if constexpr (std::is_same_v<T, ast::struct_decl>) {
                    for (auto& f : s.fields) {
                        model::field mf;
                        mf.name = f.name.text;
                        mf.wire_name = f.name.text;
                        mf.type = resolve(u, f.type);
                        mf.doc = f.doc;
                        mf.loc = location_of(f.name.where);
                        decl.fields.push_back(std::move(mf));
                    }
                }
                else if constexpr (std::is_same_v<T, ast::enum_decl>) {
                    for (auto& e : s.enumerators) {
                        model::enumerator me;
                        me.name = e.name.text;
                        me.wire_name = e.name.text;
                        me.doc = e.doc;
                        me.loc = location_of(e.name.where);
                        decl.enumerators.push_back(std::move(me));
                    }
                }
                else if constexpr (std::is_same_v<T, ast::union_decl>) {
                    decl.tag = s.tag ? s.tag->text : "type";
                    for (auto& v : s.variants) {
                        model::variant mv;
                        mv.name = v.name.text;
                        mv.wire_name = v.name.text;
                        mv.type = resolve(u, v.type);
                        mv.doc = v.doc;
                        mv.loc = location_of(v.name.where);
                        decl.variants.push_back(std::move(mv));
                    }
                }
                else {
                    decl.aliased = resolve(u, s.target);
                }
            },
            u.syntax.types[i]);
    }
}

void checker::break_alias_cycles(unit& u)
{
    for (std::size_t i = 0; i < u.syntax.types.size(); ++i) {
        auto* start = u.decl_of[i];
        if (start->kind != model::decl_kind::alias || cyclic_aliases_.count(start))
            continue;
        std::vector<const model::type_decl*> path{start};
        const model::type_ref* t = &start->aliased;
        while (is_kind(*t, model::decl_kind::alias)) {
            auto* next = t->decl;
            if (next == start) {
                std::string chain;
                for (auto* p : path)
                    chain += p->name + " -> ";
                chain += start->name;
                auto& syntax = std::get<ast::alias_decl>(u.syntax.types[i]);
                diags_
                    .error("E0206", syntax.target.where,
                           "the type alias " + quote(start->name) + " refers to itself")
                    .label("leads back to " + quote(start->name))
                    .note("the chain: " + chain)
                    .help("make one of the aliases name a real type");
                // The model owns these declarations; unresolving them stops later walks.
                for (auto* p : path) {
                    cyclic_aliases_.insert(p);
                    const_cast<model::type_decl*>(p)->aliased = model::type_ref{};
                }
                break;
            }
            if (std::find(path.begin(), path.end(), next) != path.end())
                break; // a cycle that does not contain `start`: reported from one of its members
            path.push_back(next);
            t = &next->aliased;
        }
    }
}

void checker::validate_types(unit& u)
{
    for (std::size_t i = 0; i < u.syntax.types.size(); ++i) {
        model::type_decl& decl = *u.decl_of[i];
        std::visit(
            [&](auto& s) {
                using T = std::decay_t<decltype(s)>;
                std::string what = std::string(model::to_string(decl.kind)) + " " + quote(decl.name);
                if constexpr (std::is_same_v<T, ast::alias_decl>) {
                    auto info = apply_attributes(s.attributes, attr_target::alias, &decl.aliased, &s.target,
                                                 "the type " + quote(decl.name));
                    decl.constraints = info.constraints;
                    decl.deprecated = info.deprecated;
                    check_type_use(s.target, decl.aliased, decl.deprecated.has_value());
                }
                else {
                    static constexpr attr_target targets[] = {attr_target::struct_, attr_target::enum_,
                                                              attr_target::union_};
                    auto info = apply_attributes(s.attributes, targets[static_cast<int>(decl.kind)], nullptr,
                                                 nullptr, "the " + what);
                    decl.deprecated = info.deprecated;
                }
                bool deprecated = decl.deprecated.has_value();
                std::map<std::string, span> names, wires;
                auto unique = [&](std::map<std::string, span>& seen, const std::string& key, span where,
                                  std::string noun) {
                    auto [it, inserted] = seen.emplace(key, where);
                    if (!inserted) {
                        diags_
                            .error("E0101", where, noun + " " + quote(key) + " appears twice in the " + what)
                            .label("second " + quote(key))
                            .secondary(it->second, "first " + quote(key))
                            .help("rename or remove one of them");
                    }
                    return inserted;
                };
                // What fields, enumerators and variants share: a C++-usable name unique among its
                // siblings, its attributes applied, and a unique wire name (after `@wire`).
                // `attributes_ok`: the attributes themselves raised no error.
                struct named {
                    attribute_info info;
                    bool attributes_ok;
                };
                auto name_member = [&](auto& syntax, auto& m, const char* kind, attr_target target,
                                       const model::type_ref* type, const ast::type_expr* type_syntax) {
                    check_cpp_name(syntax.name, kind, true);
                    bool fresh = unique(names, m.name, syntax.name.where, std::string("the ") + kind);
                    auto errors_before = diags_.error_count();
                    auto info = apply_attributes(syntax.attributes, target, type, type_syntax,
                                                 std::string("the ") + kind + " " + quote(m.name));
                    bool attributes_ok = diags_.error_count() == errors_before;
                    m.deprecated = info.deprecated;
                    if (info.wire)
                        m.wire_name = *info.wire;
                    if (fresh || info.wire)
                        unique(wires, m.wire_name, info.wire_span.value_or(syntax.name.where),
                               "the wire name");
                    return named{std::move(info), attributes_ok};
                };
                if constexpr (std::is_same_v<T, ast::struct_decl>) {
                    for (std::size_t k = 0; k < s.fields.size(); ++k) {
                        auto& fs = s.fields[k];
                        auto& f = decl.fields[k];
                        auto [info, attributes_ok] =
                            name_member(fs, f, "field", attr_target::field, &f.type, &fs.type);
                        f.constraints = info.constraints;
                        type_spans_[&f] = fs.type.where;
                        field_spans_[&f] = fs.name.where;
                        check_type_use(fs.type, f.type, deprecated || f.deprecated);
                        if (attributes_ok)
                            check_js_precision(f.type, &f.constraints, fs.type.where,
                                               "the field " + quote(f.name));
                        if (fs.default_value && fully_resolved(f.type) && attributes_ok)
                            f.default_value = check_default(*fs.default_value, f.type, f.constraints,
                                                            "the field " + quote(f.name));
                    }
                }
                else if constexpr (std::is_same_v<T, ast::enum_decl>) {
                    for (std::size_t k = 0; k < s.enumerators.size(); ++k) {
                        auto& es = s.enumerators[k];
                        auto& e = decl.enumerators[k];
                        name_member(es, e, "enumerator", attr_target::enumerator, nullptr, nullptr);
                    }
                }
                else if constexpr (std::is_same_v<T, ast::union_decl>) {
                    if (s.tag && s.tag->text.empty()) {
                        diags_.error("E0205", s.tag->where, "the union tag cannot be empty")
                            .label("names no JSON key")
                            .help("name the key that holds the variant, e.g. `tag \"kind\"`");
                    }
                    for (std::size_t k = 0; k < s.variants.size(); ++k) {
                        auto& vs = s.variants[k];
                        auto& v = decl.variants[k];
                        name_member(vs, v, "variant", attr_target::variant, nullptr, nullptr);
                        type_spans_[&v] = vs.type.where;
                        check_type_use(vs.type, v.type, deprecated || v.deprecated);
                        auto& target = model::strip_aliases(v.type);
                        if (is_kind(target, model::decl_kind::struct_)) {
                            v.target = target.decl;
                        }
                        else if (fully_resolved(v.type)) {
                            diags_
                                .error("E0205", vs.type.where,
                                       "the variant " + quote(v.name) + " carries " +
                                           quote(describe(v.type)) + ", which is not a struct")
                                .label("not a struct")
                                .note(
                                    "a union is encoded as one JSON object: the tag key next to the variant "
                                    "struct's fields")
                                .help("wrap it in a struct, e.g. `struct " +
                                      std::string(1, static_cast<char>(std::toupper(
                                                         static_cast<unsigned char>(v.name[0])))) +
                                      v.name.substr(1) + " { value: " + describe(v.type) + " }`");
                        }
                    }
                }
            },
            u.syntax.types[i]);
    }
}

void checker::check_union_tags(unit& u)
{
    for (std::size_t i = 0; i < u.syntax.types.size(); ++i) {
        auto& decl = *u.decl_of[i];
        if (decl.kind != model::decl_kind::union_)
            continue;
        for (auto& v : decl.variants) {
            if (!v.target)
                continue;
            for (auto& f : v.target->fields) {
                if (f.wire_name != decl.tag)
                    continue;
                auto& syntax = std::get<ast::union_decl>(u.syntax.types[i]);
                diags_
                    .error("E0205", type_spans_[&v],
                           "the variant " + quote(v.name) + "'s struct " + quote(v.target->name) +
                               " has a field on the wire as " + quote(decl.tag) + ", the union's tag")
                    .label("the tag key and the field would collide")
                    .secondary(syntax.tag ? syntax.tag->where : syntax.name.where,
                               syntax.tag ? "the tag" : "the tag is \"type\" by default")
                    .help("choose another tag with `tag \"…\"`, or rename the field");
            }
        }
    }
}

void checker::check_type_use(const ast::type_expr& syntax, const model::type_ref& type, bool user_deprecated)
{
    if (type.kind == model::type_kind::named) {
        warn_deprecated_use(type.decl, syntax.where, user_deprecated);
        return;
    }
    if (type.kind == model::type_kind::map && syntax.args.size() == 2 && type.args.size() == 2) {
        auto& key = model::strip_aliases(type.key());
        bool ok = key.kind == model::type_kind::unresolved || is_kind(key, model::decl_kind::enum_) ||
                  (key.kind == model::type_kind::scalar &&
                   (key.scalar == model::scalar::string || model::is_integer(key.scalar)));
        if (!ok) {
            diags_.error("E0201", syntax.args[0].where, quote(describe(type.key())) + " cannot be a map key")
                .label("map keys must be strings, integers or enums")
                .note("map keys become JSON object keys, which are strings")
                .help("key the map by a string, an integer type or an enum (or an alias of one)");
        }
    }
    for (std::size_t i = 0; i < syntax.args.size() && i < type.args.size(); ++i)
        check_type_use(syntax.args[i], type.args[i], user_deprecated);
}

void checker::check_js_precision(const model::type_ref& type, const model::constraints* own, span where,
                                 std::string_view what)
{
    std::function<bool(const model::type_ref&, const model::constraints*)> visit =
        [&](const model::type_ref& t, const model::constraints* c) -> bool {
        auto& base = model::strip_aliases(t);
        switch (base.kind) {
        case model::type_kind::scalar: {
            if (base.scalar != model::scalar::i64 && base.scalar != model::scalar::u64)
                return false;
            for (auto* k : constraints_of(t, c)) {
                if (js_safe(*k, base.scalar))
                    return false;
            }
            bool nested = c == nullptr;
            auto& d = diags_
                          .warning("W0201", where,
                                   std::string(what) + (nested ? " holds" : " is") + " an unbounded " +
                                       quote(model::to_string(base.scalar)))
                          .label("JavaScript clients cannot hold every " +
                                 std::string(model::to_string(base.scalar)) + " exactly")
                          .note("JSON numbers are doubles in JavaScript: above 2^53−1 (9007199254740991) "
                                "they are rounded");
            if (nested)
                d.help("declare an alias for the element, e.g. `@range(min: 0, max: 9007199254740991) type "
                       "Id = " +
                       std::string(model::to_string(base.scalar)) + ";`, or one with `@as_string`");
            else
                d.help("bound it with `@range(min: " +
                       std::string(base.scalar == model::scalar::u64 ? "0" : "-9007199254740991") +
                       ", max: 9007199254740991)`, or send it as a string with `@as_string`");
            return true;
        }
        case model::type_kind::optional: return visit(base.element(), c);
        case model::type_kind::array: return visit(base.element(), nullptr);
        case model::type_kind::map: return visit(base.value(), nullptr);
        default: return false;
        }
    };
    visit(type, own);
}

void checker::check_containment()
{
    // Edges "contains by value": struct → field type, union → variant struct, through
    // aliases; `with_optional` also follows optionals (what C++ needs complete).
    auto edges = [](const model::type_decl& d, bool with_optional) {
        std::vector<std::pair<const model::type_decl*, const void*>> out;
        auto add = [&](const model::type_ref& t, const void* via) {
            const model::type_ref* r = &model::strip_aliases(t);
            while (with_optional && r->kind == model::type_kind::optional)
                r = &model::strip_aliases(r->element());
            if (is_kind(*r, model::decl_kind::struct_) || is_kind(*r, model::decl_kind::union_))
                out.emplace_back(r->decl, via);
        };
        for (auto& f : d.fields)
            add(f.type, &f);
        for (auto& v : d.variants)
            add(v.type, &v);
        return out;
    };

    std::vector<const model::type_decl*> all;
    for (auto& u : units_) {
        for (auto* d : u->decl_of) {
            if (d->kind == model::decl_kind::struct_ || d->kind == model::decl_kind::union_)
                all.push_back(d);
        }
    }

    // E0206: a cycle of by-value containment.
    std::map<const model::type_decl*, int> state; // 0 new, 1 on stack, 2 done
    std::set<const model::type_decl*> reported;
    std::vector<std::pair<const model::type_decl*, const void*>> stack;
    std::function<void(const model::type_decl*)> dfs = [&](const model::type_decl* d) {
        state[d] = 1;
        for (auto edge : edges(*d, false)) {
            const model::type_decl* next = edge.first;
            stack.emplace_back(d, edge.second);
            if (state[next] == 1) {
                auto begin =
                    std::find_if(stack.begin(), stack.end(), [&](auto& e) { return e.first == next; });
                bool fresh =
                    std::none_of(begin, stack.end(), [&](auto& e) { return reported.count(e.first); });
                if (fresh) {
                    std::string chain, closing;
                    for (auto it = begin; it != stack.end(); ++it) {
                        reported.insert(it->first);
                        std::string member;
                        for (auto& x : it->first->fields) {
                            if (&x == it->second)
                                member = x.name;
                        }
                        for (auto& x : it->first->variants) {
                            if (&x == it->second)
                                member = x.name;
                        }
                        chain += it->first->name + "." + member + " -> ";
                        closing = member;
                    }
                    chain += next->name;
                    bool self = begin + 1 == stack.end();
                    diags_
                        .error("E0206", type_spans_[stack.back().second],
                               quote(next->name) + " contains itself" + (self ? "" : " through other types") +
                                   ", so it would be infinitely large")
                        .label(self ? "contains " + quote(next->name) + " directly" : "closes the cycle")
                        .note("the cycle: " + chain)
                        .help("break the cycle with `optional<…>`, `array<…>` or `map<…>`, e.g. `" + closing +
                              ": optional<" + next->name + ">`");
                }
            }
            else if (state[next] == 0) {
                dfs(next);
            }
            stack.pop_back();
        }
        state[d] = 2;
    };
    for (auto* d : all) {
        if (state[d] == 0)
            dfs(d);
    }

    // Boxing: an optional field whose type leads back to its own struct.
    auto reaches = [&](const model::type_decl* from, const model::type_decl* target) {
        std::set<const model::type_decl*> seen;
        std::function<bool(const model::type_decl*)> go = [&](const model::type_decl* d) {
            if (d == target)
                return true;
            if (!seen.insert(d).second)
                return false;
            for (auto [next, via] : edges(*d, true)) {
                if (go(next))
                    return true;
            }
            return false;
        };
        return go(from);
    };
    for (auto* d : all) {
        for (auto& f : const_cast<model::type_decl*>(d)->fields) {
            auto& base = model::strip_aliases(f.type);
            if (base.kind != model::type_kind::optional)
                continue;
            auto& inner = model::strip_optional(f.type);
            if ((is_kind(inner, model::decl_kind::struct_) || is_kind(inner, model::decl_kind::union_)) &&
                reaches(inner.decl, d))
                f.boxed = true;
        }
    }
}

void checker::order_definitions(model::module& m)
{
    std::map<const model::type_decl*, int> state;
    std::function<void(const model::type_decl*)> visit = [&](const model::type_decl* d) {
        state[d] = 1;
        std::function<void(const model::type_ref&)> deps = [&](const model::type_ref& t) {
            if (t.kind == model::type_kind::named && t.decl && t.decl->owner == &m && state[t.decl] == 0)
                visit(t.decl);
            for (auto& a : t.args)
                deps(a);
        };
        for (auto& f : d->fields) {
            if (!f.boxed)
                deps(f.type);
        }
        for (auto& v : d->variants)
            deps(v.type);
        deps(d->aliased);
        state[d] = 2;
        m.definition_order.push_back(d);
    };
    for (auto& t : m.types) {
        if (state[t.get()] == 0)
            visit(t.get());
    }
}

} // namespace rtdl::detail
