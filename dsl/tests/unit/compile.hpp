#pragma once
// Test helper: check `.rtdl` text held in memory, with optional in-memory imports.

#include "checker.hpp"
#include "diagnostics.hpp"

#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace rtdl::test {

struct compiled {
    source_manager sources;
    diagnostic_engine diags;
    check_result result;

    /// "E0102@3:5" for each diagnostic, sorted by position.
    std::vector<std::string> codes() const
    {
        std::vector<std::string> out;
        for (auto* d : diags.sorted()) {
            auto p = sources.start_of(d->primary());
            out.push_back(d->code + "@" + std::to_string(p.line) + ":" + std::to_string(p.column));
        }
        return out;
    }

    std::string rendered(diagnostic_format format = diagnostic_format::human) const
    {
        std::ostringstream out;
        render(out, sources, diags.sorted(), format, 0);
        return out.str();
    }

    const model::module& main() const { return *result.program->main; }
};

/// Checks `text` as /virtual/main.rtdl; `files` are other /virtual/<name> files.
inline std::unique_ptr<compiled> compile(const std::string& text,
                                         const std::map<std::string, std::string>& files = {})
{
    auto c = std::make_unique<compiled>();
    auto id = c->sources.add("main.rtdl", "/virtual/main.rtdl", text);
    for (auto& [name, body] : files)
        c->sources.add(name, "/virtual/" + name, body);
    c->result = check(c->sources, id, check_options{}, c->diags);
    return c;
}

} // namespace rtdl::test
