#pragma once
/** @file
    Source files and spans: where every diagnostic and every model element points.

    Positions are byte offsets into the file's UTF-8 text. They become 1-based line and
    column numbers only when shown to a person (docs/diagnostics.md, rule 2):
    a column counts Unicode code points, a tab counting as 4, so that the caret line of
    a diagnostic lines up with the source line it underlines.
*/
#include <cstdint>
#include <deque>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace rtdl {

/// Index of a file in its `source_manager`.
using file_id = std::uint32_t;

/// A file id that names no file (a span with no location, e.g. for a CLI error).
inline constexpr file_id no_file = 0xffffffffu;

/// A half-open byte range `[begin, end)` in one file.
struct span {
    file_id file = no_file;
    std::uint32_t begin = 0;
    std::uint32_t end = 0;

    bool valid() const noexcept { return file != no_file; }
    std::uint32_t size() const noexcept { return end - begin; }
    friend bool operator==(const span&, const span&) = default;
};

/// A span from the start of `a` to the end of `b` (both in the same file).
span merge(span a, span b) noexcept;

/// A 1-based line and column; the column counts code points, a tab counting as 4.
struct position {
    std::uint32_t line = 1;
    std::uint32_t column = 1;
};

/// One source file, its text and its line table.
class source_file {
public:
    source_file(std::string display_path, std::filesystem::path absolute_path, std::string text);

    /// The path as the user wrote it (or as derived from an import), used in diagnostics.
    const std::string& display_path() const noexcept { return display_path_; }
    /// The absolute, normalised path, used for identity, cycles and depfiles.
    const std::filesystem::path& absolute_path() const noexcept { return absolute_path_; }
    const std::string& text() const noexcept { return text_; }

    /// The line and column of a byte offset (clamped to the end of the text).
    position position_of(std::uint32_t offset) const noexcept;
    /// The text of a 1-based line, without its line break (and without a trailing '\r').
    std::string_view line_text(std::uint32_t line) const noexcept;
    /// The byte offset where a 1-based line starts.
    std::uint32_t line_start(std::uint32_t line) const noexcept;
    std::uint32_t line_count() const noexcept { return static_cast<std::uint32_t>(line_starts_.size()); }

private:
    std::string display_path_;
    std::filesystem::path absolute_path_;
    std::string text_;
    std::vector<std::uint32_t> line_starts_;
};

/// Owns every file of one compilation; ids stay valid and files never move.
class source_manager {
public:
    /// Adds a file held in memory (tests, the fuzzer); returns its id.
    file_id add(std::string display_path, std::filesystem::path absolute_path, std::string text);

    /** Reads a file from disk.
        @return its id, or `no_file` with `error` set to the reason (e.g. "No such file").
        A file already loaded (same absolute path) is returned again, not re-read.
    */
    file_id load(const std::filesystem::path& path, std::string display_path, std::string& error);

    /// The id of an already loaded file with this absolute path, or `no_file`.
    file_id find(const std::filesystem::path& absolute_path) const noexcept;

    const source_file& file(file_id id) const { return files_.at(id); }
    std::size_t size() const noexcept { return files_.size(); }

    /// Convenience: the position of a span's start.
    position start_of(span s) const { return file(s.file).position_of(s.begin); }

private:
    std::deque<source_file> files_;
};

/// Display width of one code point in a terminal: 0 for combining marks, 2 for East
/// Asian wide and emoji, 4 for a tab, 1 otherwise. Used only to draw caret lines.
unsigned display_width(char32_t cp) noexcept;

/** Decodes one UTF-8 code point at `text[i]`, advancing `i`. An invalid byte decodes as
    U+FFFD and advances by one, so a scan over bad input always terminates.
*/
char32_t decode_utf8(std::string_view text, std::size_t& i) noexcept;

/// Appends the UTF-8 encoding of `cp` to `out`.
void append_utf8(std::string& out, char32_t cp);

} // namespace rtdl
