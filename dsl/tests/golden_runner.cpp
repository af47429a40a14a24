// Golden diagnostics tests (docs/diagnostics.md rule 10).
//
// Each case `<dir>/<case>.rtdl` states what it must produce, in the style of clang's
// -verify mode:
//
//     // expect: error E0402 @79:17             line 79, column 17 of this file
//     // expect: warning W0201 @+1:5            one line below this comment
//     // expect: error E0105 @imports/b.rtdl:3:8  in another file
//     // options: --error-limit=3 --warnings-as-errors -I imports
//
// The runner checks the diagnostics against the expectations (severity, code, file,
// line, column; every diagnostic must be expected and every expectation met), then
// compares the human rendering with `<case>.stderr`.
//
//     rtdl_golden DIR CASE.rtdl...          run cases (paths relative to DIR)
//     rtdl_golden --coverage DIR SRC DOC    every code in SRC/*.cpp has a case and a DOC entry
//
// RTDL_UPDATE_SNAPSHOTS=1 (or --update) rewrites the .stderr snapshots instead.

#include "checker.hpp"
#include "diagnostics.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct expected {
    std::string severity, code, file;
    unsigned line = 0, column = 0;
    auto key() const { return std::tie(severity, code, file, line, column); }
    bool operator<(const expected& o) const { return key() < o.key(); }
    std::string str() const
    {
        return severity + " " + code + " @" + file + ":" + std::to_string(line) + ":" +
               std::to_string(column);
    }
};

struct case_options {
    std::size_t error_limit = 20;
    bool warnings_as_errors = false;
    std::vector<fs::path> import_dirs;
};

bool run_case(const std::string& name, bool update)
{
    std::string text = read(name);
    std::multiset<expected> want;
    case_options opts;
    static const std::regex expect_re(
        R"(expect:\s*(error|warning)\s+([EW]\d{4})\s*@(?:([^\s:@]+):)?([+-]?\d+):(\d+))");
    std::istringstream lines(text);
    std::string line;
    unsigned number = 0;
    bool ok = true;
    while (std::getline(lines, line)) {
        ++number;
        for (auto it = std::sregex_iterator(line.begin(), line.end(), expect_re);
             it != std::sregex_iterator(); ++it) {
            auto& m = *it;
            expected e;
            e.severity = m[1];
            e.code = m[2];
            e.file = m[3].matched ? m[3].str() : name;
            std::string at = m[4];
            e.line = at[0] == '+'   ? number + static_cast<unsigned>(std::stoul(at.substr(1)))
                     : at[0] == '-' ? number - static_cast<unsigned>(std::stoul(at.substr(1)))
                                    : static_cast<unsigned>(std::stoul(at));
            e.column = static_cast<unsigned>(std::stoul(m[5]));
            want.insert(e);
        }
        if (auto pos = line.find("// options:"); pos != std::string::npos) {
            std::istringstream words(line.substr(pos + 11));
            std::string w;
            while (words >> w) {
                if (w.rfind("--error-limit=", 0) == 0)
                    opts.error_limit = std::stoul(w.substr(14));
                else if (w == "--warnings-as-errors")
                    opts.warnings_as_errors = true;
                else if (w == "-I" && (words >> w))
                    opts.import_dirs.emplace_back(w);
            }
        }
    }

    rtdl::source_manager sources;
    rtdl::diagnostic_engine diags;
    diags.set_warnings_as_errors(opts.warnings_as_errors);
    std::string error;
    auto id = sources.load(name, name, error);
    if (id == rtdl::no_file) {
        std::cout << name << ": cannot read: " << error << "\n";
        return false;
    }
    rtdl::check_options check_opts;
    check_opts.import_dirs = opts.import_dirs;
    rtdl::check(sources, id, check_opts, diags);

    std::multiset<expected> got;
    for (auto* d : diags.sorted()) {
        expected e;
        e.severity = std::string(rtdl::to_string(d->severity));
        e.code = d->code;
        if (auto s = d->primary(); s.valid()) {
            auto p = sources.start_of(s);
            e.file = sources.file(s.file).display_path();
            e.line = p.line;
            e.column = p.column;
        }
        got.insert(e);
    }
    std::set<expected> keys(want.begin(), want.end());
    keys.insert(got.begin(), got.end());
    for (auto& e : keys) {
        auto g = got.count(e), w = want.count(e);
        if (g == w)
            continue;
        ok = false;
        if (g == 0)
            std::cout << name << ": expected " << e.str() << ", which was not reported\n";
        else if (w == 0)
            std::cout << name << ": unexpected " << e.str() << "\n";
        else
            std::cout << name << ": " << e.str() << " reported " << g << " times, expected " << w << "\n";
    }
    if (want.empty()) {
        std::cout << name << ": the case expects nothing; every golden case must expect a diagnostic\n";
        ok = false;
    }

    std::ostringstream rendered;
    rtdl::render(rendered, sources, diags.sorted(), rtdl::diagnostic_format::human, opts.error_limit);
    fs::path snapshot = fs::path(name).replace_extension(".stderr");
    if (update) {
        std::ofstream(snapshot, std::ios::binary) << rendered.str();
    }
    else if (read(snapshot) != rendered.str()) {
        std::cout << name << ": the human rendering differs from " << snapshot.string()
                  << " (RTDL_UPDATE_SNAPSHOTS=1 rewrites it). Got:\n"
                  << rendered.str();
        ok = false;
    }
    return ok;
}

