#include "emit_cpp.hpp"

#include "emit_cpp_detail.hpp"

namespace rtdl {
namespace cpp {

std::string qualified(const model::type_decl& d)
{
    auto ns = d.owner ? d.owner->cpp_namespace() : std::string{};
    return "::" + (ns.empty() ? "" : ns + "::") + d.name;
}

std::string type_name(const model::type_ref& t)
{
    using model::scalar;
    switch (t.kind) {
    case model::type_kind::scalar:
        switch (t.scalar) {
        case scalar::bool_: return "bool";
        case scalar::i32: return "std::int32_t";
        case scalar::i64: return "std::int64_t";
        case scalar::u32: return "std::uint32_t";
        case scalar::u64: return "std::uint64_t";
        case scalar::f32: return "float";
        case scalar::f64: return "double";
        case scalar::string: return "std::string";
        case scalar::bytes: return "std::vector<std::byte>";
        case scalar::timestamp: return "::sb_rtdl::timestamp";
        case scalar::duration: return "std::chrono::milliseconds";
        case scalar::json: return "::boost::json::value";
        }
        break;
    case model::type_kind::optional: return "std::optional<" + type_name(t.element()) + ">";
    case model::type_kind::array: return "std::vector<" + type_name(t.element()) + ">";
    case model::type_kind::map: return "std::map<" + type_name(t.key()) + ", " + type_name(t.value()) + ">";
    case model::type_kind::named: return qualified(*t.decl);
    case model::type_kind::unresolved: break;
    }
    return "void";
}

std::string literal(std::string_view s)
{
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        }
        else if (c == '\n')
            out += "\\n";
        else if (c < 0x20 || c >= 0x7f) {
            const char oct[] = {'\\', static_cast<char>('0' + (c >> 6)), static_cast<char>('0' + ((c >> 3) & 7)),
                                static_cast<char>('0' + (c & 7)), 0};
            out += oct;
        }
        else
            out += static_cast<char>(c);
    }
    return out + "\"";
}

std::string doc_comment(std::string_view s, std::string_view indent)
{
    std::string out;
    while (!s.empty()) {
        auto nl = s.find('\n');
        auto line = s.substr(0, nl);
        out += std::string(indent) + "///" + (line.empty() ? "" : " ") + std::string(line) + "\n";
        if (nl == std::string_view::npos)
            break;
        s.remove_prefix(nl + 1);
    }
    return out;
}

std::string deprecated_attr(const std::optional<std::string>& why)
{
    return why ? "[[deprecated(" + literal(*why) + ")]] " : "";
}

std::string open_namespace(const model::module& m)
{
    auto ns = m.cpp_namespace();
    return ns.empty() ? "" : "namespace " + ns + " {\n\n";
}

std::string close_namespace(const model::module& m)
{
    auto ns = m.cpp_namespace();
    return ns.empty() ? "" : "} // namespace " + ns + "\n\n";
}

