#include "engine/engine_shard.hpp"

#include "engine/deferred_flush.hpp"
#include "engine/session.hpp"

#include <boost/asio/post.hpp>

namespace net = boost::asio;

namespace sb::detail {

std::shared_ptr<session> engine_shard::find_session(std::string_view sid) const
{
    auto it = sessions_.find(sid);
    return it == sessions_.end() ? nullptr : it->second;
}

void engine_shard::add_session(std::shared_ptr<session> s)
{
    const auto sid = s->sid();  // views the session's own id
    sessions_.emplace(sid, std::move(s));
}

void engine_shard::remove_session(std::string_view sid) { sessions_.erase(sid); }

std::vector<std::shared_ptr<session>> engine_shard::sessions() const
{
    std::vector<std::shared_ptr<session>> out;
    out.reserve(sessions_.size());
    for (const auto& [sid, s] : sessions_) {
        out.push_back(s);
    }
    return out;
}

void engine_shard::defer_flush(std::shared_ptr<deferred_flush> t)
{
    dirty_.push_back(std::move(t));
    post_flush();
}

void engine_shard::defer_resume(std::unique_ptr<poll_waiter> w, std::shared_ptr<session> s)
{
    resumes_.push_back(due_poll{std::move(w), std::move(s)});
    post_flush();
}

void engine_shard::post_flush()
{
    if (flush_posted_) {
        return;
    }
    flush_posted_ = true;
    // Two hops: the first lets the handlers already queued run (consecutive broadcasts
    // from one read of the publisher); the second lets in those that another shard posted
    // meanwhile. A post costs far less than the write it saves.
    auto& ctx = context();
    net::post(ctx, [this, &ctx] {
        net::post(ctx, [this] {
            flush_posted_ = false;
            // Both pairs of vectors keep their capacity from batch to batch; what runs
            // here may queue for the next batch.
            // Emptied however the loops end: an exception would otherwise leave waiters
            // already resumed, their handlers spent, for the next batch.
            struct emptied {
                engine_shard& sh;
                ~emptied()
                {
                    sh.resuming_.clear();
                    sh.flushing_.clear();
                }
            } done{*this};
            resuming_.swap(resumes_);
            for (auto& [w, s] : resuming_) {
                auto* waiter = w.get();
                waiter->answer(std::move(w), *s);
            }
            flushing_.swap(dirty_);
            for (auto& t : flushing_) {
                t->flush_deferred();
            }
        });
    });
}

void engine_shard::drop_waiters()
{
    resumes_.clear();
    resuming_.clear();
    for (auto& [sid, s] : sessions_) {
        s->drop_parked_poll_for_teardown();
    }
}

} // namespace sb::detail
