#pragma once
/** @file
    Room key patterns such as `"dm:{a: UserId}:{b: UserId}"` (docs/rtdl.md, "Key patterns").

    The pattern is a string literal, so it is parsed by its own small lexer after the
    main parser is done. Every segment keeps the span of its text in the file (through
    the literal's offset table), so a diagnostic can underline one placeholder inside
    the string even when the string used escapes.
*/
#include "ast.hpp"
#include "diagnostics.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rtdl {

/// One piece of a room pattern: literal text, or a `{name: Type}` placeholder.
struct pattern_segment {
    bool is_placeholder = false;
    /// Literal text (for a placeholder: its text between the braces, as written).
    std::string text;
    /// Placeholder: its name.
    ast::ident name;
    /// Placeholder: its type as written; absent means `string`.
    std::optional<ast::qualified_name> type;
    /// The whole segment, braces included, in the file.
    span where;
};

/// A parsed pattern; `ok` is false when a syntax error was reported (the segments
/// that did parse are kept).
struct room_pattern {
    std::vector<pattern_segment> segments;
    bool ok = true;
};

/** Parses the pattern in `literal`. Reports E0407 (malformed pattern), E0401
    (adjacent placeholders), E0404 (a generic type in a placeholder) and E0101 (a
    placeholder name used twice).
*/
room_pattern parse_room_pattern(const ast::string_literal& literal, diagnostic_engine& diags);

} // namespace rtdl
