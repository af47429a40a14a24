// handshake_info as the framework builds it from the HTTP request: header lines kept in
// order in one buffer, names lower-cased, repeated lines joined as Node joins them.
#include "net/http.hpp"
#include "net/origin.hpp"

#include <switchboard/handshake.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

namespace http = boost::beast::http;

TEST_CASE("handshake: header lines in order, lower-cased, joined like Node's headers", "[handshake]")
{
    sb::detail::http_request req{http::verb::get, "/socket.io/?EIO=4&transport=websocket&name=a%20b", 11};
    req.set(http::field::host, "127.0.0.1:3000");
    req.insert("X-Custom", "one");
    req.insert("Origin", "http://example.test");
    req.insert("x-custom", "two");
    req.insert("X-Empty", "");
    const std::string long_value(5000, 'v');  // longer than any small-string buffer
    req.insert("Cookie", long_value);

    const auto h = sb::detail::make_handshake(req, "10.0.0.7", false);

    std::vector<std::pair<std::string, std::string>> lines;
    for (auto [name, value] : h.headers) {
        lines.emplace_back(name, value);
    }
    // In Beast's order: a repeated name's lines stay together, in the order received.
    const std::vector<std::pair<std::string, std::string>> want{
        {"host", "127.0.0.1:3000"}, {"x-custom", "one"}, {"x-custom", "two"},
        {"origin", "http://example.test"}, {"x-empty", ""}, {"cookie", long_value}};
    CHECK(lines == want);
    CHECK(h.headers.size() == 6);
    CHECK_FALSE(h.headers.empty());
    CHECK(h.xdomain);
    CHECK(h.header("X-CUSTOM") == "one, two");
    CHECK(h.header("x-empty").empty());
    CHECK(h.header("absent").empty());
    CHECK(h.query().at("name").as_string() == "a b");
    CHECK(h.address == "10.0.0.7");

    const auto j = h.to_json({});
    const auto& hs = j.at("headers").as_object();
    CHECK(hs.size() == 5);  // one key per name
    CHECK(hs.at("x-custom").as_string() == "one, two");
    CHECK(hs.at("cookie").as_string().size() == 5000);
}

TEST_CASE("handshake: a request without headers, and without an Origin", "[handshake]")
{
    sb::detail::http_request req{http::verb::get, "/socket.io/?EIO=4", 11};
    const auto h = sb::detail::make_handshake(req, "", true);
    CHECK(h.headers.empty());
    CHECK(h.headers.begin() == h.headers.end());
    CHECK_FALSE(h.xdomain);
    CHECK(h.secure);
    CHECK(h.header("host").empty());
}

#include <boost/beast/http/write.hpp>

#include <sstream>

namespace {

/// What Beast's serializer writes for `res`: the reference both heads are held to.
std::string beast_bytes(const sb::detail::http_response& res)
{
    std::ostringstream out;
    out << res;
    return out.str();
}

} // namespace

TEST_CASE("response_head: the bytes Beast's serializer writes before the body", "[http]")
{
    sb::detail::http_request req{http::verb::get, "/socket.io/?EIO=4&transport=polling", 11};
    for (const unsigned status : {200u, 204u, 400u, 403u, 503u, 299u}) {
        // A 204 has no body (Beast refuses one).
        auto res = sb::detail::make_response(req, status, "text/plain; charset=UTF-8",
                                             status == 204 ? "" : "40{\"sid\":\"x\"}");
        res.set(http::field::access_control_allow_origin, "http://example.test");
        res.insert("X-Custom", "one");
        res.insert("x-custom", "two");
        CHECK(sb::detail::response_head(res) + res.body() == beast_bytes(res));
    }
    sb::detail::http_request old{http::verb::get, "/", 10};
    auto res = sb::detail::make_response(old, 404, {}, "not found\n");
    CHECK(sb::detail::response_head(res).starts_with("HTTP/1.0 404 Not Found\r\n"));
    CHECK(sb::detail::response_head(res) + res.body() == beast_bytes(res));
}

TEST_CASE("plain_head: what Beast writes for the same response", "[http]")
{
    const sb::detail::cors_headers no_cors{};
    const sb::detail::cors_headers listed{"http://example.test", true, true};
    const sb::detail::cors_headers any{"*", false, false};
    for (const unsigned version : {10u, 11u}) {
        for (const char* connection : {"", "close", "keep-alive"}) {
            sb::detail::http_request req{http::verb::get, "/socket.io/?EIO=4&transport=polling&sid=x", version};
            if (*connection) {
                req.set(http::field::connection, connection);
            }
            for (const auto* cors : {&no_cors, &listed, &any}) {
                for (const unsigned status : {200u, 400u, 403u, 500u}) {
                    for (const bool no_store : {false, true}) {
                        for (const std::string_view type : {"", "application/json"}) {
                            auto plain = sb::detail::make_plain(status, type, status == 200 ? "4hello\x1e" "2" : "");
                            plain.no_store = no_store;
                            auto res = sb::detail::make_response(req, status, type, plain.body);
                            if (no_store) {
                                res.set(http::field::cache_control, "no-store");
                            }
                            if (!cors->allow_origin.empty()) {
                                res.set(http::field::access_control_allow_origin, cors->allow_origin);
                            }
                            if (cors->credentials) {
                                res.set(http::field::access_control_allow_credentials, "true");
                            }
                            if (cors->vary) {
                                res.set(http::field::vary, "Origin");
                            }
                            CAPTURE(version, connection, status, no_store, type, cors->allow_origin);
                            CHECK(sb::detail::plain_head(req, plain, *cors) + plain.body == beast_bytes(res));
                        }
                    }
                }
            }
        }
    }
}
