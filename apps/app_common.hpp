#pragma once
// Small things every sample app needs the same way.
#include <cctype>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace apps {

/// Wall-clock milliseconds since the epoch: the contracts' `timestamp`.
inline std::int64_t now_ms()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// common.rtdl's `UserId`: 1–64 of A-Za-z0-9_- (no ':', so ids can sit in room keys).
inline bool valid_user_id(std::string_view u)
{
    if (u.empty() || u.size() > 64)
        return false;
    for (char c : u)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
            return false;
    return true;
}

} // namespace apps
