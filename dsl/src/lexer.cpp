#include "lexer.hpp"

#include "suggest.hpp"

#include <cctype>
#include <limits>

namespace rtdl {

std::string_view describe(token_kind k) noexcept
{
    switch (k) {
    case token_kind::identifier: return "a name";
    case token_kind::integer: return "a whole number";
    case token_kind::number: return "a number";
    case token_kind::string: return "a string";
    case token_kind::duration: return "a duration";
    case token_kind::size: return "a size";
    case token_kind::l_brace: return "`{`";
    case token_kind::r_brace: return "`}`";
    case token_kind::l_paren: return "`(`";
    case token_kind::r_paren: return "`)`";
    case token_kind::l_angle: return "`<`";
    case token_kind::r_angle: return "`>`";
    case token_kind::l_bracket: return "`[`";
    case token_kind::r_bracket: return "`]`";
    case token_kind::comma: return "`,`";
    case token_kind::semicolon: return "`;`";
    case token_kind::colon: return "`:`";
    case token_kind::equals: return "`=`";
    case token_kind::dot: return "`.`";
    case token_kind::at: return "`@`";
    case token_kind::arrow: return "`->`";
    case token_kind::slash: return "`/`";
    case token_kind::end_of_file: return "the end of the file";
    }
    return "something";
}

namespace {

bool is_ident_start(char c)
{
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}

bool is_ident_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

struct unit {
    std::string_view name;
    token_kind kind;
    std::uint64_t scale;
};

constexpr unit units[] = {
    {"ms", token_kind::duration, 1},
    {"s", token_kind::duration, 1000},
    {"m", token_kind::duration, 60'000},
    {"h", token_kind::duration, 3'600'000},
    {"B", token_kind::size, 1},
    {"KiB", token_kind::size, 1024},
    {"MiB", token_kind::size, 1024 * 1024},
    {"GiB", token_kind::size, 1024ull * 1024 * 1024},
};

class lexer {
public:
    lexer(const source_file& file, file_id id, diagnostic_engine& diags)
        : text_(file.text()), id_(id), diags_(diags)
    {
    }

    std::vector<token> run()
    {
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") // a UTF-8 byte order mark is not content
            pos_ = 3;
        while (true) {
            skip_trivia();
            if (pos_ >= text_.size())
                break;
            lex_one();
        }
        token eof;
        eof.kind = token_kind::end_of_file;
        eof.where = at(static_cast<std::uint32_t>(text_.size()), static_cast<std::uint32_t>(text_.size()));
        eof.first_on_line = true;
        eof.doc = std::move(doc_);
        tokens_.push_back(std::move(eof));
        return std::move(tokens_);
    }

private:
    span at(std::uint32_t begin, std::uint32_t end) const { return span{id_, begin, end}; }
    std::uint32_t pos32() const { return static_cast<std::uint32_t>(pos_); }
    char peek(std::size_t ahead = 0) const
    {
        return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
    }

    void skip_trivia()
    {
        while (pos_ < text_.size()) {
            char c = text_[pos_];
            if (c == '\n') {
                line_has_token_ = false;
                ++pos_;
            }
            else if (c == ' ' || c == '\t' || c == '\r') {
                ++pos_;
            }
            else if (c == '/' && peek(1) == '/') {
                line_comment();
            }
            else if (c == '/' && peek(1) == '*') {
                block_comment();
            }
            else {
                break;
            }
        }
    }

    void line_comment()
    {
        auto end = text_.find('\n', pos_);
        if (end == std::string_view::npos)
            end = text_.size();
        auto body = text_.substr(pos_, end - pos_);
        // `///` is a doc comment; `////…` is an ordinary one (a ruler, commented-out doc).
        if (body.size() >= 3 && body.substr(0, 3) == "///" && (body.size() == 3 || body[3] != '/')) {
            auto line = body.substr(3);
            if (!line.empty() && line[0] == ' ')
                line.remove_prefix(1);
            while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t'))
                line.remove_suffix(1);
            if (!doc_.empty())
                doc_ += '\n';
            doc_ += line;
        }
        pos_ = end;
    }

    void block_comment()
    {
        auto end = text_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) {
            diags_.error("E0004", at(pos32(), pos32() + 2), "this comment is never closed")
                .label("the comment starts here and runs to the end of the file")
                .help("close it with `*/`");
            pos_ = text_.size();
            return;
        }
        for (auto i = pos_; i < end; ++i) {
            if (text_[i] == '\n')
                line_has_token_ = false;
        }
        pos_ = end + 2;
    }

    token& push(token_kind kind, std::size_t begin)
    {
        token t;
        t.kind = kind;
        t.where = at(static_cast<std::uint32_t>(begin), pos32());
        t.source = text_.substr(begin, pos_ - begin);
        t.doc = std::move(doc_);
        doc_.clear();
        t.first_on_line = !line_has_token_;
        line_has_token_ = true;
        tokens_.push_back(std::move(t));
        return tokens_.back();
    }

    void lex_one()
    {
        std::size_t begin = pos_;
        char c = text_[pos_];
        if (is_ident_start(c) || is_non_ascii_letter(pos_)) {
            bool ascii = true;
            while (pos_ < text_.size() && (is_ident_char(text_[pos_]) || is_non_ascii_letter(pos_))) {
                if (static_cast<unsigned char>(text_[pos_]) >= 0x80) {
                    ascii = false;
                    std::size_t i = pos_;
                    decode_utf8(text_, i);
                    pos_ = i;
                }
                else {
                    ++pos_;
                }
            }
            auto& t = push(token_kind::identifier, begin);
            t.text = std::string(text_.substr(begin, pos_ - begin));
            if (!ascii) {
                // Read it as a name, so the declaration around it still parses.
                t.malformed = true;
                diags_.error("E0001", t.where, "`" + t.text + "` cannot be a name")
                    .label("names use ASCII letters, digits and `_` only")
                    .help("spell it in ASCII; the name is also a C++ identifier");
            }
            return;
        }
        if (is_digit(c) || (c == '-' && is_digit(peek(1)))) {
            lex_number();
            return;
        }
        if (c == '"') {
            lex_string();
            return;
        }
        token_kind kind;
        switch (c) {
        case '{': kind = token_kind::l_brace; break;
        case '}': kind = token_kind::r_brace; break;
        case '(': kind = token_kind::l_paren; break;
        case ')': kind = token_kind::r_paren; break;
        case '<': kind = token_kind::l_angle; break;
        case '>': kind = token_kind::r_angle; break;
        case '[': kind = token_kind::l_bracket; break;
        case ']': kind = token_kind::r_bracket; break;
        case ',': kind = token_kind::comma; break;
        case ';': kind = token_kind::semicolon; break;
        case ':': kind = token_kind::colon; break;
        case '=': kind = token_kind::equals; break;
        case '.': kind = token_kind::dot; break;
        case '@': kind = token_kind::at; break;
        case '/': kind = token_kind::slash; break;
        case '-':
            if (peek(1) == '>') {
                pos_ += 2;
                push(token_kind::arrow, begin);
                return;
            }
            [[fallthrough]];
        default: invalid_character(); return;
        }
        ++pos_;
        push(kind, begin);
    }

    /// A non-ASCII letter-like code point (not a space, quote or symbol we know).
    bool is_non_ascii_letter(std::size_t at) const
    {
        if (static_cast<unsigned char>(text_[at]) < 0x80)
            return false;
        std::size_t i = at;
        char32_t cp = decode_utf8(text_, i);
        // Spaces and punctuation blocks are not name-like.
        return cp != U'\uFFFD' && cp != 0xa0 && !(cp >= 0x2000 && cp <= 0x206f) && cp != 0x3000 &&
               !(cp >= 0xfe10 && cp <= 0xfe6f);
    }

    void invalid_character()
    {
        if (text_[pos_] == '#') {
            // A shell or Python comment: report it once and skip the line, rather than
            // reading its words as declarations.
            auto end = text_.find('\n', pos_);
            if (end == std::string_view::npos)
                end = text_.size();
            diags_.error("E0001", at(pos32(), pos32() + 1), "`#` does not start a comment in rtdl")
                .label("not part of the language")
                .help("comments start with `//`")
                .fix(at(pos32(), pos32() + 1), "//");
            pos_ = end;
            return;
        }
        // One diagnostic for a run of stray characters, not one per character.
        std::size_t begin = pos_;
        std::string shown;
        while (pos_ < text_.size()) {
            char c = text_[pos_];
            if (pos_ > begin &&
                (is_ident_char(c) || std::isspace(static_cast<unsigned char>(c)) || c == '"' ||
                 std::string_view("{}()<>[],;:=.@/").find(c) != std::string_view::npos))
                break;
            std::size_t i = pos_;
            char32_t cp = decode_utf8(text_, i);
            if (cp == U'\uFFFD' && i == pos_ + 1 && static_cast<unsigned char>(c) >= 0x80)
                shown += "\\x" + hex(static_cast<unsigned char>(c));
            else
                shown += text_.substr(pos_, i - pos_);
            pos_ = i;
        }
        auto& d = diags_.error("E0001", at(static_cast<std::uint32_t>(begin), pos32()),
                               "`" + shown + "` is not allowed here");
        if (static_cast<unsigned char>(text_[begin]) >= 0x80 && begin > 0 && is_ident_char(text_[begin - 1]))
            d.label("names use ASCII letters, digits and `_` only");
        else
            d.label("not part of the language");
        if (shown.find('\'') == 0)
            d.help("strings use double quotes: \"...\"");
        else
            d.help("remove it");
    }

    static std::string hex(unsigned v)
    {
        const char* digits = "0123456789ABCDEF";
        return {digits[v >> 4], digits[v & 15]};
    }

    void lex_number()
    {
        std::size_t begin = pos_;
        bool plain = true; // an INT: no sign, fraction or exponent
        if (peek() == '-') {
            plain = false;
            ++pos_;
        }
        while (is_digit(peek()))
            ++pos_;
        if (peek() == '.' && is_digit(peek(1))) {
            plain = false;
            ++pos_;
            while (is_digit(peek()))
                ++pos_;
        }
        if ((peek() == 'e' || peek() == 'E') &&
            (is_digit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && is_digit(peek(2))))) {
            plain = false;
            pos_ += 2;
            while (is_digit(peek()))
                ++pos_;
        }
        std::size_t digits_end = pos_;
        std::string digits(text_.substr(begin, digits_end - begin));
        if (is_ident_start(peek())) {
            while (is_ident_char(peek()))
                ++pos_;
            lex_unit(begin, digits_end, plain);
            return;
        }
        if (!plain) {
            push(token_kind::number, begin).text = digits;
            return;
        }
        auto& t = push(token_kind::integer, begin);
        t.text = digits;
        if (!parse_u64(digits, t.value)) {
            diags_.error("E0005", t.where, "the number `" + digits + "` is too large")
                .label("larger than 18446744073709551615");
            t.malformed = true;
        }
    }

