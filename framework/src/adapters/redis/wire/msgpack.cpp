#include "adapters/redis/wire/msgpack.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cmath>
#include <cstring>
#include <ctime>

namespace sb::msgpack {

const value* value::find(std::string_view key) const noexcept
{
    if (type != kind::map) {
        return nullptr;
    }
    for (std::size_t i = 0; i + 1 < entries.size(); i += 2) {
        if (entries[i].type == kind::str && entries[i].bytes == key) {
            return &entries[i + 1];
        }
    }
    return nullptr;
}

// ---- decoding ---------------------------------------------------------------------

namespace {

struct reader {
    std::string_view in;
    std::size_t pos = 0;
    const decode_limits& lim;
    const char* error = nullptr;

    bool fail(const char* why)
    {
        error = why;
        return false;
    }
    bool have(std::size_t n) const noexcept { return in.size() - pos >= n; }
    std::uint64_t be(std::size_t n)
    {
        std::uint64_t v = 0;
        for (std::size_t k = 0; k < n; ++k) {
            v = (v << 8) | static_cast<unsigned char>(in[pos + k]);
        }
        pos += n;
        return v;
    }
    bool uint_of(std::size_t n, std::uint64_t& out)
    {
        if (!have(n)) {
            return fail("truncated");
        }
        out = be(n);
        return true;
    }
    bool bytes(std::size_t len, std::string& out)
    {
        if (!have(len)) {
            return fail("truncated");
        }
        out.assign(in.substr(pos, len));
        pos += len;
        return true;
    }
    bool sized(std::size_t len_bytes, std::uint64_t& len)
    {
        return uint_of(len_bytes, len);
    }

    bool items(value& v, std::uint64_t n, std::size_t depth)
    {
        // Every element takes at least one byte: a count past the input is a lie.
        if (n > in.size() - pos) {
            return fail("array longer than the message");
        }
        v.type = value::kind::array;
        v.items.resize(static_cast<std::size_t>(n));
        for (auto& e : v.items) {
            if (!read(e, depth + 1)) {
                return false;
            }
        }
        return true;
    }
    bool entries(value& v, std::uint64_t n, std::size_t depth)
    {
        if (n > (in.size() - pos) / 2) {
            return fail("map longer than the message");
        }
        v.type = value::kind::map;
        v.entries.resize(static_cast<std::size_t>(n) * 2);
        for (auto& e : v.entries) {
            if (!read(e, depth + 1)) {
                return false;
            }
        }
        return true;
    }
    bool ext(value& v, std::size_t len)
    {
        if (!have(1)) {
            return fail("truncated");
        }
        v.type = value::kind::ext;
        v.ext_type = static_cast<std::int8_t>(in[pos++]);
        return bytes(len, v.bytes);
    }

