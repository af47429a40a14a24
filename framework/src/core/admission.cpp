#include "core/admission.hpp"

#include "core/namespace_state.hpp"

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
        refusal = connect_error{e.what()};
    }
    co_return refusal;
}

} // namespace sb::detail
