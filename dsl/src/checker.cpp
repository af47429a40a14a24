#include "checker.hpp"

#include "check_context.hpp"
#include "cpp_names.hpp"
#include "parser.hpp"

namespace rtdl {

check_result check(source_manager& sources, file_id main, const check_options& options,
                   diagnostic_engine& diags)
{
    return detail::checker(sources, diags, options).run(main);
}

namespace detail {

checker::checker(source_manager& sources, diagnostic_engine& diags, const check_options& options)
    : sources_(sources), diags_(diags), options_(options)
{
}

check_result checker::run(file_id main)
{
    program_ = std::make_unique<model::program>();
    std::vector<int> stack;
    int main_unit = load(main, stack);

    for (auto& u : units_)
        declare_types(*u);
    check_cross_module_duplicates();
    for (auto& u : units_)
        resolve_types(*u);
    for (auto& u : units_)
        break_alias_cycles(*u);
    for (auto& u : units_)
        validate_types(*u);
    for (auto& u : units_)
        check_union_tags(*u);
    check_containment();
    for (auto& u : units_)
        order_definitions(*u->module);
    for (auto& u : units_)
        check_namespaces(*u);
    check_generated_names();

    check_result result;
    result.dependencies.push_back(sources_.file(main).absolute_path());
    for (auto& u : units_) {
        if (u->file != main)
            result.dependencies.push_back(sources_.file(u->file).absolute_path());
    }
    // Every import before its importer, the main file last.
    for (int i : post_order_)
        program_->modules.push_back(std::move(units_[static_cast<std::size_t>(i)]->owned));
    program_->main = units_[static_cast<std::size_t>(main_unit)]->module;
    if (!diags_.has_errors())
        result.program = std::move(program_);
    return result;
}

model::location checker::location_of(span s) const
{
    if (!s.valid())
        return {};
    auto& f = sources_.file(s.file);
    auto p = f.position_of(s.begin);
    return {f.display_path(), p.line, p.column};
}

bool checker::declare_once(std::map<std::string, span>& seen, const ast::ident& name, std::string_view what,
                           std::string help)
{
    auto [it, inserted] = seen.emplace(name.text, name.where);
    if (!inserted) {
        diags_
            .error("E0101", name.where,
                   "the " + std::string(what) + " " + quote(name.text) + " is declared twice")
            .label("declared again here")
            .secondary(it->second, "first declared here")
            .help(std::move(help));
    }
    return inserted;
}

bool checker::check_cpp_name(const ast::ident& name, std::string_view what, bool wire_hint)
{
    auto reason = cpp_reserved_reason(name.text);
    if (!reason)
        return true;
    // A suggestion that is itself valid: `class` -> `class_`, `_Private` -> `Private`,
    // `a__b` -> `a_b`.
    std::string renamed = name.text;
    while (renamed.find("__") != std::string::npos)
        renamed.replace(renamed.find("__"), 2, "_");
    while (!renamed.empty() && renamed[0] == '_')
        renamed.erase(0, 1);
    if (renamed.empty() || cpp_reserved_reason(renamed))
        renamed += "_";
    if (renamed == "_" || cpp_reserved_reason(renamed))
        renamed = "renamed";
    auto& d = diags_
                  .error("E0103", name.where,
                         "the " + std::string(what) + " name " + quote(name.text) + " is " + *reason)
                  .label("cannot be used as a name in the generated C++");
    if (wire_hint) {
        d.help("rename it, e.g. " + quote(renamed) + ", and keep the wire name with `@wire(\"" + name.text +
               "\")`: write `@wire(\"" + name.text + "\") " + renamed + "`")
            .fix(span{name.where.file, name.where.begin, name.where.begin}, "@wire(\"" + name.text + "\") ")
            .fix(name.where, renamed);
    }
    else {
        d.help("rename it, e.g. " + quote(renamed)).fix(name.where, renamed);
    }
    return false;
}

void checker::warn_deprecated_use(const model::type_decl* decl, span use, bool user_deprecated)
{
    if (!decl || !decl->deprecated || user_deprecated)
        return;
    auto& d = diags_.warning("W0202", use, quote(decl->name) + " is deprecated")
                  .label("deprecated " + std::string(model::to_string(decl->kind)) + " used here");
    if (!decl->deprecated->empty())
        d.note("deprecated: " + *decl->deprecated);
    d.help("move to its replacement, or mark this declaration `@deprecated` too");
}

void checker::declare_types(unit& u)
{
    static const std::set<std::string> builtin{"bool",     "i32",  "i64",      "u32",   "u64",
                                               "f32",      "f64",  "string",   "bytes", "timestamp",
                                               "duration", "json", "optional", "array", "map"};
    u.decl_of.assign(u.syntax.types.size(), nullptr);
    for (std::size_t i = 0; i < u.syntax.types.size(); ++i) {
        auto& syntax = u.syntax.types[i];
        auto decl = std::make_unique<model::type_decl>();
        const ast::ident& name = ast::name_of(syntax);
        decl->kind = static_cast<model::decl_kind>(syntax.index());
        decl->name = name.text;
        decl->owner = u.module;
        decl->loc = location_of(name.where);
        std::visit([&](auto& d) { decl->doc = d.doc; }, syntax);
        u.decl_of[i] = decl.get();
        check_cpp_name(name, std::string(model::to_string(decl->kind)), false);
        if (builtin.count(name.text)) {
            diags_.error("E0101", name.where, quote(name.text) + " is a built-in type")
                .label("cannot be declared again")
                .help("choose another name");
        }
        else if (auto it = u.types.find(name.text); it != u.types.end()) {
            const ast::ident* first = nullptr;
            for (std::size_t k = 0; k < i; ++k) {
                if (u.decl_of[k] == it->second)
                    first = &ast::name_of(u.syntax.types[k]);
            }
            diags_.error("E0101", name.where, "the type " + quote(name.text) + " is declared twice")
                .label("declared again here")
                .secondary(first ? first->where : span{}, "first declared here")
                .help("rename one of them, or remove the duplicate");
        }
        else {
            u.types.emplace(name.text, decl.get());
        }
        u.module->types.push_back(std::move(decl));
    }
}

void checker::check_cross_module_duplicates()
{
    // Two files of one package declaring the same name would define one C++ type twice.
    std::map<std::pair<std::vector<std::string>, std::string>, std::pair<const unit*, span>> seen;
    for (auto& u : units_) {
        for (std::size_t i = 0; i < u->syntax.types.size(); ++i) {
            auto& name = ast::name_of(u->syntax.types[i]);
            auto key = std::make_pair(u->module->package, name.text);
            auto [it, inserted] = seen.emplace(key, std::make_pair(u.get(), name.where));
            if (inserted || it->second.first == u.get())
                continue;
            diags_
                .error("E0101", name.where,
                       "the type " + quote(name.text) + " is also declared in " +
                           quote(sources_.file(it->second.first->file).display_path()) +
                           ", which has the same package")
                .label("declared again here")
                .secondary(it->second.second, "first declared here")
                .help("rename one of them, or give the files different packages");
        }
    }
}

std::string describe(const model::type_ref& t)
{
    switch (t.kind) {
    case model::type_kind::scalar: return std::string(model::to_string(t.scalar));
    case model::type_kind::optional: return "optional<" + describe(t.element()) + ">";
    case model::type_kind::array: return "array<" + describe(t.element()) + ">";
    case model::type_kind::map: return "map<" + describe(t.key()) + ", " + describe(t.value()) + ">";
    case model::type_kind::named: return t.decl ? t.decl->name : "?";
    case model::type_kind::unresolved: return "?";
    }
    return "?";
}

} // namespace detail
} // namespace rtdl
