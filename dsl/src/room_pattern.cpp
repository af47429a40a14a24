#include "room_pattern.hpp"

#include <cctype>

namespace rtdl {
namespace {

bool ident_start(char c)
{
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}

bool ident_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

class pattern_lexer {
public:
    pattern_lexer(const ast::string_literal& lit, diagnostic_engine& diags)
        : lit_(lit), s_(lit.text), diags_(diags)
    {
    }

    room_pattern run()
    {
        if (s_.empty()) {
            malformed(lit_.where, "a room pattern cannot be empty")
                .label("empty pattern")
                .help("give the room a key, e.g. \"lobby\" or \"room:{name: string}\"");
            return std::move(out_);
        }
        while (i_ < s_.size()) {
            if (s_[i_] == '{')
                placeholder();
            else if (s_[i_] == '}')
                stray_close();
            else
                literal();
        }
        return std::move(out_);
    }

private:
    span at(std::size_t b, std::size_t e) const { return lit_.inner(b, e); }

    diagnostic& malformed(span where, std::string message)
    {
        out_.ok = false;
        return diags_.error("E0407", where, std::move(message));
    }

    void literal()
    {
        std::size_t b = i_;
        while (i_ < s_.size() && s_[i_] != '{' && s_[i_] != '}')
            ++i_;
        pattern_segment seg;
        seg.text = s_.substr(b, i_ - b);
        seg.where = at(b, i_);
        out_.segments.push_back(std::move(seg));
    }

    void stray_close()
    {
        malformed(at(i_, i_ + 1), "`}` without a matching `{` in the room pattern")
            .label("no placeholder is open here")
            .help("room keys cannot contain `{` or `}`; remove it");
        ++i_;
    }

    void skip_spaces()
    {
        while (i_ < s_.size() && s_[i_] == ' ')
            ++i_;
    }

    bool read_ident(ast::ident& out)
    {
        if (i_ >= s_.size() || !ident_start(s_[i_]))
            return false;
        std::size_t b = i_;
        while (i_ < s_.size() && ident_char(s_[i_]))
            ++i_;
        out = ast::ident{s_.substr(b, i_ - b), at(b, i_)};
        return true;
    }

    void placeholder()
    {
        std::size_t open = i_++;
        auto close = s_.find('}', open);
        auto next_open = s_.find('{', open + 1);
        if (close == std::string::npos || (next_open != std::string::npos && next_open < close)) {
            malformed(at(open, open + 1), "this `{` is never closed")
                .label("placeholder starts here")
                .help("placeholders are written `{name}` or `{name: Type}`");
            i_ = next_open == std::string::npos ? s_.size() : next_open;
            return;
        }
        pattern_segment seg;
        seg.is_placeholder = true;
        seg.text = s_.substr(open + 1, close - open - 1);
        seg.where = at(open, close + 1);
        skip_spaces();
        if (!read_ident(seg.name)) {
            if (i_ == close)
                malformed(seg.where, "empty placeholder in the room pattern")
                    .label("needs a name")
                    .help("write `{name}` or `{name: Type}`");
            else
                malformed(at(i_, close), "a placeholder name must be a name (letters, digits, `_`)")
                    .label("not a name")
                    .help("start the name with a letter or `_`, e.g. `{id}`");
            i_ = close + 1;
            return;
        }
        skip_spaces();
        if (i_ < close && s_[i_] == ':') {
            ++i_;
            skip_spaces();
            std::size_t type_begin = i_;
            ast::qualified_name type;
            ast::ident part;
            bool ok = read_ident(part);
            while (ok) {
                type.parts.push_back(part);
                if (i_ < close && s_[i_] == '.') {
                    ++i_;
                    ok = read_ident(part);
                    if (!ok)
                        break;
                }
                else {
                    break;
                }
            }
            if (ok && !type.parts.empty()) {
                type.where = merge(type.parts.front().where, type.parts.back().where);
                seg.type = type;
            }
            skip_spaces();
            if (i_ < close && s_[i_] == '<' && seg.type) {
                out_.ok = false;
                diags_
                    .error("E0404", at(type_begin, close),
                           "`" + s_.substr(type_begin, close - type_begin) +
                               "` cannot be the type of a room key placeholder")
                    .label("not a string, integer or enum")
                    .help("a key placeholder is one string, integer or enum value");
                i_ = close + 1;
                return;
            }
            if (!ok || type.parts.empty() || i_ != close) {
                malformed(at(i_, std::max(i_ + 1, close)),
                          "expected a type name in the placeholder `{" + seg.text + "}`")
                    .label("expected a type here")
                    .help("write `{" + seg.name.text + ": Type}` with a string, integer or enum type");
                i_ = close + 1;
                return;
            }
        }
        else if (i_ != close) {
            malformed(at(i_, close), "expected `:` or `}` after the placeholder name `" + seg.name.text + "`")
                .label("unexpected text in the placeholder")
                .help("write `{" + seg.name.text + "}` or `{" + seg.name.text + ": Type}`");
            i_ = close + 1;
            return;
        }
        i_ = close + 1;
        check_adjacent(seg);
        check_duplicate(seg);
        out_.segments.push_back(std::move(seg));
    }

    void check_adjacent(const pattern_segment& seg)
    {
        if (out_.segments.empty() || !out_.segments.back().is_placeholder)
            return;
        auto& before = out_.segments.back();
        out_.ok = false;
        diags_
            .error("E0401", seg.where,
                   "room key placeholders `" + before.name.text + "` and `" + seg.name.text +
                       "` are adjacent, so a key cannot be split between them")
            .label("follows `" + before.name.text + "` with nothing in between")
            .secondary(before.where, "previous placeholder")
            .help("put a delimiter between them, e.g. `{" + before.text + "}:{" + seg.text + "}`");
    }

    void check_duplicate(const pattern_segment& seg)
    {
        for (auto& other : out_.segments) {
            if (other.is_placeholder && other.name.text == seg.name.text) {
                out_.ok = false;
                diags_
                    .error("E0101", seg.name.where,
                           "the placeholder `" + seg.name.text + "` appears twice in the room pattern")
                    .label("second `" + seg.name.text + "`")
                    .secondary(other.name.where, "first `" + seg.name.text + "`")
                    .help("give each placeholder its own name");
                return;
            }
        }
    }

    const ast::string_literal& lit_;
    const std::string& s_;
    diagnostic_engine& diags_;
    std::size_t i_ = 0;
    room_pattern out_;
};

} // namespace

room_pattern parse_room_pattern(const ast::string_literal& literal, diagnostic_engine& diags)
{
    if (!literal.where.valid()) {
        // No pattern was written: the parser has said so, at the place. An "empty
        // pattern" on top would be a second report of one mistake, and one with no place.
        room_pattern none;
        none.ok = false;
        return none;
    }
    return pattern_lexer(literal, diags).run();
}

} // namespace rtdl
