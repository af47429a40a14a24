#include "core/encode.hpp"

#include <switchboard/protocol/sio_packet.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace sb::detail {

std::vector<out_packet> with_attachments(std::string text, const std::vector<std::string>& attachments)
{
    std::vector<out_packet> out;
    out.reserve(1 + attachments.size());
    out.push_back(out_packet{std::make_shared<const std::string>(std::move(text)), false});
    for (const auto& a : attachments) {
        out.push_back(out_packet{std::make_shared<const std::string>(a), true});
    }
    return out;
}

std::vector<out_packet> encode_event(std::string_view nsp, std::string_view event, const payload& args,
                                     std::optional<std::uint64_t> id)
{
    // ["event",a,b]: the name, then the args array without its opening bracket.
    std::string array = "[";
    array += boost::json::serialize(boost::json::string_view(event.data(), event.size()));
    if (!args.args.empty()) {
        const auto rest = boost::json::serialize(args.args);
        array += ',';
        array.append(rest, 1, std::string::npos);
    }
    else {
        array += ']';
    }
    std::string text = "4";
    sio::encode_event_text(text, nsp, id, array, args.attachments.size());
    return with_attachments(std::move(text), args.attachments);
}

std::vector<out_packet> encode_ack(std::string_view nsp, std::uint64_t id, const payload& args)
{
    std::string text = "4";
    sio::encode_ack_text(text, nsp, id, boost::json::serialize(args.args), args.attachments.size());
    return with_attachments(std::move(text), args.attachments);
}

} // namespace sb::detail
