#include "core/encode.hpp"

#include <switchboard/protocol/sio_packet.hpp>

#include <boost/json/serializer.hpp>

#include <optional>

namespace sb::detail {
namespace {

// The JSON of a packet, serialized into a buffer on the stack first so that the packet's
// text is allocated once at its final size: boost::json::serialize would allocate a string
// of its own, then the packet text a second one and copy into it.
class json_text {
public:
    template <typename T>
    explicit json_text(const T& v)
    {
        sr_.reset(&v);
        first_ = sr_.read(buf_, sizeof buf_);
    }
    explicit json_text(std::string_view s)
    {
        sr_.reset(boost::json::string_view(s.data(), s.size()));
        first_ = sr_.read(buf_, sizeof buf_);
    }
    json_text(const json_text&) = delete;
    json_text& operator=(const json_text&) = delete;

    /// The size when it fit the buffer; a lower bound otherwise.
    std::size_t size_hint() const noexcept { return first_.size(); }

    /// Appends the text, from its `skip`th character on.
    void append_to(std::string& out, std::size_t skip = 0)
    {
        out.append(first_.data() + skip, first_.size() - skip);
        while (!sr_.done()) {
            const auto sv = sr_.read(buf_, sizeof buf_);
            out.append(sv.data(), sv.size());
        }
    }

private:
    boost::json::serializer sr_;
    char buf_[2048];
    boost::json::string_view first_;
};

// Type digit, attachment count and '-', namespace and ',', id: what precedes the JSON.
std::size_t header_bound(std::string_view nsp) noexcept { return 1 + 1 + 20 + 1 + nsp.size() + 1 + 20; }

} // namespace

packet_list with_attachments(std::string text, const std::vector<std::string>& attachments)
{
    packet_list out;
    out.reserve(1 + attachments.size());
    out.push_back(out_packet{std::make_shared<const std::string>(std::move(text)), false});
    for (const auto& a : attachments) {
        out.push_back(out_packet{std::make_shared<const std::string>(a), true});
    }
    return out;
}

packet_list encode_event(std::string_view nsp, std::string_view event, const payload& args,
                         std::optional<std::uint64_t> id)
{
    // ["event",a,b]: the name, then the args array without its opening bracket.
    json_text name(event);
    std::optional<json_text> rest;
    if (!args.args.empty()) {
        rest.emplace(args.args);
    }
    std::string text;
    text.reserve(header_bound(nsp) + 1 + name.size_hint() + (rest ? rest->size_hint() : 1));
    text += '4';
    sio::encode_event_text(text, nsp, id, {}, args.attachments.size());
    text += '[';
    name.append_to(text);
    if (rest) {
        text += ',';
        rest->append_to(text, 1);
    }
    else {
        text += ']';
    }
    return with_attachments(std::move(text), args.attachments);
}

packet_list encode_ack(std::string_view nsp, std::uint64_t id, const payload& args)
{
    json_text json(args.args);
    std::string text;
    text.reserve(header_bound(nsp) + json.size_hint());
    text += '4';
    sio::encode_ack_text(text, nsp, id, {}, args.attachments.size());
    json.append_to(text);
    return with_attachments(std::move(text), args.attachments);
}

} // namespace sb::detail