    static bool parse_u64(std::string_view digits, std::uint64_t& out)
    {
        out = 0;
        for (char d : digits) {
            auto v = static_cast<std::uint64_t>(d - '0');
            if (out > (std::numeric_limits<std::uint64_t>::max() - v) / 10)
                return false;
            out = out * 10 + v;
        }
        return true;
    }

    void lex_unit(std::size_t begin, std::size_t digits_end, bool plain)
    {
        auto digits = text_.substr(begin, digits_end - begin);
        auto suffix = text_.substr(digits_end, pos_ - digits_end);
        span where = at(static_cast<std::uint32_t>(begin), pos32());
        const unit* found = nullptr;
        for (auto& u : units) {
            if (u.name == suffix)
                found = &u;
        }
        if (!found) {
            std::vector<std::string> names;
            for (auto& u : units)
                names.emplace_back(u.name);
            auto& d = diags_.error("E0005", where, "`" + std::string(suffix) + "` is not a unit")
                          .label("durations use ms, s, m or h; sizes use B, KiB, MiB or GiB");
            if (suffix == "KB" || suffix == "MB" || suffix == "GB" || suffix == "kB")
                d.help("sizes are binary: write `" + std::string(digits) +
                       std::string(1, suffix[0] == 'k' ? 'K' : suffix[0]) + "iB`");
            else if (suffix == "sec" || suffix == "secs" || suffix == "seconds")
                d.help("write `" + std::string(digits) + "s`");
            else if (suffix == "min" || suffix == "mins" || suffix == "minutes")
                d.help("write `" + std::string(digits) + "m`");
            else if (auto s = suggest(suffix, names); !s.empty())
                d.help(did_you_mean({std::string(digits) + s[0]}));
            auto& t = push(token_kind::integer, begin);
            t.text = std::string(digits);
            t.malformed = true;
            return;
        }
        const char* what = found->kind == token_kind::duration ? "durations" : "sizes";
        std::uint64_t value = 0;
        if (!plain || !parse_u64(digits, value)) {
            auto& d = diags_.error("E0005", where, std::string(what) + " are whole, non-negative numbers");
            d.label("not a whole number of `" + std::string(suffix) + "`");
            if (found->kind == token_kind::duration && found->scale > 1 &&
                digits.find('.') != std::string::npos)
                d.help("use a smaller unit, e.g. `ms`");
            auto& t = push(found->kind, begin);
            t.text = std::string(digits);
            t.malformed = true;
            return;
        }
        auto& t = push(found->kind, begin);
        t.text = std::string(digits);
        if (value > std::numeric_limits<std::uint64_t>::max() / found->scale) {
            diags_
                .error("E0005", where,
                       "this " + std::string(what).substr(0, std::string(what).size() - 1) + " is too large")
                .label("does not fit in 64 bits");
            t.malformed = true;
            return;
        }
        t.value = value * found->scale;
    }

