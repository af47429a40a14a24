#include "net/http.hpp"

#include "net/origin.hpp"

#include <boost/assert.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/version.hpp>

#include <switchboard/protocol/eio_request.hpp>

#include <algorithm>
#include <charconv>
#include <cctype>

namespace http = boost::beast::http;

namespace sb::detail {

namespace {

/// "HTTP/1.x NNN reason\r\n" (Beast's parser admits only versions 10 and 11).
void append_status_line(std::string& head, unsigned version, unsigned status, std::string_view reason)
{
    head += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    head += static_cast<char>('0' + status / 100 % 10);
    head += static_cast<char>('0' + status / 10 % 10);
    head += static_cast<char>('0' + status % 10);
    head += ' ';
    head += reason;
    head += "\r\n";
}

} // namespace

http_response make_response(const http_request& req, unsigned status, std::string_view content_type, std::string body)
{
    http_response res{static_cast<http::status>(status), req.version()};
    if (!content_type.empty()) {
        res.set(http::field::content_type, content_type);
    }
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

std::string response_head(const http_response& res)
{
    const auto reason = res.reason();
    std::size_t size = 9 + 4 + reason.size() + 2 + 2;
    for (const auto& f : res) {
        size += f.name_string().size() + 2 + f.value().size() + 2;
    }
    std::string head;
    head.reserve(size);
    append_status_line(head, res.version(), res.result_int(), reason);
    for (const auto& f : res) {
        const auto name = f.name_string();
        const auto value = f.value();
        head.append(name.data(), name.size());
        head += ": ";
        head.append(value.data(), value.size());
        head += "\r\n";
    }
    head += "\r\n";
    return head;
}

plain_response make_plain(unsigned status, std::string_view content_type, std::string body)
{
    // plain_head always writes Content-Length, which 1xx, 204 and 304 must not carry.
    BOOST_ASSERT(status >= 200 && status != 204 && status != 304);
    return plain_response{status, content_type, std::move(body)};
}

std::string plain_head(const http_request& req, const plain_response& res, const cors_headers& cors)
{
    std::string head;
    plain_head_into(head, req.version(), req.keep_alive(), res, cors);
    return head;
}

void plain_head_into(std::string& head, unsigned version, bool keep_alive, const plain_response& res,
                     const cors_headers& cors)
{
    const auto reason = http::obsolete_reason(static_cast<http::status>(res.status));
    const bool http10 = version == 10;
    char length[24];
    const auto length_end = std::to_chars(length, length + sizeof length, res.body.size()).ptr;
    head.clear();
    head.reserve(160 + reason.size() + res.content_type.size() + cors.allow_origin.size());
    append_status_line(head, version, res.status, reason);
    if (!res.content_type.empty()) {
        head += "Content-Type: ";
        head += res.content_type;
        head += "\r\n";
    }
    // What Beast's keep_alive() writes: a token only where it differs from the version's default.
    if (http10 && keep_alive) {
        head += "Connection: keep-alive\r\n";
    }
    else if (!http10 && !keep_alive) {
        head += "Connection: close\r\n";
    }
    head += "Content-Length: ";
    head.append(length, length_end);
    head += "\r\n";
    if (res.no_store) {
        head += "Cache-Control: no-store\r\n";
    }
    append_cors(head, cors);
    head += "\r\n";
}

std::string_view query_of(std::string_view target) noexcept
{
    const auto q = target.find('?');
    return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

std::string_view path_of(std::string_view target) noexcept
{
    return target.substr(0, target.find('?'));
}

handshake_info make_handshake(const http_request& req, std::string address, bool secure)
{
    handshake_info h;
    std::size_t lines = 0;
    std::size_t bytes = 0;
    for (const auto& f : req) {
        ++lines;
        bytes += f.name_string().size() + f.value().size();
    }
    h.headers.reserve(lines, bytes);  // one allocation, of the exact size
    std::string name;
    for (const auto& f : req) {
        name.assign(f.name_string());
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        h.headers.add(name, f.value());
        if (name == "origin") {
            h.xdomain = true;
        }
    }
    h.url = std::string(req.target());
    h.address = std::move(address);
    h.issued = std::chrono::system_clock::now();
    h.secure = secure;
    return h;
}

} // namespace sb::detail
