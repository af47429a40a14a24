#include "fleet.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <thread>

namespace loadgen {

namespace net = boost::asio;

fleet::fleet(shards& s, net::ip::tcp::endpoint ep, sio_client::transport transport)
    : fleet(s, std::vector<net::ip::tcp::endpoint>{std::move(ep)}, transport)
{
}

fleet::fleet(shards& s, std::vector<net::ip::tcp::endpoint> eps, sio_client::transport transport)
    : shards_(s), endpoints_(std::move(eps)), transport_(transport), clients_(s.size())
{
}

void fleet::launch(std::size_t count, std::size_t concurrency, client_plan plan)
{
    launched_ += count;
    auto next = std::make_shared<std::atomic<std::size_t>>(0);
    auto shared_plan = std::make_shared<const client_plan>(std::move(plan));
    const std::size_t connectors = std::min(concurrency, count);
    for (std::size_t i = 0; i < connectors; ++i) {
        const std::size_t shard = i % shards_.size();
        net::co_spawn(shards_.at(shard), connector(next, count, shard, shared_plan), net::detached);
    }
}

net::awaitable<void> fleet::connector(std::shared_ptr<std::atomic<std::size_t>> next, std::size_t count,
                                      std::size_t shard, std::shared_ptr<const client_plan> plan)
{
    for (std::size_t index; (index = next->fetch_add(1)) < count;) {
        auto client = std::make_shared<sio_client>(shards_.at(shard).get_executor(), seed_.fetch_add(1), transport_);
        if (plan->connect) {
            client->set_connect(plan->connect(index));
        }
        clients_[shard].push_back(client);
        auto ec = co_await client->open(endpoints_[index % endpoints_.size()]);
        if (!ec && plan->setup) {
            ec = co_await plan->setup(*client);
        }
        if (ec) {
            {
                std::lock_guard lock{error_mutex_};
                if (first_error_.empty()) {
                    first_error_ = ec.message();
                }
            }
            client->close();
            ++failed_;
            continue;
        }
        ++ready_;
        net::co_spawn(shards_.at(shard), plan->run(client, shard), net::detached);
    }
}

bool fleet::wait_ready(std::chrono::milliseconds timeout) const
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (ready_ + failed_ < launched_ && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    return ready_ == launched_;
}

std::string fleet::first_error() const
{
    std::lock_guard lock{error_mutex_};
    return first_error_;
}

void fleet::close_all()
{
    for (std::size_t s = 0; s < shards_.size(); ++s) {
        net::post(shards_.at(s), [this, s] {
            for (auto& c : clients_[s]) {
                c->close();
            }
        });
    }
}

} // namespace loadgen
