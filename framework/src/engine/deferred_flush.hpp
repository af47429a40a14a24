#pragma once
// What a shard's corking needs of a transport (see shard::defer_flush): the websocket
// and sse writers both gather their session's queue into one write, and both are
// flushed once per shard batch by the same mechanism.
namespace sb::detail {

class deferred_flush {
public:
    /// Writes what was queued since the transport was handed to `shard::defer_flush`.
    virtual void flush_deferred() = 0;

protected:
    ~deferred_flush() = default;
};

} // namespace sb::detail
