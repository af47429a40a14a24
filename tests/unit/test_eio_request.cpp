#include <switchboard/protocol/eio_request.hpp>

#include <catch2/catch.hpp>

using sb::eio::parse_query;
using sb::eio::request_error;
using sb::eio::transport_kind;

TEST_CASE("eio parse_query reads a polling handshake", "[eio][request]")
{
    const auto q = parse_query("EIO=4&transport=polling&t=N8hyd6w");
    CHECK(q.eio == "4");
    CHECK(q.transport == transport_kind::polling);
    CHECK(q.transport_name == "polling");
    CHECK(q.sid.empty());
    CHECK(q.is_handshake());
    CHECK_FALSE(q.b64);
}

TEST_CASE("eio parse_query reads a websocket upgrade", "[eio][request]")
{
    const auto q = parse_query("EIO=4&transport=websocket&sid=lv_VI97HAXpY6yYWAAAC");
    CHECK(q.eio == "4");
    CHECK(q.transport == transport_kind::websocket);
    CHECK(q.sid == "lv_VI97HAXpY6yYWAAAC");
    CHECK_FALSE(q.is_handshake());
}

TEST_CASE("eio parse_query knows the sse transport and skips a leading '?'", "[eio][request]")
{
    const auto q = parse_query("?EIO=4&transport=sse");
    CHECK(q.transport == transport_kind::sse);
    CHECK(q.eio == "4");
}

TEST_CASE("eio parse_query keeps unknown transport names", "[eio][request]")
{
    for (const std::string_view name : {"flashsocket", "Polling", "webtransport", "polling ", ""}) {
        INFO(name);
        const auto q = parse_query("transport=" + std::string(name));
        CHECK_FALSE(q.transport);
        CHECK(q.transport_name == name);
    }
    const auto none = parse_query("EIO=4");
    CHECK_FALSE(none.transport);
    CHECK(none.transport_name.empty());
}

TEST_CASE("eio parse_query reads b64 as engine.io does (any non-empty value)", "[eio][request]")
{
    // transport.ts: this.supportsBinary = !(req._query && req._query.b64)
    CHECK(parse_query("b64=1").b64);
    CHECK(parse_query("b64=true").b64);
    CHECK(parse_query("b64=0").b64);
    CHECK(parse_query("EIO=4&b64=1&transport=polling").b64);
    CHECK_FALSE(parse_query("b64=").b64);
    CHECK_FALSE(parse_query("b64").b64);
    CHECK_FALSE(parse_query("B64=1").b64);
    CHECK_FALSE(parse_query("b64=1&b64=").b64); // the last one wins
}

TEST_CASE("eio parse_query percent-decodes names and values like URLSearchParams", "[eio][request]")
{
    CHECK(parse_query("sid=abc%3D%3D").sid == "abc==");
    CHECK(parse_query("sid=a+b").sid == "a b");
    CHECK(parse_query("sid=a%2Bb").sid == "a+b");
    CHECK(parse_query("sid=%7e%7E").sid == "~~");
    CHECK(parse_query("sid=%zz").sid == "%zz");
    CHECK(parse_query("sid=%4").sid == "%4");
    CHECK(parse_query("sid=%").sid == "%");
    CHECK(parse_query("sid=a=b").sid == "a=b"); // split at the first '='
    CHECK(parse_query("%73id=x").sid == "x");
    CHECK(parse_query("transport=%70olling").transport == transport_kind::polling);
    CHECK(parse_query("EIO=%34").eio == "4");
    // The name's escapes and the value's are told apart: each side is decoded on its own.
    CHECK(parse_query("s%69d=a+b").sid == "a b");
    CHECK(parse_query("sid=x+y=z%21").sid == "x y=z!");
    CHECK(parse_query("a+b=c&sid=plain").sid == "plain");
    CHECK(parse_query("si+d=x").sid.empty()); // "si d"
}

TEST_CASE("eio parse_query tolerates odd query strings", "[eio][request]")
{
    const auto q = parse_query("&&EIO=4&&=x&sid&foo=bar&transport=polling&");
    CHECK(q.eio == "4");
    CHECK(q.sid.empty());
    CHECK(q.transport == transport_kind::polling);

    const auto last = parse_query("transport=polling&transport=websocket&sid=a&sid=b");
    CHECK(last.transport == transport_kind::websocket); // Object.fromEntries: last wins
    CHECK(last.sid == "b");

    const auto empty = parse_query("");
    CHECK(empty.eio.empty());
    CHECK_FALSE(empty.transport);
    CHECK(empty.is_handshake());

    CHECK(parse_query("eio=4").eio.empty()); // names are case-sensitive
}

TEST_CASE("eio transport names round-trip", "[eio][request]")
{
    for (const auto t : {transport_kind::polling, transport_kind::websocket, transport_kind::sse}) {
        CHECK(sb::eio::parse_transport(sb::eio::to_string(t)) == t);
    }
}

TEST_CASE("eio request errors match engine.io's messages, statuses and bodies", "[eio][request]")
{
    struct {
        request_error e;
        std::string_view message;
        unsigned status;
        std::string_view body;
    } const cases[] = {
        {request_error::unknown_transport, "Transport unknown", 400,
         R"({"code":0,"message":"Transport unknown"})"},
        {request_error::unknown_sid, "Session ID unknown", 400,
         R"({"code":1,"message":"Session ID unknown"})"},
        {request_error::bad_handshake_method, "Bad handshake method", 400,
         R"({"code":2,"message":"Bad handshake method"})"},
        {request_error::bad_request, "Bad request", 400, R"({"code":3,"message":"Bad request"})"},
        {request_error::forbidden, "Forbidden", 403, R"({"code":4,"message":"Forbidden"})"},
        {request_error::unsupported_protocol_version, "Unsupported protocol version", 400,
         R"({"code":5,"message":"Unsupported protocol version"})"},
    };
    for (const auto& c : cases) {
        INFO(c.message);
        CHECK(sb::eio::message(c.e) == c.message);
        CHECK(sb::eio::http_status(c.e) == c.status);
        CHECK(sb::eio::error_body(c.e) == c.body);
    }
}

TEST_CASE("eio error_body escapes a custom message as JSON.stringify", "[eio][request]")
{
    CHECK(sb::eio::error_body(request_error::forbidden, "origin not allowed")
          == R"({"code":4,"message":"origin not allowed"})");
    CHECK(sb::eio::error_body(request_error::forbidden, "a\"b\\c\td\x1f\xc3\xa9")
          == "{\"code\":4,\"message\":\"a\\\"b\\\\c\\td\\u001f\xc3\xa9\"}");
}
