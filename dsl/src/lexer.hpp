#pragma once
/** @file
    The lexer: UTF-8 text to tokens (docs/rtdl.md, "Lexical rules").

    Keywords are contextual, so every word is an `identifier` token and the parser decides
    what it means where it stands; `to`, `by`, `at`, `room` and `map` stay usable as names.
    `5s` and `64KiB` are single `duration` and `size` tokens (no space allowed before the
    unit), while `2/s` in a rate is three tokens. `///` doc comments do not become tokens:
    they attach to the next token, from which the parser copies them to the declaration.
*/
#include "diagnostics.hpp"
#include "source.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rtdl {

enum class token_kind {
    identifier, ///< `[A-Za-z_][A-Za-z0-9_]*`, including every contextual keyword
    integer,    ///< decimal digits; `value` holds it
    number,     ///< a NUMBER that is not a plain INT: signed, fractional or with exponent
    string,     ///< `"…"`; `text` holds the decoded content
    duration,   ///< `250ms`, `5s`, `2m`, `1h`; `value` holds milliseconds
    size,       ///< `64KiB`; `value` holds bytes
    l_brace,
    r_brace,
    l_paren,
    r_paren,
    l_angle,
    r_angle,
    l_bracket,
    r_bracket,
    comma,
    semicolon,
    colon,
    equals,
    dot,
    at,
    arrow, ///< `->`
    slash,
    end_of_file,
};

/// How a token kind is named in a message, e.g. "`;`" or "a string".
std::string_view describe(token_kind k) noexcept;

struct token {
    token_kind kind = token_kind::end_of_file;
    span where;
    /// The source text of the token (for a string: including the quotes).
    std::string_view source;
    /// Decoded content of a string; the word of an identifier; the digits of a number.
    std::string text;
    /** For a string: the source offset of each byte of `text`, plus one entry for the
        closing quote, so a position inside the decoded value maps back to the file even
        when escapes were used (room patterns point into their strings this way).
    */
    std::vector<std::uint32_t> offsets;
    /// integer: the value; duration: milliseconds; size: bytes.
    std::uint64_t value = 0;
    /// The `///` lines just before this token, without the slashes, joined by '\n'.
    std::string doc;
    /// True when no other token precedes it on its line (a recovery landmark).
    bool first_on_line = false;
    /// A literal whose error was already reported (e.g. `5sec`); uses of it are not
    /// reported again.
    bool malformed = false;

    bool is(token_kind k) const noexcept { return kind == k; }
    /// True for an identifier spelled `word`: how contextual keywords are recognised.
    bool is_word(std::string_view word) const noexcept
    {
        return kind == token_kind::identifier && text == word;
    }
};

/** Splits a file into tokens. Lexical errors (E0001–E0005) go to `diags`; the offending
    text is skipped, so the result always ends with one `end_of_file` token.
*/
std::vector<token> lex(const source_file& file, file_id id, diagnostic_engine& diags);

} // namespace rtdl
