#include "source.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

namespace rtdl {

span merge(span a, span b) noexcept
{
    if (!a.valid())
        return b;
    if (!b.valid() || a.file != b.file)
        return a;
    return span{a.file, std::min(a.begin, b.begin), std::max(a.end, b.end)};
}

source_file::source_file(std::string display_path, std::filesystem::path absolute_path, std::string text)
    : display_path_(std::move(display_path)), absolute_path_(std::move(absolute_path)), text_(std::move(text))
{
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < text_.size(); ++i) {
        if (text_[i] == '\n')
            line_starts_.push_back(static_cast<std::uint32_t>(i + 1));
    }
}

position source_file::position_of(std::uint32_t offset) const noexcept
{
    offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text_.size()));
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    auto line = static_cast<std::uint32_t>(it - line_starts_.begin());
    std::uint32_t column = 1;
    std::string_view text{text_};
    for (std::size_t i = line_starts_[line - 1]; i < offset;) {
        char32_t cp = decode_utf8(text, i);
        column += cp == U'\t' ? 4 : 1;
    }
    return {line, column};
}

std::uint32_t source_file::line_start(std::uint32_t line) const noexcept
{
    if (line == 0 || line > line_starts_.size())
        return static_cast<std::uint32_t>(text_.size());
    return line_starts_[line - 1];
}

std::string_view source_file::line_text(std::uint32_t line) const noexcept
{
    if (line == 0 || line > line_starts_.size())
        return {};
    std::size_t begin = line_starts_[line - 1];
    std::size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
    std::string_view s{text_.data() + begin, end - begin};
    if (!s.empty() && s.back() == '\r')
        s.remove_suffix(1);
    return s;
}

file_id source_manager::add(std::string display_path, std::filesystem::path absolute_path, std::string text)
{
    files_.emplace_back(std::move(display_path), std::move(absolute_path), std::move(text));
    return static_cast<file_id>(files_.size() - 1);
}

file_id source_manager::find(const std::filesystem::path& absolute_path) const noexcept
{
    for (std::size_t i = 0; i < files_.size(); ++i) {
        if (files_[i].absolute_path() == absolute_path)
            return static_cast<file_id>(i);
    }
    return no_file;
}

file_id source_manager::load(const std::filesystem::path& path, std::string display_path, std::string& error)
{
    std::error_code ec;
    auto absolute = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
    if (ec)
        absolute = std::filesystem::absolute(path).lexically_normal();
    if (auto id = find(absolute); id != no_file)
        return id;
    if (std::filesystem::is_directory(absolute, ec)) {
        error = "it is a directory";
        return no_file;
    }
    std::ifstream in(absolute, std::ios::binary);
    if (!in) {
        error = std::filesystem::exists(absolute, ec) ? "permission denied" : "no such file";
        return no_file;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return add(std::move(display_path), std::move(absolute), std::move(text).str());
}

char32_t decode_utf8(std::string_view text, std::size_t& i) noexcept
{
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    std::size_t len = b0 >= 0xf0 && b0 < 0xf5 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc2 && b0 < 0xe0 ? 2 : 0;
    if (len == 0 || i + len > text.size()) {
        ++i;
        return U'\uFFFD';
    }
    char32_t cp = b0 & (0xff >> (len + 1));
    for (std::size_t k = 1; k < len; ++k) {
        if ((byte(i + k) & 0xc0) != 0x80) {
            ++i;
            return U'\uFFFD';
        }
        cp = (cp << 6) | (byte(i + k) & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
        ++i;
        return U'\uFFFD';
    }
    i += len;
    return cp;
}

void append_utf8(std::string& out, char32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    }
    else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
    else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
    else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

unsigned display_width(char32_t cp) noexcept
{
    if (cp == U'\t')
        return 4;
    // Combining marks and zero-width joiners/selectors take no cell of their own.
    if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
        (cp >= 0x20d0 && cp <= 0x20ff))
        return 0;
    // East Asian Wide and Fullwidth blocks, and the emoji planes (as wcwidth() in glibc).
    if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0x33ff) ||
        (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
        (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
        (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) ||
        (cp >= 0x1f300 && cp <= 0x1f64f) || (cp >= 0x1f900 && cp <= 0x1f9ff) ||
        (cp >= 0x20000 && cp <= 0x3fffd))
        return 2;
    return 1;
}

} // namespace rtdl
