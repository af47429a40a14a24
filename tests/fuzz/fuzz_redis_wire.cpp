// libFuzzer over the Redis adapter's codecs (framework/src/adapters/redis/wire/): what a
// hostile or broken Redis, or anyone who can PUBLISH on our channels, could send.
//
// Invariants beyond "no crash, no sanitizer report":
//   - RESP is restartable: every proper prefix of a reply that parses needs more bytes.
//   - msgpack that decodes converts to JSON and back, and the re-encoding decodes again.
#include "adapters/redis/wire/messages.hpp"
#include "adapters/redis/wire/msgpack.hpp"
#include "adapters/redis/wire/resp.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    using namespace sb;

    redis::limits lim;
    lim.max_bulk = 1 << 20;
    lim.max_elements = 1 << 12;
    redis::value v;
    const auto r = redis::parse(in, v, lim);
    if (r.status == redis::parse_status::done) {
        if (r.consumed == 0 || r.consumed > size) {
            std::abort();
        }
        for (std::size_t k : {r.consumed - 1, r.consumed / 2}) {
            redis::value w;
            if (k < r.consumed && redis::parse(in.substr(0, k), w, lim).status == redis::parse_status::done) {
                std::abort();  // a prefix must never look complete
            }
        }
    }

    msgpack::value m;
    const char* error = "";
    if (msgpack::decode(in, m, error)) {
        std::vector<std::string> att;
        const auto j = msgpack::to_json(m, &att);
        std::string again;
        msgpack::encode(again, msgpack::from_json(j, &att));
        msgpack::value back;
        if (!msgpack::decode(again, back, error)) {
            std::abort();
        }
    }
    (void)redis_wire::decode_broadcast(in, error);
    (void)redis_wire::decode_bus_message(in, error);
    return 0;
}
