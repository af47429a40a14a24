#pragma once
// One node's adapter: the per-shard fan-out. A broadcast is encoded once and handed to
// every shard, which writes it to its local members; questions (counts, rooms, sockets)
// are asked of every shard and the answers gathered on the caller's executor. No lock
// is shared by the shards on these paths (recovery's log excepted, see publish.hpp).
#include "core/adapter.hpp"

namespace sb::detail {

class node;

class local_adapter final : public adapter {
public:
    explicit local_adapter(node& srv) : srv_(srv) {}

    void broadcast(namespace_state& ns, const broadcast_operator& op, std::string_view event,
                   const payload& args) override;
    void broadcast_with_ack(namespace_state& ns, const broadcast_operator& op, std::string_view event,
                            const payload& args, const std::shared_ptr<ack_collector>& c) override;
    void add_sockets(namespace_state& ns, const broadcast_operator& op, std::vector<std::string> rooms) override;
    void del_sockets(namespace_state& ns, const broadcast_operator& op, std::vector<std::string> rooms) override;
    void disconnect_sockets(namespace_state& ns, const broadcast_operator& op, bool close) override;
    task<fetch_result> fetch_sockets(namespace_state& ns, const broadcast_operator& op) override;
    task<std::size_t> count(namespace_state& ns, const broadcast_operator& op) override;
    task<room_sizes> rooms(namespace_state& ns) override;
    /// One node: there is no other server to tell.
    void server_side_emit(namespace_state&, std::string_view, const payload&) override {}
    task<server_ack_result> server_side_emit_with_ack(namespace_state&, std::string_view, const payload&,
                                                      std::chrono::milliseconds) override;
    task<std::size_t> server_count() override;

    /// Node-wide room names with members on this node, sockets' own rooms included
    /// (what a cluster's ALL_ROOMS request answers, as Node's adapter does).
    task<std::vector<std::string>> room_names(namespace_state& ns);
    /// The ids of the sockets `op` selects on this node.
    task<std::vector<std::string>> socket_ids(namespace_state& ns, const broadcast_operator& op);

private:
    node& srv_;
};

} // namespace sb::detail
