#include <switchboard/protocol/base64.hpp>
#include <switchboard/rtdl/codec.hpp>

namespace sb_rtdl {

bool decode_context::fail(std::string why)
{
    message = std::move(why);
    pointer = render();
    return false;
}

void decode_context::spill(segment s)
{
    if (depth_ - shallow < deep_.size())
        deep_[depth_ - shallow] = s;
    else
        deep_.push_back(s);
}

std::string decode_context::render() const
{
    std::string out;
    for (std::size_t i = 0; i < depth_; ++i) {
        const segment& s = i < shallow ? near_[i] : deep_[i - shallow];
        out += '/';
        if (!s.key) {
            out += std::to_string(s.n);
            continue;
        }
        for (char c : std::string_view(s.key, s.n)) {
            if (c == '~')
                out += "~0";
            else if (c == '/')
                out += "~1";
            else
                out += c;
        }
    }
    return out;
}

std::string charset_message(int c, const char* spec)
{
    std::string shown;
    if (c >= 0x20 && c < 0x7f)
        shown = std::string(1, static_cast<char>(c));
    else {
        static constexpr char hex[] = "0123456789abcdef";
        shown = {'\\', 'x', hex[(c >> 4) & 15], hex[c & 15]};
    }
    return "character '" + shown + "' is not allowed (allowed: " + spec + ")";
}

std::string base64_encode(const std::vector<std::byte>& in)
{
    return ::sb::base64::encode(std::string_view(reinterpret_cast<const char*>(in.data()), in.size()));
}

bool base64_decode(std::string_view in, std::vector<std::byte>& out)
{
    return ::sb::base64::decode(in, out);
}

} // namespace sb_rtdl