    void lex_string()
    {
        std::size_t begin = pos_;
        ++pos_;
        std::string value;
        std::vector<std::uint32_t> offsets;
        bool closed = false;
        while (pos_ < text_.size()) {
            char c = text_[pos_];
            if (c == '"') {
                closed = true;
                break;
            }
            if (c == '\n')
                break;
            if (c != '\\') {
                offsets.push_back(pos32());
                value += c;
                ++pos_;
                continue;
            }
            lex_escape(value, offsets);
        }
        if (!closed) {
            // The closing quote was most likely forgotten before the punctuation that ends
            // the line (`"/chat {`, `"lobby;`): leave that to the parser, so the rest of
            // the declaration still reads normally.
            std::size_t cut = pos_;
            while (cut > begin + 1 &&
                   std::string_view(" \t\r{;),").find(text_[cut - 1]) != std::string_view::npos)
                --cut;
            while (!offsets.empty() && offsets.back() >= cut) {
                offsets.pop_back();
                value.pop_back();
            }
            pos_ = cut;
            diags_
                .error("E0002", at(static_cast<std::uint32_t>(begin), pos32()), "this string is never closed")
                .label("the string starts here")
                .help("close it with `\"` on the same line; strings cannot span lines")
                .fix(at(pos32(), pos32()), "\"");
        }
        offsets.push_back(pos32());
        if (closed)
            ++pos_;
        auto& t = push(token_kind::string, begin);
        t.text = std::move(value);
        t.offsets = std::move(offsets);
    }

