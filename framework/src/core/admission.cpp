#include "core/admission.hpp"

#include "core/namespace_state.hpp"

#include <iostream>

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
        std::cerr << "switchboard: a connect middleware of " << ns.name() << " threw: " << e.what() << '\n';
        refusal = connect_error{"internal error"};
    }
    co_return refusal;
}

} // namespace sb::detail
