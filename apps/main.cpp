// switchboard-app: the sample apps. `--app chat` (default) on `--port 3000`.
#include "chat/chat.hpp"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

namespace {

void usage()
{
    std::cerr << "usage: switchboard-app [--app chat] [--port 3000] [--address 127.0.0.1] [--threads N]\n"
                 "                      [--static-dir DIR] [--client-dir DIR]\n";
}

} // namespace

int main(int argc, char** argv)
{
    std::string app = "chat";
    sb::server_options opts{.port = 3000, .client_dir = SB_CLIENT_DIR};
    std::string static_dir;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage();
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--app") app = value();
        else if (a == "--port") opts.port = static_cast<std::uint16_t>(std::stoi(value()));
        else if (a == "--address") opts.address = value();
        else if (a == "--threads") opts.threads = static_cast<unsigned>(std::stoi(value()));
        else if (a == "--static-dir") static_dir = value();
        else if (a == "--client-dir") opts.client_dir = value();
        else if (a == "-h" || a == "--help") { usage(); return 0; }
        else { usage(); return 2; }
    }
    if (app != "chat") {
        std::cerr << "unknown app '" << app << "' (available: chat; game and ticker are coming)\n";
        return 2;
    }
    opts.static_dir = static_dir.empty() ? std::string(SB_APPS_DIR) + "/" + app + "/web" : static_dir;
    sb::server server{opts};
    chat::mount(server);
    server.start();
    std::cout << app << " listening on http://" << opts.address << ':' << server.port() << "/" << std::endl;
    server.run();
}
