// Name resolution: which declaration a type name refers to (E0102, E0104).
//
// Visible in a file, in this order: the built-in types; the file's own types; the types
// of imports without `as` (unqualified, and ambiguous when two of them declare the
// name); `alias.Name` for imports with `as`; and `package.Name` for the file's own
// package and every imported package.

#include "check_context.hpp"
#include "suggest.hpp"

#include <algorithm>

namespace rtdl::detail {
namespace {

struct scalar_name {
    std::string_view name;
    model::scalar scalar;
};

constexpr scalar_name scalars[] = {
    {"bool", model::scalar::bool_},        {"i32", model::scalar::i32},
    {"i64", model::scalar::i64},           {"u32", model::scalar::u32},
    {"u64", model::scalar::u64},           {"f32", model::scalar::f32},
    {"f64", model::scalar::f64},           {"string", model::scalar::string},
    {"bytes", model::scalar::bytes},       {"timestamp", model::scalar::timestamp},
    {"duration", model::scalar::duration}, {"json", model::scalar::json},
};

/// Spellings from other languages, and what rtdl calls them.
struct foreign_name {
    std::string_view name;
    std::string_view rtdl;
};

constexpr foreign_name foreign[] = {
    {"int", "i32 or i64"},
    {"int32", "i32"},
    {"int64", "i64"},
    {"uint32", "u32"},
    {"uint64", "u64"},
    {"long", "i64"},
    {"float", "f32"},
    {"double", "f64"},
    {"boolean", "bool"},
    {"str", "string"},
    {"String", "string"},
    {"text", "string"},
    {"number", "f64 or i64"},
    {"list", "array<T>"},
    {"vector", "array<T>"},
    {"dict", "map<K, V>"},
    {"object", "a struct, or map<string, V>"},
    {"Option", "optional<T>"},
    {"any", "json"},
    {"datetime", "timestamp"},
    {"u8", "u32, with `@range(max: 255)`"},
    {"u16", "u32, with `@range(max: 65535)`"},
    {"i8", "i32, with `@range(min: -128, max: 127)`"},
    {"i16", "i32, with `@range(min: -32768, max: 32767)`"},
    {"float32", "f32"},
    {"float64", "f64"},
    {"char", "string, with `@length(min: 1, max: 1)`"},
};

} // namespace

lookup_result checker::lookup(unit& u, const ast::qualified_name& name, bool report)
{
    if (name.parts.empty())
        return {lookup_result::kind::suppressed};
    auto& parts = name.parts;
    const std::string& last = parts.back().text;
    std::vector<std::pair<model::type_decl*, int>> matches; // declaration, unit index
    bool suppressed = false;

    auto search_unit = [&](int index) {
        auto& t = units_[static_cast<std::size_t>(index)]->types;
        if (auto it = t.find(last); it != t.end())
            matches.emplace_back(it->second, index);
    };

    if (parts.size() == 1) {
        for (auto& s : scalars) {
            if (s.name == last)
                return {lookup_result::kind::scalar, nullptr, s.scalar};
        }
        if (auto it = u.types.find(last); it != u.types.end())
            return {lookup_result::kind::found, it->second};
        for (auto& link : u.imports) {
            if (!link.decl->alias && link.target >= 0)
                search_unit(link.target);
        }
        suppressed = u.unaliased_import_failed;
    }
    else {
        std::string prefix;
        for (std::size_t i = 0; i + 1 < parts.size(); ++i)
            prefix += (i ? "." : "") + parts[i].text;
        bool alias_found = false;
        for (auto& link : u.imports) {
            if (parts.size() == 2 && link.decl->alias && link.decl->alias->text == prefix) {
                alias_found = true;
                if (link.target >= 0)
                    search_unit(link.target);
                else
                    suppressed = true;
            }
        }
        if (!alias_found) {
            auto package_of = [&](const unit& x) {
                std::string p;
                for (auto& s : x.module->package)
                    p += (p.empty() ? "" : ".") + s;
                return p;
            };
            if (package_of(u) == prefix && !u.module->package.empty()) {
                if (auto it = u.types.find(last); it != u.types.end())
                    return {lookup_result::kind::found, it->second};
            }
            for (auto& link : u.imports) {
                if (link.target >= 0 && package_of(*units_[static_cast<std::size_t>(link.target)]) == prefix)
                    search_unit(link.target);
                if (link.target < 0)
                    suppressed = true;
            }
        }
    }

    // In import order (by unit index, never by address: the output must be reproducible).
    std::sort(matches.begin(), matches.end(), [](auto& a, auto& b) { return a.second < b.second; });
    matches.erase(std::unique(matches.begin(), matches.end()), matches.end());
    if (matches.size() == 1)
        return {lookup_result::kind::found, matches[0].first};

    std::string text = name.str();
    bool first_report = u.reported_names.insert(text).second;
    if (matches.size() > 1) {
        if (report && first_report) {
            auto& d = diags_
                          .error("E0104", name.where,
                                 quote(text) + " is ambiguous: more than one import declares it")
                          .label("could be any of " + std::to_string(matches.size()) + " types");
            for (auto& [decl, index] : matches) {
                auto& file = sources_.file(units_[static_cast<std::size_t>(index)]->file).display_path();
                for (auto& t : units_[static_cast<std::size_t>(index)]->syntax.types) {
                    if (ast::name_of(t).text == last)
                        d.secondary(ast::name_of(t).where, "declared in " + quote(file));
                }
            }
            const ast::import_decl* example = nullptr;
            for (auto& link : u.imports) {
                if (!link.decl->alias && link.target == matches[0].second)
                    example = link.decl;
            }
            auto alias = units_[static_cast<std::size_t>(matches[0].second)]->module->stem;
            d.help("name the imports with `import … as`, e.g. `import \"" +
                   (example ? example->path.text : "…") + "\" as " + alias + ";`, and write `" + alias + "." +
                   last + "`");
        }
        return {lookup_result::kind::suppressed};
    }
    if (suppressed || !first_report || !report || rejected_name(text))
        return {lookup_result::kind::suppressed};

    auto& d = diags_.error("E0102", name.where, "unknown type " + quote(text))
                  .label("not declared in this file or its imports");
    for (auto& f : foreign) {
        if (f.name == text)
            d.help("rtdl spells it " + std::string(f.rtdl));
    }
    auto s = suggest(text, visible_type_names(u));
    if (!d.helps.empty()) {
    }
    else if (!s.empty()) {
        d.help(did_you_mean(s)).fix(name.where, s[0]);
    }
    else {
        if (parts.size() > 1)
            d.help("import the file that declares it, e.g. `import \"" + parts[0].text + ".rtdl\" as " +
                   parts[0].text + ";`");
        else
            d.help("declare it, or import the file that declares it");
    }
    return {lookup_result::kind::unknown};
}

std::vector<std::string> checker::visible_type_names(const unit& u) const
{
    std::vector<std::string> out;
    for (auto& s : scalars)
        out.emplace_back(s.name);
    for (auto& [name, decl] : u.types)
        out.push_back(name);
    for (auto& link : u.imports) {
        if (link.target < 0)
            continue;
        for (auto& [name, decl] : units_[static_cast<std::size_t>(link.target)]->types)
            out.push_back(link.decl->alias ? link.decl->alias->text + "." + name : name);
    }
    return out;
}

model::type_ref checker::resolve(unit& u, const ast::type_expr& t)
{
    model::type_ref r;
    switch (t.form) {
    case ast::type_form::invalid: return r;
    case ast::type_form::optional: r.kind = model::type_kind::optional; break;
    case ast::type_form::array: r.kind = model::type_kind::array; break;
    case ast::type_form::map: r.kind = model::type_kind::map; break;
    case ast::type_form::name: {
        auto found = lookup(u, t.name);
        if (found.kind == lookup_result::kind::scalar) {
            r.kind = model::type_kind::scalar;
            r.scalar = found.scalar;
        }
        else if (found.kind == lookup_result::kind::found) {
            r.kind = model::type_kind::named;
            r.decl = found.decl;
        }
        return r;
    }
    }
    for (auto& arg : t.args)
        r.args.push_back(resolve(u, arg));
    return r;
}

} // namespace rtdl::detail
