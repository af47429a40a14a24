#pragma once
#include <boost/asio/post.hpp>

namespace sb::detail {

template <typename F>
void server_impl::on_every_shard(F f)
{
    shard* here = shard::current();
    for (auto& s : shards_) {
        if (s.get() == here) {
            continue;
        }
        boost::asio::post(s->context(), [f, sh = s.get()]() mutable { f(*sh); });
    }
    // The local shard last, so that remote shards start in parallel with it.
    if (here) {
        f(*here);
    }
}

} // namespace sb::detail