std::string_view support_core()
{
    return R"cpp(#ifndef SB_RTDL_SUPPORT_CORE_V1
#define SB_RTDL_SUPPORT_CORE_V1
/// Support code shared by every rtdlc-generated header (identical in each; guarded).
namespace sb_rtdl {

/// `timestamp`: integer milliseconds since the Unix epoch.
using timestamp = std::int64_t;

/// Why a payload was rejected: a message and the JSON pointer (RFC 6901) of the
/// offending value, relative to the payload ("" for the payload itself).
struct decode_error {
    std::string message;
    std::string pointer;
};

/// The outcome of `decode()`: empty on success.
using decode_status = std::optional<decode_error>;

/** Decoder state: the path to the value being decoded and, after a failure, why.
    The path is kept as a stack of segments (views of keys, or array indices) and turned
    into a JSON pointer only by `fail()`, so a successful decode never builds one. A key
    segment views text that outlives the decode step (a literal, or the parser's buffer).
*/
struct decode_context {
    std::string pointer; ///< set by `fail()`
    std::string message; ///< set by `fail()`
    bool fail(std::string why)
    {
        message = std::move(why);
        pointer = render();
        return false;
    }
    // push/pop run for every value decoded: forced inline, they are two stores and an add.
    /// Enters a key; returns the mark to `pop()` back to.
    [[gnu::always_inline]] std::size_t push(std::string_view key) { return push_segment({key.data(), key.size()}); }
    /// Enters an array index.
    [[gnu::always_inline]] std::size_t push(std::size_t index) { return push_segment({nullptr, index}); }
    [[gnu::always_inline]] void pop(std::size_t mark) noexcept { depth_ = mark; }

private:
    struct segment {
        const char* key; ///< null for an index
        std::size_t n;   ///< the key's length, or the index
    };
    static constexpr std::size_t shallow = 16; // deeper paths spill to the heap

    [[gnu::always_inline]] std::size_t push_segment(segment s)
    {
        if (depth_ < shallow) [[likely]]
            near_[depth_] = s;
        else
            spill(s);
        return depth_++;
    }
    [[gnu::noinline]] void spill(segment s) // out of the inlined path: deep values are rare
    {
        if (depth_ - shallow < deep_.size())
            deep_[depth_ - shallow] = s;
        else
            deep_.push_back(s);
    }
    /// The JSON pointer (RFC 6901 escaping) of the current path.
    std::string render() const
    {
        std::string out;
        for (std::size_t i = 0; i < depth_; ++i) {
            const segment& s = i < shallow ? near_[i] : deep_[i - shallow];
            out += '/';
            if (!s.key) {
                out += std::to_string(s.n);
                continue;
            }
            for (char c : std::string_view(s.key, s.n)) {
                if (c == '~')
                    out += "~0";
                else if (c == '/')
                    out += "~1";
                else
                    out += c;
            }
        }
        return out;
    }

    segment near_[shallow]; // left uninitialised: only [0, depth_) is read
    std::vector<segment> deep_;
    std::size_t depth_ = 0;
};

/// Number of Unicode code points in valid UTF-8.
inline std::size_t code_points(std::string_view s) noexcept
{
    std::size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

/// A 256-bit set of allowed bytes, built at compile time from a list of characters.
struct char_table {
    std::uint64_t bits[4]{};
    constexpr explicit char_table(std::string_view allowed) noexcept
    {
        for (unsigned char c : allowed)
            bits[c >> 6] |= std::uint64_t{1} << (c & 63);
    }
    constexpr bool contains(unsigned char c) const noexcept { return (bits[c >> 6] >> (c & 63)) & 1; }
};

/// The first byte of `s` not in `t`, or -1.
inline int first_outside(std::string_view s, const char_table& t) noexcept
{
    for (unsigned char c : s) {
        if (!t.contains(c))
            return c;
    }
    return -1;
}

/// Standard base64 with padding (RFC 4648 §4), the `bytes` wire form.
inline std::string base64_encode(const std::vector<std::byte>& in)
{
    static constexpr char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        auto v = (std::to_integer<unsigned>(in[i]) << 16) | (std::to_integer<unsigned>(in[i + 1]) << 8) |
                 std::to_integer<unsigned>(in[i + 2]);
        out += a[v >> 18];
        out += a[(v >> 12) & 63];
        out += a[(v >> 6) & 63];
        out += a[v & 63];
    }
    if (i < in.size()) {
        unsigned v = std::to_integer<unsigned>(in[i]) << 16;
        if (i + 1 < in.size())
            v |= std::to_integer<unsigned>(in[i + 1]) << 8;
        out += a[v >> 18];
        out += a[(v >> 12) & 63];
        out += i + 1 < in.size() ? a[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

/// Decodes base64 (padding optional); false on a bad character or length.
inline bool base64_decode(std::string_view in, std::vector<std::byte>& out)
{
    while (!in.empty() && in.back() == '=')
        in.remove_suffix(1);
    if (in.size() % 4 == 1)
        return false;
    out.clear();
    unsigned acc = 0;
    int bits = 0;
    for (char ch : in) {
        int v = ch >= 'A' && ch <= 'Z'   ? ch - 'A'
                : ch >= 'a' && ch <= 'z' ? ch - 'a' + 26
                : ch >= '0' && ch <= '9' ? ch - '0' + 52
                : ch == '+'              ? 62
                : ch == '/'              ? 63
                                         : -1;
        if (v < 0)
            return false;
        acc = (acc << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::byte>((acc >> bits) & 0xFF));
        }
    }
    return true;
}

/// A finite double as JSON (NaN and Inf are not JSON: they encode as null).
inline ::boost::json::value encode_number(double d)
{
    if (!std::isfinite(d))
        return nullptr;
    return d;
}

/** An `optional<T>` field whose `T` contains the enclosing struct by value: held on the
    heap so the struct stays complete. Copyable, comparable, empty by default.
*/
template <class T>
class boxed {
public:
    boxed() = default;
    boxed(const T& v) : p_(std::make_unique<T>(v)) {}
    boxed(const boxed& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
    boxed(boxed&&) noexcept = default;
    boxed& operator=(const boxed& o)
    {
        p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
        return *this;
    }
    boxed& operator=(boxed&&) noexcept = default;
    explicit operator bool() const noexcept { return p_ != nullptr; }
    bool has_value() const noexcept { return p_ != nullptr; }
    T& operator*() const { return *p_; }
    T* operator->() const { return p_.get(); }
    T& emplace() { p_ = std::make_unique<T>(); return *p_; }
    void reset() noexcept { p_.reset(); }
    friend bool operator==(const boxed& a, const boxed& b)
    {
        return a.has_value() == b.has_value() && (!a.has_value() || *a == *b);
    }

private:
    std::unique_ptr<T> p_;
};

} // namespace sb_rtdl
#endif // SB_RTDL_SUPPORT_CORE_V1

)cpp";
}

std::string_view support_service()
{
    return R"cpp(#ifndef SB_RTDL_SUPPORT_SERVICE_V1
#define SB_RTDL_SUPPORT_SERVICE_V1
namespace sb_rtdl {

/** What a handler of an `on` event with a reply returns: the reply, or an
    `sb::app_error` sent as `{"error":{"code":..,"message":..}}`.
    @code
    co_return SendAck{.id = id, .sent_at = now};
    co_return sb::app_error{"not_member", "join the room first"};
    @endcode
*/
template <class T>
class result {
public:
    result(T v) : v_(std::in_place_index<0>, std::move(v)) {}
    result(::sb::app_error e) : v_(std::in_place_index<1>, std::move(e)) {}
    bool ok() const noexcept { return v_.index() == 0; }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    const ::sb::app_error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, ::sb::app_error> v_;
};

/** The client's answer to an emit that expects an ACK. `ec` is `sb::error::timeout`,
    `sb::error::closed`, or `sb::error::bad_payload` when the answer did not decode
    (then `problem` says why); `value` is set exactly when `ec` is clear.
*/
template <class T>
struct ack_result {
    ::boost::system::error_code ec;
    std::optional<T> value;
    std::optional<decode_error> problem;
};

/// The answers to a room-wide emit with an ACK: decoded replies in order of arrival,
/// how many members did not answer in time, and how many answers did not decode.
template <class T>
struct collected {
    ::boost::system::error_code ec;
    std::vector<T> replies;
    std::size_t missing = 0;
    std::size_t undecodable = 0;
};

} // namespace sb_rtdl
#endif // SB_RTDL_SUPPORT_SERVICE_V1

)cpp";
}

} // namespace cpp