/// Every code the compiler reports has a golden case and a catalogue entry.
bool coverage(const fs::path& cases, const fs::path& sources, const fs::path& doc)
{
    static const std::regex code_re(R"re("([EW]0\d{3})")re");
    std::set<std::string> codes;
    for (auto& f : fs::directory_iterator(sources)) {
        if (f.path().extension() != ".cpp")
            continue;
        auto text = read(f.path());
        for (auto it = std::sregex_iterator(text.begin(), text.end(), code_re); it != std::sregex_iterator();
             ++it)
            codes.insert((*it)[1]);
    }
    std::set<std::string> expected_codes;
    static const std::regex expect_re(R"(expect:\s*(?:error|warning)\s+([EW]\d{4}))");
    for (auto& f : fs::directory_iterator(cases)) {
        if (f.path().extension() != ".rtdl")
            continue;
        auto text = read(f.path());
        for (auto it = std::sregex_iterator(text.begin(), text.end(), expect_re);
             it != std::sregex_iterator(); ++it)
            expected_codes.insert((*it)[1]);
    }
    auto catalogue = read(doc);
    bool ok = !codes.empty();
    for (auto& c : codes) {
        if (!expected_codes.count(c)) {
            std::cout << c << " has no golden case in " << cases.string() << "\n";
            ok = false;
        }
        if (catalogue.find("## " + c) == std::string::npos) {
            std::cout << c << " has no `## " << c << "` entry in " << doc.string() << "\n";
            ok = false;
        }
    }
    std::cout << codes.size() << " codes checked\n";
    return ok;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    bool update =
        std::getenv("RTDL_UPDATE_SNAPSHOTS") && std::string(std::getenv("RTDL_UPDATE_SNAPSHOTS")) == "1";
    if (!args.empty() && args[0] == "--update") {
        update = true;
        args.erase(args.begin());
    }
    if (args.size() == 4 && args[0] == "--coverage")
        return coverage(args[1], args[2], args[3]) ? 0 : 1;
    if (args.size() < 2) {
        std::cerr << "usage: rtdl_golden [--update] DIR CASE.rtdl...\n"
                     "       rtdl_golden --coverage CASE_DIR SRC_DIR CATALOGUE\n";
        return 2;
    }
    fs::current_path(args[0]);
    bool ok = true;
    for (std::size_t i = 1; i < args.size(); ++i)
        ok = run_case(args[i], update) && ok;
    return ok ? 0 : 1;
}
