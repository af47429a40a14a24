// switchboard-app: the sample apps. `--app chat` (default) on `--port 3000`.
#include "chat/chat.hpp"
#include "game/game.hpp"
#include "ticker/ticker.hpp"

#include <switchboard/admin_ui.hpp>

#include <cstdlib>
#include <optional>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

void usage()
{
    std::cerr << "usage: switchboard-app [--app chat|game|ticker] [--port 3000] [--address 127.0.0.1] [--threads N]\n"
                 "                      [--static-dir DIR] [--client-dir DIR]\n"
                 "                      [--redis redis://HOST:PORT] [--redis-key socket.io]   join a cluster\n"
                 "                      [--allowed-origins https://a.example,https://*.b.example]   pages that may connect\n"
                 "                      [--max-connections N] [--max-per-address N] [--handshakes-per-second N]\n"
                 "                      [--trusted-proxies 127.0.0.1,...]   believe their X-Forwarded-For\n"
                 "                      [--tls-cert cert.pem --tls-key key.pem]   serve https and wss\n"
                 "                      [--admin-user NAME --admin-password-hash BCRYPT | --admin-anonymous]\n"
                 "                      [--admin-production] [--admin-ui-dir DIR]   the Socket.IO Admin UI at /admin-ui/\n"
                 "  chat:   [--jwt-secret S] (HS256; none: development mode, tokens minted for anyone) [--audit]\n"
                 "  ticker: [--symbols 50] [--seed 42] [--interval-ms 200]\n"
                 "  game:   [--bots N]   N in-process bots in match ARENA1 (they play while someone watches)\n";
}

std::vector<std::string> split_commas(std::string list)
{
    std::vector<std::string> out;
    while (!list.empty()) {
        const auto comma = list.find(',');
        out.push_back(list.substr(0, comma));
        list = comma == std::string::npos ? std::string{} : list.substr(comma + 1);
    }
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    std::string app = "chat";
    sb::server_options opts{.port = 3000, .client_dir = SB_CLIENT_DIR};
    std::string static_dir;
    std::string tls_cert, tls_key;
    game::options game_opts;
    chat::options chat_opts;
    ticker::options ticker_opts;
    std::optional<sb::admin_ui_options> admin;
    std::string admin_dir = SB_ADMIN_UI_DIR;
    auto admin_opts = [&]() -> sb::admin_ui_options& { return admin ? *admin : admin.emplace(); };
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
        else if (a == "--allowed-origins") opts.allowed_origins = split_commas(value());
        else if (a == "--tls-cert") tls_cert = value();
        else if (a == "--tls-key") tls_key = value();
        else if (a == "--trusted-proxies") opts.limits.trusted_proxies = split_commas(value());
        else if (a == "--max-connections") opts.limits.max_connections = std::stoul(value());
        else if (a == "--max-per-address") opts.limits.max_connections_per_address = std::stoul(value());
        else if (a == "--handshakes-per-second") opts.limits.handshakes_per_second = std::stod(value());
        else if (a == "--redis") opts.redis = sb::redis_options{.url = value()};
        else if (a == "--redis-key") {
            if (!opts.redis) opts.redis = sb::redis_options{};
            opts.redis->key = value();
        }
        else if (a == "--jwt-secret") chat_opts.jwt_secret = value();
        else if (a == "--audit") chat_opts.audit = true;
        else if (a == "--symbols") ticker_opts.symbols = static_cast<std::size_t>(std::stoul(value()));
        else if (a == "--seed") ticker_opts.seed = std::stoull(value());
        else if (a == "--interval-ms") ticker_opts.interval = std::chrono::milliseconds{std::stol(value())};
        else if (a == "--bots") game_opts.bots = static_cast<std::size_t>(std::stoul(value()));
        else if (a == "--admin-user") {
            auto& o = admin_opts();
            o.auth = sb::admin_auth{value(), o.auth ? o.auth->password_hash : std::string{}};
        }
        else if (a == "--admin-password-hash") {
            auto& o = admin_opts();
            o.auth = sb::admin_auth{o.auth ? o.auth->username : std::string{}, value()};
        }
        else if (a == "--admin-anonymous") admin_opts().allow_anonymous = true;
        else if (a == "--admin-production") admin_opts().production = true;
        else if (a == "--admin-ui-dir") admin_dir = value();
        else if (a == "-h" || a == "--help") { usage(); return 0; }
        else { usage(); return 2; }
    }
    if (app != "chat" && app != "game" && app != "ticker") {
        std::cerr << "unknown app '" << app << "' (available: chat, game, ticker)\n";
        return 2;
    }
    if (tls_cert.empty() != tls_key.empty()) {
        std::cerr << "switchboard-app: --tls-cert and --tls-key go together\n";
        return 2;
    }
    if (!tls_cert.empty()) {
        opts.tls = sb::tls_options{.cert_file = tls_cert, .key_file = tls_key};
    }
    opts.static_dir = static_dir.empty() ? std::string(SB_APPS_DIR) + "/" + app + "/web" : static_dir;
    if (admin) {
        opts.static_mounts.push_back({"/admin-ui/", admin_dir});  // @socket.io/admin-ui's hosted page
    }
    // The contract's heartbeat, idle timeout and buffers (mount() checks them).
    if (app == "chat")
        chat::configure(opts);
    else if (app == "game")
        game::configure(opts);
    else
        ticker::configure(opts);
    std::optional<sb::server> holder;
    try {
        holder.emplace(opts);
    }
    catch (const std::exception& e) {
        std::cerr << "switchboard-app: " << e.what() << '\n';
        return 2;
    }
    sb::server& server = *holder;
    // Declared after `server`, so the ticker's publisher stops before the server goes.
    std::shared_ptr<void> running;
    if (app == "chat")
        chat::mount(server, chat_opts);
    else if (app == "game")
        game::mount(server, game_opts);
    else
        running = ticker::mount(server, ticker_opts);
    if (admin) {
        try {
            sb::instrument(server, *admin);
        }
        catch (const std::exception& e) {
            std::cerr << "switchboard-app: --admin-*: " << e.what() << '\n';
            return 2;
        }
    }
    try {
        server.start();
    }
    catch (const std::exception& e) {
        std::cerr << "switchboard-app: " << e.what() << '\n';
        return 1;
    }
    std::cout << app << " listening on " << (opts.tls ? "https" : "http") << "://" << opts.address << ':'
              << server.port() << "/" << std::endl;
    server.run();
}
