// libFuzzer over the Engine.IO query parser (framework/src/protocol/eio_request.cpp): the
// query string of every request, before any session exists.
//
// Invariants beyond "no crash, no sanitizer report":
//   - form_decode() undoes percent-encoding of any bytes;
//   - a query built from the input as a value of `sid`, `transport` and `EIO` (each
//     percent-encoded) parses back to those exact values, wherever junk parameters sit;
//   - `transport` is set exactly when the name is one we know.
#include <switchboard/protocol/eio_request.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void check(bool ok)
{
    if (!ok) {
        std::abort();
    }
}

std::string percent_encode(std::string_view s)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    using namespace sb::eio;

    const auto q = parse_query(in);
    check(q.transport.has_value() == parse_transport(q.transport_name).has_value());
    (void)form_decode(in);

    check(form_decode(percent_encode(in)) == in);
    const auto e = percent_encode(in);
    const auto built = parse_query("?t=x&&sid=" + e + "&transport=" + e + "&junk=" + std::string(in.substr(0, 8)) +
                                   "&EIO=" + e);
    // The junk value may itself hold `&sid=...`; only an unencoded copy of the input could.
    if (in.substr(0, 8).find('&') == std::string_view::npos) {
        check(built.sid == in && built.transport_name == in && built.eio == in);
    }
    return 0;
}
