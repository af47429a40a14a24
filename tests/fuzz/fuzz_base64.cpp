// libFuzzer over base64 (framework/src/protocol/base64.cpp): binary messages arrive as
// `b<base64>` on polling, SSE and b64 websocket clients.
//
// Invariants beyond "no crash, no sanitizer report":
//   - is_valid() is exactly "decode_append() succeeds", and a failed decode appends nothing;
//   - decoded bytes encode to text of encoded_size() that decodes to the same bytes;
//   - any bytes encode to text that decodes back to them.
#include <switchboard/protocol/base64.hpp>

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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    using namespace sb::base64;

    std::string bytes = "kept";
    const bool ok = decode_append(bytes, in);
    check(ok == is_valid(in));
    check(ok || bytes == "kept");
    if (ok) {
        bytes.erase(0, 4);
        const auto text = encode(bytes);
        check(text.size() == encoded_size(bytes.size()));
        std::string back;
        check(decode_append(back, text) && back == bytes);
    }

    const auto text = encode(in);
    check(text.size() == encoded_size(in.size()) && is_valid(text));
    std::string back;
    check(decode_append(back, text) && back == in);
    return 0;
}
