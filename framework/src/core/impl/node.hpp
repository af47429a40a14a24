#pragma once
#include <boost/asio/post.hpp>

namespace sb::detail {

template <typename F>
void node::on_every_shard(F f)
{
    shard* here = shard::current();
    for (auto* s : shards_) {
        if (s == here) {
            continue;
        }
        boost::asio::post(s->context(), [f, s]() mutable { f(*s); });
    }
    // The local shard last, so that remote shards start in parallel with it.
    if (here) {
        f(*here);
    }
}

} // namespace sb::detail
