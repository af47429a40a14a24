#include <switchboard/event.hpp>
#include <switchboard/payload.hpp>

#include "core/json_parse.hpp"

namespace sb {

boost::json::object payload::attach(std::string bytes)
{
    attachments.push_back(std::move(bytes));
    return boost::json::object{{"_placeholder", true}, {"num", attachments.size() - 1}};
}

reply::reply(app_error e) : is_error(true)
{
    boost::json::object err{{"code", e.code}, {"message", e.message}};
    if (!e.pointer.empty()) {
        err["pointer"] = e.pointer;
    }
    value.args.push_back(boost::json::object{{"error", std::move(err)}});
}

event::event(std::string name, std::string raw_json, std::vector<std::string> attachments,
             std::optional<std::uint64_t> ack_id)
    : name_(std::move(name)), raw_(std::move(raw_json)), attachments_(std::move(attachments)), ack_id_(ack_id)
{
}

const boost::json::array& event::args() const
{
    if (!args_) {
        boost::json::array all;
        boost::system::error_code ec;
        auto v = detail::parse_checked_json(raw_, ec);
        if (!ec && v.is_array()) {
            all = std::move(v.as_array());
        }
        if (!all.empty()) {
            all.erase(all.begin());  // the event name
        }
        args_ = std::move(all);
    }
    return *args_;
}

payload event::into_payload() &&
{
    (void)args();  // parsed, if it was not yet
    return payload{std::move(*args_), std::move(attachments_)};
}

} // namespace sb
