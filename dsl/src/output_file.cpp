#include "output_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

namespace rtdl {

std::string write_if_changed(const std::filesystem::path& path, std::string_view content, bool always)
{
    std::error_code ec;
    if (!always && std::filesystem::file_size(path, ec) == content.size() && !ec) {
        std::ifstream in(path, std::ios::binary);
        std::string existing((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (in.good() || in.eof()) {
            if (existing == content)
                return {};
        }
    }
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec)
            return ec.message();
    }
    // Write a sibling and rename it over the target, so a reader never sees half a file.
    auto temp = path;
    temp += ".tmp";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out)
            return std::strerror(errno);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        if (!out)
            return std::strerror(errno);
    }
    std::filesystem::rename(temp, path, ec);
    if (ec) {
        std::filesystem::remove(temp, ec);
        return "cannot replace the file";
    }
    return {};
}

std::string depfile_escape(const std::string& path)
{
    std::string out;
    for (char c : path) {
        if (c == ' ' || c == '#')
            out += '\\';
        if (c == '$')
            out += '$';
        out += c;
    }
    return out;
}

} // namespace rtdl
