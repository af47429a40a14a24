#include "shards.hpp"

#include <chrono>

namespace loadgen {

shards::shards(unsigned count)
{
    for (unsigned i = 0; i < count; ++i) {
        // The hint 1 lets Asio drop its internal locking: each context has one thread.
        contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
        guards_.emplace_back(contexts_.back()->get_executor());
    }
}

shards::~shards()
{
    finish(0);
}

void shards::start()
{
    for (auto& ctx : contexts_) {
        threads_.emplace_back([&ctx] { ctx->run(); });
    }
}

void shards::finish(int grace_ms)
{
    guards_.clear();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds{grace_ms};
    auto all_stopped = [&] {
        for (auto& ctx : contexts_) {
            if (!ctx->stopped()) {
                return false;
            }
        }
        return true;
    };
    while (!threads_.empty() && !all_stopped() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    for (auto& ctx : contexts_) {
        ctx->stop();
    }
    for (auto& t : threads_) {
        t.join();
    }
    threads_.clear();
}

} // namespace loadgen
