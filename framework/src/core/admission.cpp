#include "core/admission.hpp"

#include "core/log.hpp"
#include "core/namespace_state.hpp"
#include "core/node.hpp"

namespace sb::detail {

task<std::optional<connect_error>> run_middlewares(namespace_state& ns, socket_ptr s)
{
    std::optional<connect_error> refusal;
    try {
        for (auto& m : ns.handlers().middlewares) {
            refusal = co_await m(s);
            if (refusal) {
                break;
            }
        }
    }
    catch (const std::exception& e) {
        // The text stays in the log; the client learns only that the server failed.
        log(ns.server().options(), log_level::error, "middleware", std::string("a connect middleware threw: ") + e.what(),
            s->id(), ns.name());
        refusal = connect_error{"internal error"};
    }
    co_return refusal;
}

} // namespace sb::detail
