#include "net/client_address.hpp"

#include <algorithm>

namespace sb::detail {

namespace {

std::string_view trim(std::string_view s) noexcept
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

bool listed(const std::vector<std::string>& trusted, std::string_view a)
{
    return std::find(trusted.begin(), trusted.end(), a) != trusted.end();
}

} // namespace

std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<std::string>& trusted)
{
    if (trusted.empty() || !listed(trusted, peer) || trim(forwarded_for).empty()) {
        return std::string(peer);
    }
    std::string_view rest = forwarded_for;
    std::string_view last;
    while (!rest.empty()) {
        const auto comma = rest.rfind(',');
        const auto hop = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
        if (hop.empty()) {
            continue;
        }
        last = hop;
        if (!listed(trusted, hop)) {
            return std::string(hop);
        }
    }
    return last.empty() ? std::string(peer) : std::string(last);
}

} // namespace sb::detail
