#include "diagnostics.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <ostream>
#include <sstream>

namespace rtdl {

std::string_view to_string(severity s) noexcept
{
    switch (s) {
    case severity::error: return "error";
    case severity::warning: return "warning";
    case severity::note: return "note";
    }
    return "error";
}

diagnostic& diagnostic::label(std::string text)
{
    for (auto& s : spans) {
        if (s.primary) {
            s.label = std::move(text);
            break;
        }
    }
    return *this;
}

diagnostic& diagnostic::secondary(span where, std::string text)
{
    if (where.valid())
        spans.push_back({where, std::move(text), false});
    return *this;
}

diagnostic& diagnostic::note(std::string text)
{
    notes.push_back(std::move(text));
    return *this;
}

diagnostic& diagnostic::help(std::string text)
{
    helps.push_back(std::move(text));
    return *this;
}

diagnostic& diagnostic::fix(span where, std::string replacement)
{
    if (where.valid())
        fixits.push_back({where, std::move(replacement)});
    return *this;
}

span diagnostic::primary() const noexcept
{
    for (auto& s : spans) {
        if (s.primary)
            return s.where;
    }
    return {};
}

diagnostic& diagnostic_engine::error(std::string code, span where, std::string message)
{
    return add(std::move(code), severity::error, where, std::move(message));
}

diagnostic& diagnostic_engine::warning(std::string code, span where, std::string message)
{
    return add(std::move(code), warnings_as_errors_ ? severity::error : severity::warning, where,
               std::move(message));
}

diagnostic& diagnostic_engine::add(std::string code, rtdl::severity sev, span where, std::string message)
{
    auto& d = diagnostics_.emplace_back();
    d.code = std::move(code);
    d.severity = sev;
    d.message = std::move(message);
    d.sequence = diagnostics_.size() - 1;
    if (where.valid())
        d.spans.push_back({where, {}, true});
    return d;
}

std::size_t diagnostic_engine::error_count() const noexcept
{
    return static_cast<std::size_t>(std::count_if(diagnostics_.begin(), diagnostics_.end(),
                                                  [](auto& d) { return d.severity == severity::error; }));
}

std::size_t diagnostic_engine::warning_count() const noexcept
{
    return static_cast<std::size_t>(std::count_if(diagnostics_.begin(), diagnostics_.end(),
                                                  [](auto& d) { return d.severity == severity::warning; }));
}

std::vector<const diagnostic*> diagnostic_engine::sorted() const
{
    std::vector<const diagnostic*> out;
    for (auto& d : diagnostics_)
        out.push_back(&d);
    std::stable_sort(out.begin(), out.end(), [](const diagnostic* a, const diagnostic* b) {
        span x = a->primary(), y = b->primary();
        // Diagnostics without a location (command-line problems) come first.
        std::uint64_t fx = x.valid() ? x.file : 0, fy = y.valid() ? y.file : 0;
        if (x.valid() != y.valid())
            return !x.valid();
        if (fx != fy)
            return fx < fy;
        return x.begin < y.begin;
    });
    return out;
}

namespace {

std::string first_line(const source_manager& sources, const diagnostic& d, span where, std::string_view sev,
                       std::string_view message, bool with_code)
{
    std::string out;
    if (where.valid()) {
        auto& f = sources.file(where.file);
        auto p = f.position_of(where.begin);
        out = f.display_path() + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": ";
    }
    else {
        out = "rtdlc: ";
    }
    out.append(sev).append(": ").append(message);
    if (with_code && !d.code.empty())
        out.append(" [").append(d.code).append("]");
    return out;
}

/// Display cells from the start of `line` to byte `offset` within it.
unsigned cells_until(std::string_view line, std::size_t offset)
{
    unsigned cells = 0;
    for (std::size_t i = 0; i < offset && i < line.size();)
        cells += display_width(decode_utf8(line, i));
    return cells;
}

unsigned cells_of(std::string_view text)
{
    return cells_until(text, text.size());
}

/// The source line with tabs expanded to 4 spaces (docs/diagnostics.md rule 2).
std::string expand_tabs(std::string_view line)
{
    std::string out;
    for (char c : line) {
        if (c == '\t')
            out += "    ";
        else
            out += c;
    }
    return out;
}

struct mark {
    unsigned column = 0; // in display cells from the start of the line
    unsigned width = 1;
    bool primary = false;
    std::string label;
};

/// A caret line under construction, one display cell per entry.
class cell_line {
public:
    void put(unsigned at, std::string text, unsigned width)
    {
        if (cells_.size() < at + std::max(width, 1u))
            cells_.resize(at + std::max(width, 1u), " ");
        cells_[at] = std::move(text);
        for (unsigned k = 1; k < width; ++k)
            cells_[at + k] = "";
    }
    void fill(unsigned at, unsigned width, char c)
    {
        for (unsigned k = 0; k < width; ++k)
            put(at + k, std::string(1, c), 1);
    }
    std::string str() const
    {
        std::string out;
        for (auto& c : cells_)
            out += c;
        while (!out.empty() && out.back() == ' ')
            out.pop_back();
        return out;
    }

private:
    std::vector<std::string> cells_;
};

/// Writes the caret line(s) of one source line, Rust style: labels that do not fit
/// before the next mark hang below it on their own lines.
void write_marks(std::ostream& out, const std::string& gutter, std::vector<mark> marks)
{
    std::stable_sort(marks.begin(), marks.end(), [](auto& a, auto& b) { return a.column < b.column; });
    cell_line line;
    for (auto& m : marks) {
        if (!m.primary)
            line.fill(m.column, m.width, '-');
    }
    for (auto& m : marks) {
        if (m.primary)
            line.fill(m.column, m.width, '^');
    }
    std::vector<const mark*> hanging;
    for (std::size_t i = 0; i < marks.size(); ++i) {
        auto& m = marks[i];
        if (m.label.empty())
            continue;
        unsigned start = m.column + m.width + 1;
        bool last = i + 1 == marks.size();
        if (last || start + cells_of(m.label) + 1 <= marks[i + 1].column)
            line.put(start, m.label, cells_of(m.label));
        else
            hanging.push_back(&m);
    }
    out << gutter << "| " << line.str() << "\n";
    if (hanging.empty())
        return;
    cell_line bars;
    for (auto* m : hanging)
        bars.put(m->column, "|", 1);
    out << gutter << "| " << bars.str() << "\n";
    for (std::size_t i = hanging.size(); i-- > 0;) {
        cell_line l;
        for (std::size_t k = 0; k < i; ++k)
            l.put(hanging[k]->column, "|", 1);
        l.put(hanging[i]->column, hanging[i]->label, cells_of(hanging[i]->label));
        out << gutter << "| " << l.str() << "\n";
    }
}

void write_indented(std::ostream& out, const std::string& prefix, const std::string& text)
{
    // Continuation lines of a multi-line note align with the text after "= note: ".
    std::string pad(prefix.size(), ' ');
    std::size_t start = 0;
    bool first = true;
    while (true) {
        auto nl = text.find('\n', start);
        out << (first ? prefix : pad) << text.substr(start, nl == std::string::npos ? nl : nl - start)
            << "\n";
        if (nl == std::string::npos)
            break;
        start = nl + 1;
        first = false;
    }
}

} // namespace

void render_human(std::ostream& out, const source_manager& sources, const diagnostic& d)
{
    span primary = d.primary();
    out << first_line(sources, d, primary, to_string(d.severity), d.message, true) << "\n";

    // Spans grouped by file (the primary's file first), then by line.
    std::vector<file_id> file_order;
    for (auto& s : d.spans) {
        if (std::find(file_order.begin(), file_order.end(), s.where.file) == file_order.end())
            file_order.push_back(s.where.file);
    }
    std::uint32_t widest = 0;
    for (auto& s : d.spans)
        widest = std::max(widest, sources.start_of(s.where).line);
    std::string gutter(std::to_string(widest).size() + 1, ' ');

    for (std::size_t g = 0; g < file_order.size(); ++g) {
        auto& f = sources.file(file_order[g]);
        std::map<std::uint32_t, std::vector<mark>> lines;
        const labelled_span* first = nullptr;
        for (auto& s : d.spans) {
            if (s.where.file != file_order[g])
                continue;
            if (!first)
                first = &s;
            auto p = f.position_of(s.where.begin);
            auto text = f.line_text(p.line);
            std::size_t in_line = s.where.begin - f.line_start(p.line);
            std::size_t end_in_line = std::min<std::size_t>(s.where.end - f.line_start(p.line), text.size());
            unsigned col = cells_until(text, in_line);
            unsigned width = end_in_line > in_line ? cells_until(text, end_in_line) - col : 1;
            lines[p.line].push_back({col, std::max(width, 1u), s.primary, s.label});
        }
        if (g > 0) {
            auto p = f.position_of(first->where.begin);
            out << gutter.substr(1) << "::: " << f.display_path() << ":" << p.line << ":" << p.column << "\n";
        }
        out << gutter << "|\n";
        std::uint32_t previous = 0;
        for (auto& [line, marks] : lines) {
            if (previous != 0 && line > previous + 1)
                out << "...\n";
            auto number = std::to_string(line);
            out << std::string(gutter.size() - 1 - number.size(), ' ') << number << " | "
                << expand_tabs(f.line_text(line)) << "\n";
            write_marks(out, gutter, marks);
            previous = line;
        }
    }
    if (!file_order.empty())
        out << gutter << "|\n";
    for (auto& n : d.notes)
        write_indented(out, gutter + "= note: ", n);
    for (auto& h : d.helps)
        write_indented(out, gutter + "= help: ", h);
    out << "\n";
}

void render_gcc(std::ostream& out, const source_manager& sources, const diagnostic& d)
{
    span primary = d.primary();
    out << first_line(sources, d, primary, to_string(d.severity), d.message, true) << "\n";
    for (auto& s : d.spans) {
        if (!s.primary && !s.label.empty())
            out << first_line(sources, d, s.where, "note", s.label, false) << "\n";
    }
    for (auto& n : d.notes)
        out << first_line(sources, d, primary, "note", n, false) << "\n";
    for (auto& h : d.helps)
        out << first_line(sources, d, primary, "note", "help: " + h, false) << "\n";
}

namespace {

boost::json::object json_range(const source_manager& sources, span where)
{
    auto& f = sources.file(where.file);
    auto b = f.position_of(where.begin);
    auto e = f.position_of(where.end);
    return {{"file", f.display_path()},
            {"line", b.line},
            {"col", b.column},
            {"end_line", e.line},
            {"end_col", e.column}};
}

} // namespace

void render_json(std::ostream& out, const source_manager& sources, const diagnostic& d)
{
    boost::json::array spans;
    for (auto& s : d.spans) {
        auto o = json_range(sources, s.where);
        o["label"] = s.label;
        o["primary"] = s.primary;
        spans.push_back(std::move(o));
    }
    boost::json::array notes(d.notes.begin(), d.notes.end());
    boost::json::array helps(d.helps.begin(), d.helps.end());
    boost::json::array fixits;
    for (auto& f : d.fixits) {
        auto o = json_range(sources, f.where);
        o["replacement"] = f.replacement;
        fixits.push_back(std::move(o));
    }
    boost::json::object o{{"code", d.code},
                          {"severity", to_string(d.severity)},
                          {"message", d.message},
                          {"spans", std::move(spans)},
                          {"notes", std::move(notes)},
                          {"help", std::move(helps)},
                          {"fixits", std::move(fixits)}};
    out << boost::json::serialize(o) << "\n";
}

std::string terminal_safe(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp = decode_utf8(text, i);  // a byte that is not UTF-8 comes back as U+FFFD
        if (cp == U'\n')
            out += '\n';
        else if (cp < 0x20)
            append_utf8(out, 0x2400 + cp);   // U+2401 for ^A, U+241B for ESC: one cell, as before
        else if (cp == 0x7f)
            append_utf8(out, 0x2421);
        else
            append_utf8(out, cp);
    }
    return out;
}

std::size_t render(std::ostream& final_out, const source_manager& sources,
                   const std::vector<const diagnostic*>& list, diagnostic_format format,
                   std::size_t error_limit)
{
    // Everything goes through terminal_safe(): a contract's text (in messages, labels and
    // the quoted line) must not reach the terminal as escape sequences or broken UTF-8.
    std::ostringstream out;
    std::size_t written = 0, errors = 0;
    for (auto* d : list) {
        if (d->severity == severity::error && error_limit != 0 && ++errors > error_limit) {
            diagnostic stop;
            stop.message =
                "too many errors emitted, stopping now (raise the limit with --error-limit N, 0 for none)";
            if (format == diagnostic_format::json)
                render_json(out, sources, stop);
            else
                out << "rtdlc: error: " << stop.message << "\n";
            break;
        }
        switch (format) {
        case diagnostic_format::human: render_human(out, sources, *d); break;
        case diagnostic_format::gcc: render_gcc(out, sources, *d); break;
        case diagnostic_format::json: render_json(out, sources, *d); break;
        }
        ++written;
    }
    final_out << terminal_safe(out.str());
    return written;
}

} // namespace rtdl