    bool read(value& v, std::size_t depth)
    {
        if (depth > lim.max_depth) {
            return fail("nested too deep");
        }
        if (!have(1)) {
            return fail("truncated");
        }
        const auto t = static_cast<unsigned char>(in[pos++]);
        std::uint64_t n = 0;
        if (t <= 0x7f) {
            v.type = value::kind::integer;
            v.i = t;
            return true;
        }
        if (t >= 0xe0) {
            v.type = value::kind::integer;
            v.i = static_cast<std::int8_t>(t);
            return true;
        }
        if ((t & 0xf0) == 0x80) {
            return entries(v, t & 0x0f, depth);
        }
        if ((t & 0xf0) == 0x90) {
            return items(v, t & 0x0f, depth);
        }
        if ((t & 0xe0) == 0xa0) {
            v.type = value::kind::str;
            return bytes(t & 0x1f, v.bytes);
        }
        switch (t) {
        case 0xc0:
            v.type = value::kind::nil;
            return true;
        case 0xc2:
        case 0xc3:
            v.type = value::kind::boolean;
            v.b = t == 0xc3;
            return true;
        case 0xc4:
        case 0xc5:
        case 0xc6:
            v.type = value::kind::bin;
            return sized(std::size_t{1} << (t - 0xc4), n) && bytes(static_cast<std::size_t>(n), v.bytes);
        case 0xc7:
        case 0xc8:
        case 0xc9:
            return sized(std::size_t{1} << (t - 0xc7), n) && (n <= in.size() || fail("truncated")) &&
                   ext(v, static_cast<std::size_t>(n));
        case 0xca: {
            if (!uint_of(4, n)) {
                return false;
            }
            const auto bits = static_cast<std::uint32_t>(n);
            float f;
            std::memcpy(&f, &bits, 4);
            v.type = value::kind::float64;
            v.f = f;
            return true;
        }
        case 0xcb: {
            if (!uint_of(8, n)) {
                return false;
            }
            std::memcpy(&v.f, &n, 8);
            v.type = value::kind::float64;
            return true;
        }
        case 0xcc:
        case 0xcd:
        case 0xce:
        case 0xcf:
            if (!uint_of(std::size_t{1} << (t - 0xcc), n)) {
                return false;
            }
            if (n <= static_cast<std::uint64_t>(INT64_MAX)) {
                v.type = value::kind::integer;
                v.i = static_cast<std::int64_t>(n);
            }
            else {
                v.type = value::kind::uinteger;
                v.u = n;
            }
            return true;
        case 0xd0:
        case 0xd1:
        case 0xd2:
        case 0xd3: {
            const std::size_t w = std::size_t{1} << (t - 0xd0);
            if (!uint_of(w, n)) {
                return false;
            }
            v.type = value::kind::integer;
            // Sign-extend from w bytes.
            const unsigned shift = static_cast<unsigned>(64 - 8 * w);
            v.i = static_cast<std::int64_t>(n << shift) >> shift;
            return true;
        }
        case 0xd4:
        case 0xd5:
        case 0xd6:
        case 0xd7:
        case 0xd8:
            return ext(v, std::size_t{1} << (t - 0xd4));
        case 0xd9:
        case 0xda:
        case 0xdb:
            v.type = value::kind::str;
            return sized(std::size_t{1} << (t - 0xd9), n) && bytes(static_cast<std::size_t>(n), v.bytes);
        case 0xdc:
        case 0xdd:
            return sized(t == 0xdc ? 2 : 4, n) && items(v, n, depth);
        case 0xde:
        case 0xdf:
            return sized(t == 0xde ? 2 : 4, n) && entries(v, n, depth);
        default:
            return fail("reserved type byte 0xc1");
        }
    }
};

} // namespace

bool decode(std::string_view in, value& out, const char*& error, const decode_limits& lim)
{
    reader r{in, 0, lim};
    if (!r.read(out, 0)) {
        error = r.error ? r.error : "malformed";
        return false;
    }
    if (r.pos != in.size()) {
        error = "trailing bytes";
        return false;
    }
    return true;
}

// ---- encoding ---------------------------------------------------------------------

namespace {

void put_be(std::string& out, std::uint64_t v, std::size_t n)
{
    for (std::size_t k = n; k-- > 0;) {
        out += static_cast<char>((v >> (8 * k)) & 0xff);
    }
}

void put_sized(std::string& out, std::size_t len, unsigned char fix, std::size_t fix_max, unsigned char t8,
               unsigned char t16, unsigned char t32)
{
    if (fix && len <= fix_max) {
        out += static_cast<char>(fix | len);
    }
    else if (t8 && len < 0x100) {
        out += static_cast<char>(t8);
        put_be(out, len, 1);
    }
    else if (len < 0x10000) {
        out += static_cast<char>(t16);
        put_be(out, len, 2);
    }
    else {
        out += static_cast<char>(t32);
        put_be(out, len, 4);
    }
}

void encode_int(std::string& out, std::int64_t i)
{
    if (i >= 0) {
        const auto u = static_cast<std::uint64_t>(i);
        if (u < 0x80) {
            out += static_cast<char>(u);
        }
        else if (u < 0x100) {
            out += '\xcc';
            put_be(out, u, 1);
        }
        else if (u < 0x10000) {
            out += '\xcd';
            put_be(out, u, 2);
        }
        else if (u < 0x100000000ull) {
            out += '\xce';
            put_be(out, u, 4);
        }
        else {
            out += '\xcf';
            put_be(out, u, 8);
        }
        return;
    }
    const auto u = static_cast<std::uint64_t>(i);
    if (i >= -0x20) {
        out += static_cast<char>(i);
    }
    else if (i >= -0x80) {
        out += '\xd0';
        put_be(out, u, 1);
    }
    else if (i >= -0x8000) {
        out += '\xd1';
        put_be(out, u, 2);
    }
    else if (i >= -0x80000000ll) {
        out += '\xd2';
        put_be(out, u, 4);
    }
    else {
        out += '\xd3';
        put_be(out, u, 8);
    }
}

} // namespace

void encode(std::string& out, const value& v)
{
    switch (v.type) {
    case value::kind::nil:
        out += '\xc0';
        break;
    case value::kind::boolean:
        out += v.b ? '\xc3' : '\xc2';
        break;
    case value::kind::integer:
        encode_int(out, v.i);
        break;
    case value::kind::uinteger:
        out += '\xcf';
        put_be(out, v.u, 8);
        break;
    case value::kind::float64: {
        // notepack writes integral numbers as integers.
        if (std::isfinite(v.f) && std::floor(v.f) == v.f && std::fabs(v.f) < 9.2e18) {
            encode_int(out, static_cast<std::int64_t>(v.f));
            break;
        }
        out += '\xcb';
        std::uint64_t bits;
        std::memcpy(&bits, &v.f, 8);
        put_be(out, bits, 8);
        break;
    }
    case value::kind::str:
        put_sized(out, v.bytes.size(), 0xa0, 0x1f, 0xd9, 0xda, 0xdb);
        out += v.bytes;
        break;
    case value::kind::bin:
        put_sized(out, v.bytes.size(), 0, 0, 0xc4, 0xc5, 0xc6);
        out += v.bytes;
        break;
    case value::kind::array:
        put_sized(out, v.items.size(), 0x90, 0x0f, 0, 0xdc, 0xdd);
        for (const auto& e : v.items) {
            encode(out, e);
        }
        break;
    case value::kind::map:
        put_sized(out, v.map_size(), 0x80, 0x0f, 0, 0xde, 0xdf);
        for (const auto& e : v.entries) {
            encode(out, e);
        }
        break;
    case value::kind::ext: {
        const auto n = v.bytes.size();
        if (n == 1 || n == 2 || n == 4 || n == 8 || n == 16) {
            static constexpr unsigned char fix[17] = {0, 0xd4, 0xd5, 0, 0xd6, 0, 0, 0, 0xd7, 0, 0, 0, 0, 0, 0, 0, 0xd8};
            out += static_cast<char>(fix[n]);
        }
        else {
            put_sized(out, n, 0, 0, 0xc7, 0xc8, 0xc9);
        }
        out += static_cast<char>(v.ext_type);
        out += v.bytes;
        break;
    }
    }
}

// ---- JSON ---------------------------------------------------------------------------

value from_json(const boost::json::value& j, const std::vector<std::string>* attachments)
{
    value v;
    switch (j.kind()) {
    case boost::json::kind::null:
        break;
    case boost::json::kind::bool_:
        v.type = value::kind::boolean;
        v.b = j.get_bool();
        break;
    case boost::json::kind::int64:
        v.type = value::kind::integer;
        v.i = j.get_int64();
        break;
    case boost::json::kind::uint64:
        v.type = value::kind::uinteger;
        v.u = j.get_uint64();
        if (v.u <= static_cast<std::uint64_t>(INT64_MAX)) {
            v.type = value::kind::integer;
            v.i = static_cast<std::int64_t>(v.u);
        }
        break;
    case boost::json::kind::double_:
        v.type = value::kind::float64;
        v.f = j.get_double();
        break;
    case boost::json::kind::string:
        v.type = value::kind::str;
        v.bytes.assign(j.get_string().data(), j.get_string().size());
        break;
    case boost::json::kind::array:
        v.type = value::kind::array;
        v.items.reserve(j.get_array().size());
        for (const auto& e : j.get_array()) {
            v.items.push_back(from_json(e, attachments));
        }
        break;
    case boost::json::kind::object: {
        if (attachments && payload::is_placeholder(j)) {
            boost::system::error_code ec;
            const auto num = j.get_object().at("num").to_number<std::int64_t>(ec);
            if (!ec && num >= 0 && static_cast<std::size_t>(num) < attachments->size()) {
                v.type = value::kind::bin;
                v.bytes = (*attachments)[static_cast<std::size_t>(num)];
                break;
            }
        }
        v.type = value::kind::map;
        v.entries.reserve(2 * j.get_object().size());
        for (const auto& kv : j.get_object()) {
            v.add(value::string(kv.key()), from_json(kv.value(), attachments));
        }
        break;
    }
    }
    return v;
}

namespace {

/// A msgpack timestamp (ext -1) as JSON.stringify writes a Date: "1970-01-01T00:00:00.000Z".
std::string iso_date(const std::string& b)
{
    auto rd = [&](std::size_t at, std::size_t n) {
        std::uint64_t x = 0;
        for (std::size_t k = 0; k < n; ++k) {
            x = (x << 8) | static_cast<unsigned char>(b[at + k]);
        }
        return x;
    };
    std::int64_t sec = 0;
    std::uint64_t nsec = 0;
    if (b.size() == 4) {
        sec = static_cast<std::int64_t>(rd(0, 4));
    }
    else if (b.size() == 8) {
        const auto x = rd(0, 8);
        nsec = x >> 34;
        sec = static_cast<std::int64_t>(x & 0x3ffffffffull);
    }
    else if (b.size() == 12) {
        nsec = rd(0, 4);
        sec = static_cast<std::int64_t>(rd(4, 8));
    }
    else {
        return {};
    }
    std::time_t t = static_cast<std::time_t>(sec);
    std::tm tm{};
    if (!gmtime_r(&t, &tm)) {
        return {};
    }
    char buf[40];
    const auto n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
                                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                                 static_cast<unsigned>(nsec / 1000000));
    return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
}

} // namespace

