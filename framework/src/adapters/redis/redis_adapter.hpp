#pragma once
// The Redis adapter: a cluster of nodes that share rooms, broadcasts and acks through
// Redis pub/sub, speaking the wire format of Node's @socket.io/redis-adapter 8.x
// (wire/messages.hpp), so Node servers and Switchboard nodes can share one Redis.
//
// One command connection per shard publishes what that shard's handlers send; one
// subscriber per node (on shard 0) receives, decodes each message once and hands it to
// the local adapter, which fans it out to every shard.
#include <memory>

#include <switchboard/options.hpp>

namespace sb::detail {

class adapter;
class node;

std::unique_ptr<adapter> make_redis_adapter(node& srv, const redis_options& opts);

} // namespace sb::detail