cpp_output emit_cpp(const model::program& program)
{
    const model::module& m = *program.main;
    cpp_output out;
    std::string& h = out.header;
    std::string& s = out.source;
    bool service = !m.namespaces.empty();

    h += "// Generated by rtdlc from " + m.path + ". Do not edit.\n#pragma once\n\n";
    for (auto inc : {"<array>", "<chrono>", "<cmath>", "<cstddef>", "<cstdint>", "<map>", "<memory>", "<optional>",
                     "<string>", "<string_view>", "<variant>", "<vector>", "<boost/json/value.hpp>",
                     "<boost/json/value_from.hpp>"})
        h += std::string("#include ") + inc + "\n";
    if (service) {
        h += "#include <switchboard/error.hpp>\n#include <switchboard/server.hpp>\n"
             "#include <switchboard/socket.hpp>\n";
    }
    for (auto& imp : m.imports)
        h += "#include \"" + imp.target->stem + ".rtdl.hpp\"\n";
    h += "\n";
    h += cpp::support_core();
    if (service)
        h += cpp::support_service();

    s += "// Generated by rtdlc from " + m.path + ". Do not edit.\n";
    s += "#include <simdjson.h>\n\n#include \"" + m.stem + ".rtdl.hpp\"\n\n";
    s += "#include <boost/json/parse.hpp>\n#include <boost/json/serialize.hpp>\n\n#include <charconv>\n"
         "#include <cstring>\n#include <limits>\n\n";

    h += cpp::open_namespace(m);
    cpp::emit_types(m, h);
    h += cpp::close_namespace(m);

    cpp::emit_decoders(m, h, s);
    cpp::emit_encoders(m, h, s);
    for (auto& ns : m.namespaces)
        cpp::emit_service(ns, m, h, s);
    return out;
}

} // namespace rtdl
