#include "cpp_names.hpp"

#include <cctype>

#include <algorithm>
#include <array>
#include <iterator>

namespace rtdl {
namespace {

// C++20 keywords [lex.key] and alternative tokens [lex.digraph].
constexpr std::string_view keywords[] = {
    "alignas",     "alignof",  "and",       "and_eq",    "asm",       "auto",         "bitand",
    "bitor",       "bool",     "break",     "case",      "catch",     "char",         "char8_t",
    "char16_t",    "char32_t", "class",     "co_await",  "co_return", "co_yield",     "compl",
    "concept",     "const",    "consteval", "constexpr", "constinit", "const_cast",   "continue",
    "decltype",    "default",  "delete",    "do",        "double",    "dynamic_cast", "else",
    "enum",        "explicit", "export",    "extern",    "false",     "float",        "for",
    "friend",      "goto",     "if",        "inline",    "int",       "long",         "mutable",
    "namespace",   "new",      "noexcept",  "not",       "not_eq",    "nullptr",      "operator",
    "or",          "or_eq",    "private",   "protected", "public",    "register",     "reinterpret_cast",
    "requires",    "return",   "short",     "signed",    "sizeof",    "static",       "static_assert",
    "static_cast", "struct",   "switch",    "template",  "this",      "thread_local", "throw",
    "true",        "try",      "typedef",   "typeid",    "typename",  "union",        "unsigned",
    "using",       "virtual",  "void",      "volatile",  "wchar_t",   "while",        "xor",
    "xor_eq",      "final",    "override",  "import"};

// Macros of the C and C++ standard library, named on their own whatever the platform.
constexpr std::string_view macros[] = {"NULL",  "errno",  "assert", "EOF",          "offsetof",
                                       "stdin", "stdout", "stderr", "EXIT_SUCCESS", "EXIT_FAILURE"};

// macro_names[] and global_names[], sorted: what the generated C++'s headers define.
#include "platform_names.inc"

bool listed(const std::string_view* begin, const std::string_view* end, std::string_view name)
{
    return std::binary_search(begin, end, name);
}

} // namespace

std::optional<std::string> cpp_reserved_reason(std::string_view name)
{
    // `final`, `override` and `import` are only contextual in C++, but as member or type
    // names they confuse readers and tools; treat them as keywords too.
    if (std::find(std::begin(keywords), std::end(keywords), name) != std::end(keywords))
        return "a C++ keyword";
    if (std::find(std::begin(macros), std::end(macros), name) != std::end(macros))
        return "a macro of the C++ standard library";
    if (name.substr(0, 6) == "BOOST_" || name.substr(0, 9) == "SIMDJSON_" ||
        listed(std::begin(macro_names), std::end(macro_names), name))
        return "a macro of the headers the generated C++ includes";
    if (name.size() >= 2 && name[0] == '_' && name[1] >= 'A' && name[1] <= 'Z')
        return "reserved in C++ (it starts with `_` and a capital letter)";
    if (name.find("__") != std::string_view::npos)
        return "reserved in C++ (it contains `__`)";
    return std::nullopt;
}

bool is_platform_global_name(std::string_view name) noexcept
{
    return listed(std::begin(global_names), std::end(global_names), name);
}

bool is_socketio_reserved_event(std::string_view n) noexcept
{
    // socket.io-parser's RESERVED_EVENTS, plus Engine.IO-level names the server uses.
    constexpr std::array<std::string_view, 6> reserved{"connect",       "connect_error", "disconnect",
                                                       "disconnecting", "newListener",   "removeListener"};
    return std::find(reserved.begin(), reserved.end(), n) != reserved.end();
}

std::string pascal_case(std::string_view name)
{
    std::string out;
    bool upper = true;
    for (char c : name) {
        if (c == '_') {
            upper = true;
            continue;
        }
        out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = false;
    }
    return out;
}

} // namespace rtdl
