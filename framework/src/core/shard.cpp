#include "core/shard.hpp"

#include "core/namespace_state.hpp"

namespace sb::detail {

namespace {
thread_local shard* current_shard = nullptr;
}

shard* shard::current() noexcept { return current_shard; }
void shard::set_current(shard* s) noexcept { current_shard = s; }

local_namespace& shard::local(const namespace_state& ns)
{
    if (locals_.size() <= ns.index()) {
        locals_.resize(ns.index() + 1);
    }
    auto& p = locals_[ns.index()];
    if (!p) {
        p = std::make_unique<local_namespace>();
    }
    return *p;
}

local_namespace* shard::find_local(const namespace_state& ns) noexcept
{
    return ns.index() < locals_.size() ? locals_[ns.index()].get() : nullptr;
}

} // namespace sb::detail
