#pragma once
// A polling GET waiting for its answer, as its session sees it.
#include <memory>

namespace sb::detail {

class session;

/** Owned by the session while it waits. When its answer is due the session hands it to
    engine_shard::defer_resume, which calls answer() at the end of that loop's turn: not
    inside the send that woke it, because what the rest of the turn queues belongs in the
    same answer. */
class poll_waiter {
public:
    virtual ~poll_waiter() = default;
    /// The answer is due: `self` is this, handed back; `s.poll_answer()` gives it.
    virtual void answer(std::unique_ptr<poll_waiter> self, session& s) = 0;
};

} // namespace sb::detail
