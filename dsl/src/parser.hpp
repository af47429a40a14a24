#pragma once
/** @file
    The parser: tokens to a syntax tree, by recursive descent over docs/rtdl.md's grammar summary.

    Errors are reported in DSL terms ("expected `:` after the field name") with code
    E0006 (or E0007 for the `rtdl 1;` line, E0405 for an unknown event clause). After
    an error the parser resynchronises at the next `;` or `}` of the same nesting level,
    or at the first word of a line that starts a new member (`on`, `emit`, `room`,
    `struct`, a field `name:` …), so one mistake gives one message.
*/
#include "ast.hpp"
#include "diagnostics.hpp"
#include "lexer.hpp"

#include <vector>

namespace rtdl {

/// Parses one file's tokens (from `lex()`, ending with `end_of_file`).
ast::file parse(const std::vector<token>& tokens, diagnostic_engine& diags);

/// Lexes and parses one file of `sources`.
ast::file parse_file(const source_manager& sources, file_id id, diagnostic_engine& diags);

} // namespace rtdl
