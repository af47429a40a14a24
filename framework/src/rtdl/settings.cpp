#include <switchboard/rtdl/settings.hpp>

#include <stdexcept>
#include <string>

namespace sb_rtdl {

void apply_settings(::sb::server_options& o, const connection_settings& c)
{
    if (c.heartbeat)
        o.engine.ping_interval = *c.heartbeat;
    if (c.idle_timeout)
        o.engine.ping_timeout = *c.idle_timeout - o.engine.ping_interval;
    if (c.max_payload && o.engine.max_payload < *c.max_payload + packet_overhead)
        o.engine.max_payload = *c.max_payload + packet_overhead;
    if (c.send_buffer)
        o.engine.max_send_buffer = *c.send_buffer;
}

void require_settings(const ::sb::server_options& o, std::string_view path, std::string_view configure,
                      const connection_settings& c)
{
    auto ms = [](std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; };
    std::string bad;
    auto add = [&bad](const std::string& what) { bad += (bad.empty() ? "" : "; ") + what; };
    if (c.heartbeat && o.engine.ping_interval != *c.heartbeat)
        add("heartbeat is " + ms(*c.heartbeat) + " but engine.ping_interval is " +
            ms(o.engine.ping_interval));
    if (c.idle_timeout && o.engine.ping_interval + o.engine.ping_timeout != *c.idle_timeout)
        add("idle_timeout is " + ms(*c.idle_timeout) + " but engine.ping_interval + ping_timeout is " +
            ms(o.engine.ping_interval + o.engine.ping_timeout));
    if (c.max_payload && o.engine.max_payload < *c.max_payload + packet_overhead)
        add("max_payload is " + std::to_string(*c.max_payload) + " bytes but engine.max_payload is " +
            std::to_string(o.engine.max_payload) + " (needs " +
            std::to_string(*c.max_payload + packet_overhead) + ")");
    if (c.send_buffer && o.engine.max_send_buffer != *c.send_buffer)
        add("send_buffer is " + std::to_string(*c.send_buffer) + " bytes but engine.max_send_buffer is " +
            std::to_string(o.engine.max_send_buffer));
    if (!bad.empty())
        throw std::invalid_argument("mount(\"" + std::string(path) + "\"): the contract's " + bad +
                                    ". Call " + std::string(configure) +
                                    "(options) from the generated header before constructing the "
                                    "server, or change the contract.");
}

} // namespace sb_rtdl
