#include "driver.hpp"

#include "checker.hpp"
#include "diagnostics.hpp"
#include "emit_cpp.hpp"
#include "emit_ir.hpp"
#include "emit_ts.hpp"
#include "output_file.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <optional>
#include <ostream>

namespace rtdl {
namespace {

constexpr const char* usage =
    "usage: rtdlc [--emit=cpp|ts|asyncapi|ir]... [--out-dir DIR] [--depfile FILE] [-I DIR]...\n"
    "             [--error-format=human|gcc|json] [--error-limit N] [--warnings-as-errors]\n"
    "             [--check] [--always-write] [--cpp-parts N] FILE.rtdl\n"
    "       rtdlc --version\n"
    "Without --emit, rtdlc checks FILE and says so; --check checks silently.\n";

#ifndef RTDLC_VERSION
#define RTDLC_VERSION "0.0.0"
#endif
/// The compiler's version (the project's) and the language version it reads (`rtdl 1;`).
constexpr const char* version_line = "rtdlc " RTDLC_VERSION " (rtdl language 1)\n";

struct options {
    std::vector<std::string> emit;
    std::filesystem::path out_dir = ".";
    std::optional<std::filesystem::path> depfile;
    check_options check;
    diagnostic_format format = diagnostic_format::human;
    std::size_t error_limit = 20;
    bool warnings_as_errors = false;
    bool check_only = false;
    bool always_write = false;
    std::size_t cpp_parts = 1;
    std::string input;
};

/// Parses the command line; returns an error message, empty when fine.
std::string parse_args(const std::vector<std::string>& args, options& o, bool& help, bool& version)
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        // `--flag=value`, `--flag value`, and `-Ivalue` / `-I value`.
        auto value_of = [&](std::string_view flag, std::string& out) -> int {
            if (a == flag) {
                if (i + 1 >= args.size())
                    return -1;
                out = args[++i];
                return 1;
            }
            std::string prefix = std::string(flag) + (flag.size() == 2 ? "" : "=");
            if (a.size() > prefix.size() && a.compare(0, prefix.size(), prefix) == 0) {
                out = a.substr(prefix.size());
                return 1;
            }
            return 0;
        };
        std::string v;
        int r = 0;
        if (a == "-h" || a == "--help") {
            help = true;
            return {};
        }
        if (a == "--version") {
            version = true;
            return {};
        }
        if (a == "--warnings-as-errors") {
            o.warnings_as_errors = true;
        }
        else if (a == "--check") {
            o.check_only = true;
        }
        else if (a == "--always-write") {
            o.always_write = true;
        }
        else if ((r = value_of("--emit", v)) != 0) {
            if (r < 0)
                return "--emit needs a value";
            for (std::size_t start = 0; start <= v.size();) {
                auto comma = v.find(',', start);
                auto kind = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
                if (kind != "cpp" && kind != "ts" && kind != "asyncapi" && kind != "ir")
                    return "unknown output kind `" + kind + "` for --emit (expected cpp, ts, asyncapi or ir)";
                if (std::find(o.emit.begin(), o.emit.end(), kind) == o.emit.end())
                    o.emit.push_back(kind);
                if (comma == std::string::npos)
                    break;
                start = comma + 1;
            }
        }
        else if ((r = value_of("--out-dir", v)) != 0) {
            if (r < 0)
                return "--out-dir needs a directory";
            o.out_dir = v;
        }
        else if ((r = value_of("--depfile", v)) != 0) {
            if (r < 0)
                return "--depfile needs a file name";
            o.depfile = v;
        }
        else if ((r = value_of("-I", v)) != 0 || (r = value_of("--import-dir", v)) != 0) {
            if (r < 0)
                return "-I needs a directory";
            o.check.import_dirs.emplace_back(v);
        }
        else if ((r = value_of("--error-format", v)) != 0) {
            if (r < 0)
                return "--error-format needs a value";
            if (v == "human")
                o.format = diagnostic_format::human;
            else if (v == "gcc")
                o.format = diagnostic_format::gcc;
            else if (v == "json")
                o.format = diagnostic_format::json;
            else
                return "unknown --error-format `" + v + "` (expected human, gcc or json)";
        }
        else if ((r = value_of("--error-limit", v)) != 0) {
            std::size_t n = 0;
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (r < 0 || ec != std::errc{} || end != v.data() + v.size())
                return "--error-limit needs a whole number (0 for no limit)";
            o.error_limit = n;
        }
        else if ((r = value_of("--cpp-parts", v)) != 0) {
            std::size_t n = 0;
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (r < 0 || ec != std::errc{} || end != v.data() + v.size() || n < 1 || n > 256)
                return "--cpp-parts needs a whole number from 1 to 256";
            o.cpp_parts = n;
        }
        else if ((r = value_of("--diff", v)) != 0) {
            return "--diff is not implemented yet";
        }
        else if (!a.empty() && a[0] == '-' && a != "-") {
            return "unknown option `" + a + "`";
        }
        else if (!o.input.empty()) {
            return "one input file at a time (got `" + o.input + "` and `" + a + "`)";
        }
        else {
            o.input = a;
        }
    }
    if (o.input.empty())
        return "no input file";
    return {};
}

