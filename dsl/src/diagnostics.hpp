#pragma once
/** @file
    The diagnostic model and its three renderings (docs/diagnostics.md, "The format").

    A diagnostic has a code (`E0102`, `W0201`), a severity, a message in DSL terms, one
    primary span (underlined with `^`) and any number of labelled secondary spans
    (underlined with `-`, possibly in other files), notes, help lines and machine-readable
    fix-its. The engine collects them during a compilation; the driver renders them once,
    sorted by position, as `human`, `gcc` or `json`, honouring the error limit.
*/
#include "source.hpp"

#include <cstddef>
#include <deque>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace rtdl {

enum class severity { error, warning, note };

/// "error", "warning" or "note".
std::string_view to_string(severity s) noexcept;

/// A span with a short label; exactly one span of a diagnostic is primary.
struct labelled_span {
    span where;
    std::string label;
    bool primary = false;
};

/// A machine-applicable edit: replace the text of `where` (empty span = insert) by `replacement`.
struct fixit {
    span where;
    std::string replacement;
};

/** One diagnostic. Build it with the engine's `error()`/`warning()` and the chainable
    setters below, e.g.

    @code
    diags.error("E0102", name.where, "unknown type `Foo`")
        .label("not declared in this file or its imports")
        .help("did you mean `Food`?");
    @endcode
*/
struct diagnostic {
    std::string code;
    rtdl::severity severity = severity::error;
    std::string message;
    /// Primary first (when there is one), then secondary spans in the order added.
    std::vector<labelled_span> spans;
    std::vector<std::string> notes;
    std::vector<std::string> helps;
    std::vector<fixit> fixits;
    /// Order of reporting, the tie-breaker when sorting by position.
    std::size_t sequence = 0;

    /// Sets the label of the primary span.
    diagnostic& label(std::string text);
    /// Adds a secondary span, underlined with `-`.
    diagnostic& secondary(span where, std::string text);
    diagnostic& note(std::string text);
    diagnostic& help(std::string text);
    diagnostic& fix(span where, std::string replacement);

    /// The primary span, or an invalid span when the diagnostic has no location.
    span primary() const noexcept;
};

/// How the driver renders diagnostics (`--error-format`).
enum class diagnostic_format { human, gcc, json };

/** Collects the diagnostics of one compilation.

    Warnings can be promoted to errors (`--warnings-as-errors`). Diagnostics are kept,
    not printed, so that they can be sorted by position before rendering: semantic checks
    run after parsing but their findings read best in source order.
*/
class diagnostic_engine {
public:
    /// Starts an error; returns it for the chainable setters.
    diagnostic& error(std::string code, span where, std::string message);
    /// Starts a warning (an error when warnings are promoted).
    diagnostic& warning(std::string code, span where, std::string message);

    void set_warnings_as_errors(bool on) noexcept { warnings_as_errors_ = on; }

    std::size_t error_count() const noexcept;
    std::size_t warning_count() const noexcept;
    bool has_errors() const noexcept { return error_count() > 0; }

    /// Every diagnostic so far, in reporting order.
    const std::deque<diagnostic>& all() const noexcept { return diagnostics_; }

    /// The diagnostics sorted by file, line and column (stable for equal positions).
    std::vector<const diagnostic*> sorted() const;

private:
    diagnostic& add(std::string code, rtdl::severity sev, span where, std::string message);

    std::deque<diagnostic> diagnostics_;
    bool warnings_as_errors_ = false;
};

/** Renders diagnostics in one format.

    `error_limit` (0 = none) stops after that many errors and prints "too many errors",
    like clang's `-ferror-limit`. Warnings count against nothing.
    @return the number of diagnostics written.
*/
/** `text` made safe to print: control characters other than newline become their
    Unicode control pictures (U+2400 + c, U+2421 for DEL; one display cell each, so
    carets stay aligned) and bytes that are not UTF-8 become U+FFFD. Every renderer's
    output goes through it. */
std::string terminal_safe(std::string_view text);

std::size_t render(std::ostream& out, const source_manager& sources,
                   const std::vector<const diagnostic*>& list, diagnostic_format format,
                   std::size_t error_limit = 20);

/// Renders one diagnostic in the human format (the source snippet with carets).
void render_human(std::ostream& out, const source_manager& sources, const diagnostic& d);
/// Renders one diagnostic as gcc-style lines: the first line, then `note:` lines.
void render_gcc(std::ostream& out, const source_manager& sources, const diagnostic& d);
/// Renders one diagnostic as a single line of JSON (see docs/diagnostics.md rule 9).
void render_json(std::ostream& out, const source_manager& sources, const diagnostic& d);

} // namespace rtdl
