#pragma once
// Text exactly as JavaScript writes it, for wire output that must match the Node server
// byte for byte, and for Socket.IO event names given as numbers.
#include <string>
#include <string_view>

namespace sb::protocol::detail {

/// Appends `s` as a JSON string literal, quotes included, escaped as JSON.stringify does.
/// `s` is UTF-8 and is copied through unchanged apart from the escapes.
void append_json_string(std::string& out, std::string_view s);

/// Appends `String(x)` as JavaScript computes it (ECMA-262 Number::toString): "1.5",
/// "100", "1e+21", "1e-7", "0" for -0. `x` is finite.
void append_js_number(std::string& out, double x);

} // namespace sb::protocol::detail
