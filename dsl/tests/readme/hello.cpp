// README.md's "Your first .rtdl", compiled as written (its main() mounts and returns
// instead of running), so the walkthrough cannot rot.
#include "hello.rtdl.hpp"

class hello_impl final : public hello::hello_service {
    sb::task<sb_rtdl::result<hello::Greeting>> on_greet(hello::hello_context& ctx, hello::Greet in) override
    {
        hello::Greeting g{.text = "hello, " + in.name};
        ctx.join(hello::lobby_room{});
        ctx.others().lobby().emit_greeted(g);   // emit_greeted exists only on rooms in `to`
        co_return g;                              // the ACK; or co_return sb::app_error{"code", "why"}
    }
};

int main()
{
    sb::server server{sb::server_options{.port = 0}};
    hello::mount(server, std::make_shared<hello_impl>());
    return 0;
}
