#pragma once
// Starting a handler's coroutine on the spot, the way co_spawn does, without its two hops.
//
// co_spawn (Asio 1.81) wraps the coroutine in an entry point that first `dispatch`es to
// the executor and, when the coroutine finishes without having suspended, `post`s before
// it calls the completion handler. Both exist for callers on another thread and for
// completion handlers that must not run inside the call that spawned them. Neither applies
// to a handler started by its shard for an event that shard read: it is on the right
// thread, and its reply only queues a packet. The post was a trip through the scheduler
// queue; with the entry point's frame, the dispatch and a lambda coroutine around the
// handler, co_spawn cost a quarter of the user-space instructions of an echoed ack
// (callgrind, 16.7k before and 12.4k after, bench echo over websocket).
//
// So an `entry_task` is the coroutine itself at the bottom of an Asio coroutine "thread";
// it runs at once, up to its first suspension, and its own body does what a completion
// handler would. It must not let an exception escape: launch() would rethrow it into the
// caller, which is the transport's read loop, or, once the task has suspended, out of the
// shard's io_context::run().
//
// This leans on boost::asio::detail::awaitable_handler, the class co_spawn itself launches.
// It is in the version Debian ships (1.81) and unchanged in shape since 1.74; a Boost that
// drops it fails to compile here, not at run time.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sb::detail {

/// The coroutine type launch_here() runs: `co_return;` at its end, nothing to hand back.
using entry_task =
    boost::asio::awaitable<boost::asio::detail::awaitable_thread_entry_point, boost::asio::any_io_executor>;

/// Runs `task` now, on the calling thread, which must be `ex`'s. A terminal emit on `slot`
/// cancels the operation it is suspended in, as for a co_spawn bound to that slot.
inline void launch_here(entry_task task, const boost::asio::any_io_executor& ex,
                        boost::asio::cancellation_slot slot = {})
{
    boost::asio::cancellation_state state(slot);
    boost::asio::detail::awaitable_handler<boost::asio::any_io_executor, void>(std::move(task), ex, slot, state)
        .launch();
}

/// What keeps the io_context's run() from returning while a launched task waits on something
/// that is not an Asio operation (an ack from a client, say): co_spawn's entry point holds
/// the same. Keep one in the task's frame.
inline boost::asio::any_io_executor track_work(const boost::asio::any_io_executor& ex)
{
    return boost::asio::prefer(ex, boost::asio::execution::outstanding_work.tracked);
}

} // namespace sb::detail
