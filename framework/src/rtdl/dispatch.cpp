#include <switchboard/rtdl/dispatch.hpp>

#include <boost/json/object.hpp>

namespace sb_rtdl {

connection_state& create_state(::sb::socket& s, std::size_t routes)
{
    auto st = std::make_shared<connection_state>();
    st->buckets.resize(routes);
    connection_state& out = *st;
    s.extension = std::move(st);
    return out;
}

::sb::reply room_answer(const std::string& key, const verdict& r, dispatch_stats& stats)
{
    if (r)
        return ::sb::reply{::boost::json::value(::boost::json::object{{"room", key}})};
    stats.joins_refused.fetch_add(1, std::memory_order_relaxed);
    return nack(r.wire_code(), r.message);
}

} // namespace sb_rtdl
