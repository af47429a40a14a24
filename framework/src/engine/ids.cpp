// Session ids: a random id (core/ids.hpp) whose first character names its shard, so a
// request that lands on another shard can be handed to the right one; in a cluster, the
// node's tag follows, so a request that lands on another node can be forwarded there.
#include "engine/http_endpoint.hpp"

#include "core/ids.hpp"


namespace sb::detail {

namespace {
constexpr std::string_view alphabet = id_alphabet;
}

std::string make_session_id(std::size_t shard_index, std::string_view node_tag)
{
    auto id = make_random_id();
    id[0] = alphabet[shard_index % alphabet.size()];
    if (!node_tag.empty()) {
        id += '.';
        id += node_tag;
    }
    return id;
}

std::string_view node_tag_of_session_id(std::string_view sid) noexcept
{
    const auto dot = sid.rfind('.');
    return dot == std::string_view::npos ? std::string_view{} : sid.substr(dot + 1);
}

std::size_t shard_of_session_id(std::string_view sid) noexcept
{
    if (sid.empty()) {
        return SIZE_MAX;
    }
    const auto p = alphabet.find(sid[0]);
    return p == std::string_view::npos ? SIZE_MAX : p;
}

} // namespace sb::detail