/// A problem with no place in the source (a file that cannot be read or written).
void report_plain(std::ostream& err, const source_manager& sources, diagnostic_format format,
                  std::string message)
{
    diagnostic d;
    d.message = std::move(message);
    if (format == diagnostic_format::json)
        render_json(err, sources, d);
    else
        err << "rtdlc: error: " << d.message << "\n";
}

} // namespace

int run_rtdlc(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    options o;
    bool help = false;
    bool version = false;
    if (auto problem = parse_args(args, o, help, version); !problem.empty()) {
        err << "rtdlc: error: " << problem << "\n" << usage;
        return problem.find("not implemented") != std::string::npos ? 3 : 2;
    }
    if (help) {
        out << usage;
        return 0;
    }
    if (version) {
        out << version_line;
        return 0;
    }

    source_manager sources;
    diagnostic_engine diags;
    diags.set_warnings_as_errors(o.warnings_as_errors);
    std::string error;
    file_id main = sources.load(o.input, o.input, error);
    if (main == no_file) {
        report_plain(err, sources, o.format, "cannot read `" + o.input + "`: " + error);
        return 1;
    }
    auto result = check(sources, main, o.check, diags);
    render(err, sources, diags.sorted(), o.format, o.error_limit);
    if (!result.program)
        return 1;
    if (o.check_only)
        return 0;
    if (o.emit.empty()) {
        // Asked for nothing: say what was done, so a silent success is not mistaken for
        // generated files.
        std::size_t warnings = 0;
        for (const auto& d : diags.sorted())
            warnings += d->severity == severity::warning ? 1 : 0;
        out << "rtdlc: " << o.input << ": checked, no errors";
        if (warnings)
            out << ", " << warnings << " warning(s)";
        out << "; nothing written (--emit=cpp|ts|ir generates)\n";
        return 0;
    }

    for (auto& kind : o.emit) {
        if (kind == "asyncapi") {
            err << "rtdlc: error: --emit=" << kind << " is not implemented yet\n";
            return 3;
        }
    }
    std::vector<std::filesystem::path> written;
    auto stem = result.program->main->stem;
    auto write = [&](const std::string& name, const std::string& content) {
        auto path = std::filesystem::absolute(o.out_dir / name).lexically_normal();
        if (auto problem = write_if_changed(path, content, o.always_write); !problem.empty()) {
            report_plain(err, sources, o.format, "cannot write `" + path.string() + "`: " + problem);
            return false;
        }
        written.push_back(path);
        return true;
    };
    for (auto& kind : o.emit) {
        if (kind == "ir" && !write(stem + ".rtdl.json", emit_ir(*result.program)))
            return 1;
        if (kind == "cpp") {
            auto cpp = emit_cpp(*result.program, o.cpp_parts);
            if (!write(stem + ".rtdl.hpp", cpp.header))
                return 1;
            for (std::size_t k = 0; k < cpp.sources.size(); ++k)
                if (!write(cpp_source_name(stem, k), cpp.sources[k]))
                    return 1;
        }
        if (kind == "ts") {
            // Every module, imports first: the main file's `import type` lines name them.
            for (const auto& mod : result.program->modules)
                if (!write(mod->stem + ".rtdl.ts", emit_ts(*mod)))
                    return 1;
        }
    }
    if (o.depfile) {
        // Make syntax, absolute paths (CMP0116 would resolve relative ones against the
        // binary directory): `<outputs>: <input> <imports>`.
        std::string text;
        for (auto& p : written)
            text += (text.empty() ? "" : " ") + depfile_escape(p.string());
        text += ":";
        for (auto& d : result.dependencies)
            text += " " + depfile_escape(d.string());
        text += "\n";
        auto path = std::filesystem::absolute(*o.depfile).lexically_normal();
        if (auto problem = write_if_changed(path, text, o.always_write); !problem.empty()) {
            report_plain(err, sources, o.format, "cannot write `" + path.string() + "`: " + problem);
            return 1;
        }
    }
    return 0;
}

} // namespace rtdl