    void lex_escape(std::string& value, std::vector<std::uint32_t>& offsets)
    {
        std::size_t begin = pos_;
        char e = peek(1);
        auto add = [&](std::string_view bytes) {
            for (char b : bytes) {
                offsets.push_back(static_cast<std::uint32_t>(begin));
                value += b;
            }
        };
        switch (e) {
        case '"':
            add("\"");
            pos_ += 2;
            return;
        case '\\':
            add("\\");
            pos_ += 2;
            return;
        case 'n':
            add("\n");
            pos_ += 2;
            return;
        case 't':
            add("\t");
            pos_ += 2;
            return;
        case 'u': {
            std::uint32_t cp = 0;
            std::size_t k = 2;
            for (; k < 6 && std::isxdigit(static_cast<unsigned char>(peek(k))); ++k)
                cp = cp * 16 + static_cast<std::uint32_t>(std::isdigit(static_cast<unsigned char>(peek(k)))
                                                              ? peek(k) - '0'
                                                              : (std::tolower(peek(k)) - 'a' + 10));
            if (k < 6 || (cp >= 0xd800 && cp <= 0xdfff)) {
                pos_ += k;
                diags_.error("E0003", at(static_cast<std::uint32_t>(begin), pos32()), "invalid `\\u` escape")
                    .label(k < 6 ? "needs exactly four hexadecimal digits" : "a lone UTF-16 surrogate")
                    .help("write the character itself, or `\\uXXXX` with a code point below U+D800 or above "
                          "U+DFFF");
                return;
            }
            pos_ += 6;
            std::string utf8;
            append_utf8(utf8, cp);
            add(utf8);
            return;
        }
        default: break;
        }
        if (e == '\0' || e == '\n') { // a backslash at the end of the line
            ++pos_;
            return;
        }
        std::size_t i = pos_ + 1;
        decode_utf8(text_, i);
        pos_ = i;
        diags_
            .error("E0003", at(static_cast<std::uint32_t>(begin), pos32()),
                   "unknown escape `" + std::string(text_.substr(begin, pos_ - begin)) + "` in a string")
            .label("not an escape")
            .help("the escapes are \\\" \\\\ \\n \\t and \\uXXXX; write `\\\\` for a backslash");
    }

    std::string_view text_;
    file_id id_;
    diagnostic_engine& diags_;
    std::size_t pos_ = 0;
    std::vector<token> tokens_;
    std::string doc_;
    bool line_has_token_ = false;
};

} // namespace

std::vector<token> lex(const source_file& file, file_id id, diagnostic_engine& diags)
{
    return lexer(file, id, diags).run();
}

} // namespace rtdl
