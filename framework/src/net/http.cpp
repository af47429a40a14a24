#include "net/http.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/version.hpp>

namespace http = boost::beast::http;

namespace sb::detail {

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

std::string_view query_of(std::string_view target) noexcept
{
    const auto q = target.find('?');
    return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

std::string_view path_of(std::string_view target) noexcept
{
    return target.substr(0, target.find('?'));
}

} // namespace sb::detail