boost::json::value to_json(const value& v, std::vector<std::string>* attachments)
{
    switch (v.type) {
    case value::kind::nil:
        return nullptr;
    case value::kind::boolean:
        return v.b;
    case value::kind::integer:
        return v.i;
    case value::kind::uinteger:
        return v.u;
    case value::kind::float64:
        return v.f;
    case value::kind::str:
        return boost::json::string(v.bytes);
    case value::kind::bin: {
        if (!attachments) {
            return nullptr;
        }
        boost::json::object ph;
        ph["_placeholder"] = true;
        ph["num"] = attachments->size();
        attachments->push_back(v.bytes);
        return ph;
    }
    case value::kind::array: {
        boost::json::array a;
        a.reserve(v.items.size());
        for (const auto& e : v.items) {
            a.push_back(to_json(e, attachments));
        }
        return a;
    }
    case value::kind::map: {
        boost::json::object o;
        o.reserve(v.map_size());
        for (std::size_t i = 0; i + 1 < v.entries.size(); i += 2) {
            const auto& k = v.entries[i];
            const auto& e = v.entries[i + 1];
            std::string key;
            if (k.type == value::kind::str) {
                key = k.bytes;
            }
            else if (k.type == value::kind::integer) {
                key = std::to_string(k.i);
            }
            else {
                continue;  // JSON has no such keys
            }
            o[key] = to_json(e, attachments);
        }
        return o;
    }
    case value::kind::ext:
        if (v.ext_type == -1) {
            auto s = iso_date(v.bytes);
            if (!s.empty()) {
                return boost::json::string(s);
            }
        }
        return nullptr;
    }
    return nullptr;
}

} // namespace sb::msgpack
