#pragma once
// The Redis adapter's presence: who is in each room of a presence namespace, on every
// node, with per-node heartbeats so that a dead node's members drop out in seconds.
//
//   <key>#sb:nodes            sorted set: node uid -> its last heartbeat (Redis's clock)
//   <prefix>m:<room>          hash: socket id -> "<node uid>|<data as JSON>"
//   <prefix>nr:<uid>          set: the rooms where node <uid> has (had) members
//   <key>#sb:nodes:reap:<uid> who is removing a dead node's members (SET NX)
//
// (<prefix> is the namespace's "<key>#<nsp>#sb:", as for the durable layer.) A node writes
// a membership when a socket joins or leaves (one pipelined HSET+SADD, or HDEL), beats
// every `heartbeat`, and in the same round trip learns of nodes silent for longer than
// `node_timeout`. The first live node to claim a dead one removes its members in one
// script and tells its application (`on_members_lost`). Answers filter by live nodes
// in the same script that reads the hash, so a dead node's members are gone from them
// before anyone has removed them. After a reconnect a node rewrites its own memberships
// (Redis may have restarted empty, or missed a leave).
#include "adapters/redis/redis_link.hpp"

#include <switchboard/cluster.hpp>
#include <switchboard/options.hpp>
#include <switchboard/task.hpp>

#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sb::detail {

class namespace_state;
class node;

class presence_layer {
public:
    presence_layer(node& srv, const redis_options& o, std::string uid);

    /// A presence namespace (any shard, before or after start).
    void track(namespace_state& ns, std::string prefix);
    /// Shard 0, once: starts beating through `l` (shard 0's command link).
    void start(std::shared_ptr<redis::link> l);
    void stop();
    /// Shard 0's command link came up or dropped. On up, after clearing this node's old
    /// entries, `rewrite` is called to write every current membership again.
    void link_state(bool up, std::function<void()> rewrite);

    // Writes through shard 0's command link `l` (down: skipped; rewritten when it is
    // back); the read through the current shard's.
    void joined(redis::link* l, const std::string& prefix, const std::string& room, const std::string& sid,
                const boost::json::value& data);
    void left(redis::link* l, const std::string& prefix, const std::string& room, const std::string& sid);
    task<std::vector<presence_member>> members(redis::link* l, const std::string& prefix, std::string room,
                                               std::chrono::milliseconds node_timeout);

private:
    struct tracked {
        namespace_state* ns;
        std::string prefix;
    };
    boost::asio::awaitable<void> beat();
    boost::asio::awaitable<void> reap(std::string dead, std::chrono::milliseconds lock);
    std::vector<tracked> snapshot();

    node& srv_;
    const redis_options& opts_;
    std::string uid_;
    std::string nodes_key_;
    std::mutex mu_;  // tracked_
    std::vector<tracked> tracked_;
    std::shared_ptr<redis::link> link_;  // shard 0
    std::unique_ptr<boost::asio::steady_timer> timer_;
};

} // namespace sb::detail
