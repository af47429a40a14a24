#include "cpu_clock.hpp"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace loadgen {

std::optional<double> cpu_seconds(int pid)
{
    std::ifstream in{pid == 0 ? std::string{"/proc/self/stat"} : "/proc/" + std::to_string(pid) + "/stat"};
    const std::string stat{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
    // Field 2 (comm) is parenthesised and may contain spaces: count fields after its last ')'.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream fields{stat.substr(close + 1)};
    std::string field;
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    for (int n = 3; n <= 15 && fields >> field; ++n) { // utime is field 14, stime 15 (proc(5))
        if (n == 14) {
            utime = std::stoull(field);
        }
        else if (n == 15) {
            stime = std::stoull(field);
            return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
        }
    }
    return std::nullopt;
}

} // namespace loadgen
