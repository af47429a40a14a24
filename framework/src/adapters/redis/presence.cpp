#include "adapters/redis/presence.hpp"

#include "core/log.hpp"
#include "core/namespace_state.hpp"
#include "core/node.hpp"
#include "core/shard.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <map>

namespace net = boost::asio;
namespace json = boost::json;

namespace sb::detail {

namespace {

// ARGV: nodes key, uid, node timeout ms. Beats, and answers the nodes silent too long.
constexpr std::string_view beat_script = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', ARGV[1], now, ARGV[2])
return redis.call('ZRANGEBYSCORE', ARGV[1], '-inf', now - tonumber(ARGV[3]))
)lua";

// ARGV: room hash, nodes key, node timeout ms, own uid. The members on live nodes,
// flattened [sid, value, ...].
constexpr std::string_view members_script = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local live = { [ARGV[4]] = true }
for _, n in ipairs(redis.call('ZRANGEBYSCORE', ARGV[2], now - tonumber(ARGV[3]), '+inf')) do live[n] = true end
local out = {}
local all = redis.call('HGETALL', ARGV[1])
for i = 1, #all, 2 do
  local n = string.match(all[i + 1], '^([^|]*)|')
  if n and live[n] then out[#out + 1] = all[i]; out[#out + 1] = all[i + 1] end
end
return out
)lua";

// ARGV: nodes key, uid whose entries go, claimer, lock ms ("0": no claim, keep the node:
// a node clearing its own), then namespace prefixes. Removes that node's entries and
// answers them flattened [prefix, room, sid, value, ...]; {} if another node claimed it.
constexpr std::string_view reap_script = R"lua(
local uid = ARGV[2]
if ARGV[4] ~= '0' and not redis.call('SET', ARGV[1] .. ':reap:' .. uid, ARGV[3], 'NX', 'PX', ARGV[4]) then
  return {}
end
local out = {}
local mark = uid .. '|'
for i = 5, #ARGV do
  local p = ARGV[i]
  local nr = p .. 'nr:' .. uid
  for _, room in ipairs(redis.call('SMEMBERS', nr)) do
    local h = p .. 'm:' .. room
    local all = redis.call('HGETALL', h)
    for j = 1, #all, 2 do
      if string.sub(all[j + 1], 1, #mark) == mark then
        redis.call('HDEL', h, all[j])
        out[#out + 1] = p; out[#out + 1] = room; out[#out + 1] = all[j]; out[#out + 1] = all[j + 1]
      end
    end
  end
  redis.call('DEL', nr)
end
if ARGV[4] ~= '0' then redis.call('ZREM', ARGV[1], uid) end
return out
)lua";

constexpr auto tuple_awaitable = net::as_tuple(net::use_awaitable);

presence_member member_of(std::string sid, std::string_view value)
{
    presence_member m{std::move(sid), nullptr};
    const auto bar = value.find('|');
    if (bar != std::string_view::npos) {
        boost::system::error_code ec;
        auto v = json::parse(value.substr(bar + 1), ec);
        if (!ec) {
            m.data = std::move(v);
        }
    }
    return m;
}

} // namespace

presence_layer::presence_layer(node& srv, const redis_options& o, std::string uid)
    : srv_(srv), opts_(o), uid_(std::move(uid)), nodes_key_(o.key + "#sb:nodes")
{
}

void presence_layer::track(namespace_state& ns, std::string prefix)
{
    std::lock_guard lock(mu_);
    tracked_.push_back(tracked{&ns, std::move(prefix)});
}

std::vector<presence_layer::tracked> presence_layer::snapshot()
{
    std::lock_guard lock(mu_);
    return tracked_;
}

void presence_layer::start(std::shared_ptr<redis::link> l)
{
    link_ = std::move(l);
    timer_ = std::make_unique<net::steady_timer>(srv_.shard_at(0).context());
    net::co_spawn(srv_.shard_at(0).context(), beat(), net::detached);
}

void presence_layer::stop()
{
    if (timer_) {
        net::post(srv_.shard_at(0).context(), [this] {
            link_.reset();
            timer_->cancel();
        });
    }
}

void presence_layer::link_state(bool up, std::function<void()> rewrite)
{
    if (!up || !link_) {
        return;
    }
    auto all = snapshot();
    if (all.empty()) {
        return;
    }
    // Beat at once: until this node's first beat, other nodes count its members as dead.
    link_->command({"EVAL", std::string(beat_script), "0", nodes_key_, uid_, "3600000"});
    // Clear this node's entries (a leave missed while away), then write what is true now.
    std::vector<std::string> cmd{"EVAL", std::string(reap_script), "0", nodes_key_, uid_, uid_, "0"};
    for (auto& t : all) {
        cmd.push_back(t.prefix);
    }
    link_->command(std::move(cmd), [rewrite = std::move(rewrite)](redis::value v) {
        if (!v.is_error()) {
            rewrite();
        }
    });
}

net::awaitable<void> presence_layer::beat()
{
    std::chrono::milliseconds every{1000};
    std::chrono::milliseconds timeout{5000};
    for (;;) {
        // The shortest of the namespaces' settings rules the node's beat.
        auto all = snapshot();
        if (!all.empty()) {
            every = std::chrono::milliseconds::max();
            timeout = std::chrono::milliseconds::max();
            for (auto& t : all) {
                every = std::min(every, t.ns->presence()->heartbeat);
                timeout = std::min(timeout, t.ns->presence()->node_timeout);
            }
        }
        if (link_ && link_->up() && !all.empty()) {
            std::vector<std::string> cmd{"EVAL", std::string(beat_script), "0", nodes_key_, uid_,
                                         std::to_string(timeout.count())};
            auto v = co_await link_->call(std::move(cmd));
            if (v.is_array()) {
                for (auto& e : v.elements) {
                    if (e.text() != uid_ && !e.text().empty()) {
                        co_await reap(std::string(e.text()), std::max(timeout, std::chrono::milliseconds(1000)));
                    }
                }
            }
        }
        if (!timer_) {
            co_return;
        }
        timer_->expires_after(every);
        auto [ec] = co_await timer_->async_wait(tuple_awaitable);
        if (ec || !link_) {
            co_return;
        }
    }
}

net::awaitable<void> presence_layer::reap(std::string dead, std::chrono::milliseconds lock)
{
    if (!link_) {
        co_return;  // stopped
    }
    auto all = snapshot();
    std::vector<std::string> cmd{"EVAL", std::string(reap_script), "0", nodes_key_, dead, uid_,
                                 std::to_string(lock.count())};
    for (auto& t : all) {
        cmd.push_back(t.prefix);
    }
    auto v = co_await link_->call(std::move(cmd));
    if (!v.is_array() || v.elements.empty()) {
        co_return;  // another node claimed it, or Redis is away (the next beat asks again)
    }
    std::map<std::pair<namespace_state*, std::string>, std::vector<presence_member>> lost;
    for (std::size_t i = 0; i + 3 < v.elements.size(); i += 4) {
        const auto prefix = v.elements[i].text();
        auto it = std::find_if(all.begin(), all.end(), [&](const tracked& t) { return t.prefix == prefix; });
        if (it == all.end()) {
            continue;
        }
        lost[{it->ns, std::string(v.elements[i + 1].text())}].push_back(
            member_of(std::string(v.elements[i + 2].text()), v.elements[i + 3].text()));
    }
    log(srv_.options(), log_level::warning, "redis",
        "node " + dead + " stopped beating: its members were removed (" + std::to_string(v.elements.size() / 4) + ")");
    for (auto& [key, members] : lost) {
        if (auto h = key.first->handlers().on_members_lost) {
            try {
                co_await h(key.second, std::move(members));
            }
            catch (const std::exception& e) {
                log(srv_.options(), log_level::error, "handler", std::string("on_members_lost threw: ") + e.what());
            }
        }
    }
}

void presence_layer::joined(redis::link* l, const std::string& prefix, const std::string& room, const std::string& sid,
                            const json::value& data)
{
    if (!l || !l->up()) {
        return;  // rewritten when the link is back
    }
    std::string value = uid_;
    value += '|';
    value += json::serialize(data);
    l->command({"HSET", prefix + "m:" + room, sid, std::move(value)});
    l->command({"SADD", prefix + "nr:" + uid_, room});
}

void presence_layer::left(redis::link* l, const std::string& prefix, const std::string& room, const std::string& sid)
{
    if (l && l->up()) {
        l->command({"HDEL", prefix + "m:" + room, sid});
    }
}

task<std::vector<presence_member>> presence_layer::members(redis::link* l, const std::string& prefix, std::string room,
                                                           std::chrono::milliseconds node_timeout)
{
    std::vector<presence_member> out;
    if (!l || !l->up()) {
        co_return out;
    }
    std::vector<std::string> cmd{"EVAL", std::string(members_script), "0", prefix + "m:" + room, nodes_key_,
                                 std::to_string(node_timeout.count()), uid_};
    auto v = co_await l->call(std::move(cmd));
    if (v.is_array()) {
        for (std::size_t i = 0; i + 1 < v.elements.size(); i += 2) {
            out.push_back(member_of(std::string(v.elements[i].text()), v.elements[i + 1].text()));
        }
    }
    co_return out;
}

} // namespace sb::detail
