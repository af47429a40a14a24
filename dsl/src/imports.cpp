// The checker's first phase: load the main file and its imports (E0105, E0106).

#include "check_context.hpp"
#include "parser.hpp"
#include "suggest.hpp"

#include <algorithm>
#include <system_error>

namespace rtdl::detail {
namespace {

struct candidate {
    std::filesystem::path absolute;
    std::string display;
};

std::string shown_dir(const std::filesystem::path& dir)
{
    return dir.empty() ? "." : dir.string();
}

std::string module_stem(const std::filesystem::path& p)
{
    auto name = p.filename().string();
    constexpr std::string_view ext = ".rtdl";
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
        return name.substr(0, name.size() - ext.size());
    return p.stem().string();
}

} // namespace

int checker::load(file_id file, std::vector<int>& stack)
{
    auto owned_unit = std::make_unique<unit>();
    unit* me = owned_unit.get();
    me->file = file;
    me->syntax = parse_file(sources_, file, diags_);
    me->owned = std::make_unique<model::module>();
    me->module = me->owned.get();
    auto& src = sources_.file(file);
    me->module->path = src.display_path();
    me->module->absolute_path = src.absolute_path();
    me->module->stem = module_stem(src.absolute_path());
    if (me->syntax.package) {
        for (auto& part : me->syntax.package->parts) {
            check_cpp_name(part, "package", false);
            me->module->package.push_back(part.text);
        }
    }
    int index = static_cast<int>(units_.size());
    units_.push_back(std::move(owned_unit));
    stack.push_back(index);

    std::map<std::string, const ast::import_decl*> aliases;
    std::map<file_id, const ast::import_decl*> imported;
    for (auto& imp : me->syntax.imports) {
        unit::import_link link{&imp, -1};
        std::filesystem::path written = imp.path.text;
        std::vector<candidate> candidates;
        std::vector<std::string> searched;
        if (written.is_absolute()) {
            candidates.push_back({written.lexically_normal(), written.lexically_normal().string()});
        }
        else if (!written.empty()) {
            auto display_dir = std::filesystem::path(src.display_path()).parent_path();
            candidates.push_back({(src.absolute_path().parent_path() / written).lexically_normal(),
                                  (display_dir / written).lexically_normal().string()});
            searched.push_back(shown_dir(display_dir));
            for (auto& dir : options_.import_dirs) {
                candidates.push_back({(std::filesystem::absolute(dir) / written).lexically_normal(),
                                      (dir / written).lexically_normal().string()});
                searched.push_back(shown_dir(dir));
            }
        }
        const candidate* chosen = nullptr;
        for (auto& c : candidates) {
            std::error_code ec;
            if (sources_.find(c.absolute) != no_file ||
                (options_.read_files && std::filesystem::is_regular_file(c.absolute, ec))) {
                chosen = &c;
                break;
            }
        }
        file_id target_file = no_file;
        if (!chosen) {
            auto& d =
                diags_.error("E0106", imp.path.where, "cannot find the imported file " + quote(imp.path.text))
                    .label("not found");
            if (!searched.empty()) {
                std::string list;
                for (auto& s : searched)
                    list += (list.empty() ? "" : ", ") + quote(s);
                d.note("searched in " + list);
            }
            // Offer the .rtdl files that are there, when one is a near miss.
            std::vector<std::string> present;
            for (std::size_t k = 0; k < candidates.size() && options_.read_files; ++k) {
                std::error_code ec;
                auto dir = candidates[k].absolute.parent_path();
                for (auto it = std::filesystem::directory_iterator(dir, ec);
                     !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
                    if (it->path().extension() == ".rtdl")
                        present.push_back((written.parent_path() / it->path().filename()).string());
                }
            }
            std::sort(present.begin(), present.end());
            if (auto s = suggest(written.string(), present); !s.empty())
                d.help(did_you_mean(s)).fix(imp.path.where, "\"" + s[0] + "\"");
            else
                d.help("check the file name, or add the directory that holds it with `-I DIR`");
        }
        else {
            std::string error;
            target_file = sources_.find(chosen->absolute);
            if (target_file == no_file)
                target_file = sources_.load(chosen->absolute, chosen->display, error);
            if (target_file == no_file) {
                diags_.error("E0106", imp.path.where, "cannot read the imported file " + quote(imp.path.text))
                    .label(error)
                    .help("check that the file is readable");
            }
        }
        if (target_file != no_file) {
            if (auto [it, inserted] = imported.emplace(target_file, &imp); !inserted) {
                diags_.error("E0101", imp.where, quote(imp.path.text) + " is imported twice")
                    .label("imported again here")
                    .secondary(it->second->where, "first imported here")
                    .help("remove one of the imports");
            }
            for (std::size_t k = 0; k < units_.size(); ++k) {
                if (units_[k]->file == target_file)
                    link.target = static_cast<int>(k);
            }
            if (link.target >= 0) {
                auto on_stack = std::find(stack.begin(), stack.end(), link.target);
                if (on_stack != stack.end()) {
                    // The chain from the target back to here, then this import closes it.
                    std::string chain;
                    auto& d = diags_.error("E0105", imp.path.where, "");
                    for (auto k = on_stack; k != stack.end(); ++k) {
                        auto pos = static_cast<std::size_t>(k - stack.begin());
                        chain +=
                            sources_.file(units_[static_cast<std::size_t>(*k)]->file).display_path() + " -> ";
                        if (pos < via_.size() && k + 1 != stack.end())
                            d.secondary(via_[pos]->path.where, "imports the next file of the cycle");
                    }
                    chain += sources_.file(target_file).display_path();
                    d.message = "import cycle: " + chain;
                    d.label(link.target == index ? "the file imports itself" : "this import closes the cycle")
                        .help("move what the files share into a file that imports neither, and import that "
                              "from both");
                }
            }
            else {
                via_.push_back(&imp);
                link.target = load(target_file, stack);
                via_.pop_back();
            }
        }
        if (link.target < 0 && !imp.alias)
            me->unaliased_import_failed = true;
        if (imp.alias) {
            if (auto [it, inserted] = aliases.emplace(imp.alias->text, &imp); !inserted) {
                diags_.error("E0101", imp.alias->where, "two imports are named " + quote(imp.alias->text))
                    .label("second import named " + quote(imp.alias->text))
                    .secondary(it->second->alias->where, "first import named " + quote(imp.alias->text))
                    .help("give each import its own name with `as`");
            }
        }
        me->imports.push_back(link);
        me->module->imports.push_back(
            {link.target >= 0 ? units_[static_cast<std::size_t>(link.target)]->module : nullptr,
             imp.alias ? imp.alias->text : std::string{}, imp.path.text});
    }
    stack.pop_back();
    post_order_.push_back(index);
    return index;
}

} // namespace rtdl::detail
