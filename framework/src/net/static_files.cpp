#include "net/static_files.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace http = boost::beast::http;

namespace sb::detail {

namespace {

std::string_view mime_type(std::string_view path)
{
    const auto dot = path.rfind('.');
    const auto ext = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
    if (ext == "html") return "text/html; charset=utf-8";
    if (ext == "js" || ext == "mjs") return "application/javascript; charset=utf-8";
    if (ext == "css") return "text/css; charset=utf-8";
    if (ext == "json" || ext == "map") return "application/json";
    if (ext == "svg") return "image/svg+xml";
    if (ext == "png") return "image/png";
    if (ext == "ico") return "image/x-icon";
    return "application/octet-stream";
}

bool read_file(const std::string& path, std::string& out)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return false;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    out = std::move(ss).str();
    return true;
}

} // namespace

std::optional<std::string> resolve_static(const std::string& root, std::string_view path)
{
    namespace fs = std::filesystem;
    // Only absolute paths ("GET -secret/key.pem" would name a sibling of the root), and
    // nothing a filesystem could read as another directory.
    if (path.empty() || path.front() != '/' || path.find('\\') != std::string_view::npos ||
        path.find('\0') != std::string_view::npos) {
        return std::nullopt;
    }
    std::error_code ec;
    const auto base = fs::canonical(root, ec);
    if (ec) {
        return std::nullopt;
    }
    // canonical() resolves "..", "." and symlinks: whatever it names must lie inside the
    // root, so neither "/../x" nor a symlink pointing out of the root is followed.
    auto target = fs::canonical(base / fs::path(std::string(path.substr(1))), ec);
    if (ec) {
        return std::nullopt;
    }
    auto inside = [&](const fs::path& p) {
        auto [b, t] = std::mismatch(base.begin(), base.end(), p.begin(), p.end());
        return b == base.end();
    };
    if (!inside(target)) {
        return std::nullopt;
    }
    if (fs::is_directory(target, ec)) {
        // A directory is served by its index.html, or not at all.
        target = fs::canonical(target / "index.html", ec);
        if (ec || !inside(target)) {
            return std::nullopt;
        }
    }
    if (!fs::is_regular_file(target, ec)) {
        return std::nullopt;
    }
    return target.string();
}

bool serves_client_file(const server_options& o, std::string_view path) noexcept
{
    if (!path.starts_with(o.path)) {
        return false;
    }
    const auto name = path.substr(o.path.size());
    return name == "socket.io.js" || name == "socket.io.min.js" || name == "socket.io.js.map" ||
           name == "socket.io.min.js.map" || name == "sse-transport.js";
}

namespace {

/// The first mount whose prefix starts `path`, or whose prefix is `path` and a '/'.
const static_mount* mount_for(const server_options& o, std::string_view path) noexcept
{
    for (const auto& m : o.static_mounts) {
        if (m.prefix.size() >= 2 && m.prefix.front() == '/' && m.prefix.back() == '/' &&
            (path.starts_with(m.prefix) || path == std::string_view(m.prefix).substr(0, m.prefix.size() - 1))) {
            return &m;
        }
    }
    return nullptr;
}

} // namespace

file_reply serve_file(const server_options& o, const http_request& req)
{
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
        return {make_response(req, 405, "text/plain", "method not allowed\n")};
    }
    std::string path(path_of(req.target()));
    std::string file;
    if (serves_client_file(o, path)) {
        if (o.client_dir.empty()) {
            return {make_response(req, 404, "text/plain", "not found\n")};
        }
        file = o.client_dir + "/" + path.substr(o.path.size());
    }
    else if (const auto* m = mount_for(o, path)) {
        if (path.size() < m->prefix.size()) {
            // "/admin-ui" → "/admin-ui/": the page's relative links need the slash.
            file_reply moved{make_response(req, 301, "text/plain", "moved\n")};
            moved.res.set(http::field::location, m->prefix);
            return moved;
        }
        auto resolved = resolve_static(m->directory, std::string_view(path).substr(m->prefix.size() - 1));
        if (!resolved) {
            return {make_response(req, 404, "text/plain", "not found\n")};
        }
        file = std::move(*resolved);
    }
    else {
        if (o.static_dir.empty()) {
            return {make_response(req, 404, "text/plain", "not found\n")};
        }
        auto resolved = resolve_static(o.static_dir, path);
        if (!resolved) {
            return {make_response(req, 404, "text/plain", "not found\n")};
        }
        file = std::move(*resolved);
    }
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) {
        return {make_response(req, 404, "text/plain", "not found\n")};
    }
    file_reply reply;
    if (size > static_chunk_size) {
        reply.res = make_response(req, 200, mime_type(file), {});
        reply.res.content_length(size);  // the header announces the file; the body follows in pieces
        reply.stream_path = std::move(file);
        reply.stream_size = size;
    }
    else {
        std::string body;
        if (!read_file(file, body)) {
            return {make_response(req, 404, "text/plain", "not found\n")};
        }
        reply.res = make_response(req, 200, mime_type(file), std::move(body));
    }
    reply.res.set(http::field::cache_control, "no-cache");
    return reply;
}

} // namespace sb::detail
