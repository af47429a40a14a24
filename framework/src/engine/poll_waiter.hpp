#pragma once
// A polling GET waiting for its answer, as its session sees it.
#include <memory>

namespace sb::detail {

class session;

/** Owned by the session while it waits, and woken once, when its answer is due. wake()
    takes back ownership; it must not answer from inside the call (that is inside a send:
    packets queued by the rest of the loop's turn belong in the same answer), so it posts,
    or hands itself to engine_shard::defer_resume, which calls resume() at the end of the
    loop's turn. */
class poll_waiter {
public:
    virtual ~poll_waiter() = default;
    virtual void wake(std::unique_ptr<poll_waiter> self, std::shared_ptr<session> s) = 0;
    /// Answers now: for a waiter that wake() handed to engine_shard::defer_resume.
    virtual void resume() {}
};

} // namespace sb::detail
