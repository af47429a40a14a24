// The consumer's server: one contract, one handler, built against an installed or an
// add_subdirectory'd Switchboard. Prints "listening PORT" once it accepts.
#include "greeter.rtdl.hpp"

#include <switchboard/server.hpp>

#include <iostream>
#include <memory>
#include <string>

class greeter_impl final : public greeter::greeter_service {
    sb::task<sb_rtdl::result<greeter::Greeting>> on_greet(greeter::greeter_context& ctx, greeter::Greet in) override
    {
        greeter::Greeting g{.text = "hello, " + in.name};
        ctx.join(greeter::lobby_room{});
        ctx.others().lobby().emit_greeted(g);
        co_return g;
    }
};

int main(int argc, char** argv)
{
    sb::server server{sb::server_options{.port = static_cast<std::uint16_t>(argc > 1 ? std::stoi(argv[1]) : 0)}};
    greeter::mount(server, std::make_shared<greeter_impl>());
    server.start();
    std::cout << "listening " << server.port() << std::endl;
    server.run();
}
