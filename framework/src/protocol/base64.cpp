#include <switchboard/protocol/base64.hpp>

#include <array>
#include <cstdint>

namespace sb::base64 {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::uint8_t invalid = 0xff;

constexpr std::array<std::uint8_t, 256> make_decode_table()
{
    std::array<std::uint8_t, 256> table{};
    table.fill(invalid);
    for (std::uint8_t i = 0; i < 64; ++i) {
        table[static_cast<unsigned char>(alphabet[i])] = i;
    }
    return table;
}

constexpr auto decode_table = make_decode_table();

std::uint8_t sextet(char c) noexcept
{
    return decode_table[static_cast<unsigned char>(c)];
}

/// The significant part of `text` (padding removed) and the number of bytes it decodes to.
struct shape {
    std::string_view digits;
    std::size_t decoded_size;
};

/// Checks the length and the padding; the digits themselves are checked while decoding.
bool measure(std::string_view text, shape& s) noexcept
{
    std::size_t pad = 0;
    while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') {
        ++pad;
    }
    const std::string_view digits = text.substr(0, text.size() - pad);
    const std::size_t tail = digits.size() % 4;
    if (tail == 1 || (pad != 0 && tail + pad != 4)) {
        return false;
    }
    s = {digits, digits.size() / 4 * 3 + (tail == 0 ? 0 : tail - 1)};
    return true;
}

/// Decodes `s.digits` into `dst` (which has room for `s.decoded_size` bytes), or returns false.
bool decode_into(const shape& s, char* dst) noexcept
{
    const char* src = s.digits.data();
    const char* const quads_end = src + s.digits.size() / 4 * 4;
    for (; src != quads_end; src += 4, dst += 3) {
        const std::uint8_t a = sextet(src[0]), b = sextet(src[1]), c = sextet(src[2]), d = sextet(src[3]);
        if ((a | b | c | d) & 0x80) {
            return false;
        }
        const std::uint32_t v = std::uint32_t{a} << 18 | std::uint32_t{b} << 12 | std::uint32_t{c} << 6 | d;
        dst[0] = static_cast<char>(v >> 16);
        dst[1] = static_cast<char>(v >> 8);
        dst[2] = static_cast<char>(v);
    }
    switch (s.digits.size() % 4) {
    case 2: {
        const std::uint8_t a = sextet(src[0]), b = sextet(src[1]);
        if ((a | b) & 0x80) {
            return false;
        }
        dst[0] = static_cast<char>(a << 2 | b >> 4);
        break;
    }
    case 3: {
        const std::uint8_t a = sextet(src[0]), b = sextet(src[1]), c = sextet(src[2]);
        if ((a | b | c) & 0x80) {
            return false;
        }
        dst[0] = static_cast<char>(a << 2 | b >> 4);
        dst[1] = static_cast<char>(b << 4 | c >> 2);
        break;
    }
    default: break;
    }
    return true;
}

} // namespace

void encode_append(std::string& out, std::string_view bytes)
{
    const std::size_t old_size = out.size();
    out.resize(old_size + encoded_size(bytes.size()));
    char* dst = out.data() + old_size;

    const auto* src = reinterpret_cast<const unsigned char*>(bytes.data());
    const auto* const triples_end = src + bytes.size() / 3 * 3;
    for (; src != triples_end; src += 3, dst += 4) {
        const std::uint32_t v = std::uint32_t{src[0]} << 16 | std::uint32_t{src[1]} << 8 | src[2];
        dst[0] = alphabet[v >> 18];
        dst[1] = alphabet[v >> 12 & 0x3f];
        dst[2] = alphabet[v >> 6 & 0x3f];
        dst[3] = alphabet[v & 0x3f];
    }
    switch (bytes.size() % 3) {
    case 1:
        dst[0] = alphabet[src[0] >> 2];
        dst[1] = alphabet[(src[0] & 0x03) << 4];
        dst[2] = '=';
        dst[3] = '=';
        break;
    case 2:
        dst[0] = alphabet[src[0] >> 2];
        dst[1] = alphabet[(src[0] & 0x03) << 4 | src[1] >> 4];
        dst[2] = alphabet[(src[1] & 0x0f) << 2];
        dst[3] = '=';
        break;
    default: break;
    }
}

std::string encode(std::string_view bytes)
{
    std::string out;
    encode_append(out, bytes);
    return out;
}

bool decode_append(std::string& out, std::string_view text)
{
    shape s;
    if (!measure(text, s)) {
        return false;
    }
    const std::size_t old_size = out.size();
    out.resize(old_size + s.decoded_size);
    if (!decode_into(s, out.data() + old_size)) {
        out.resize(old_size);
        return false;
    }
    return true;
}

bool decode(std::string_view text, std::vector<std::byte>& out)
{
    shape s;
    out.clear();
    if (!measure(text, s)) {
        return false;
    }
    out.resize(s.decoded_size);
    if (!decode_into(s, reinterpret_cast<char*>(out.data()))) {
        out.clear();
        return false;
    }
    return true;
}

bool is_valid(std::string_view text) noexcept
{
    shape s;
    if (!measure(text, s)) {
        return false;
    }
    for (const char c : s.digits) {
        if (sextet(c) == invalid) {
            return false;
        }
    }
    return true;
}

} // namespace sb::base64
