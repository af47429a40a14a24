// The Origin allow-list and the CORS answer (net/origin.hpp): pure functions of the options.
#include "net/origin.hpp"

#include <catch2/catch.hpp>

using sb::detail::cors_for;
using sb::detail::origin_allowed;
using sb::detail::origin_matches;

TEST_CASE("origin patterns: exact, case-insensitive, * is one or more characters but never /", "[origin]")
{
    CHECK(origin_matches("https://app.example.com", "https://app.example.com"));
    CHECK(origin_matches("https://app.example.com", "HTTPS://App.Example.COM"));
    CHECK_FALSE(origin_matches("https://app.example.com", "https://app.example.com.evil.net"));
    CHECK_FALSE(origin_matches("https://app.example.com", "http://app.example.com"));

    CHECK(origin_matches("https://*.example.com", "https://a.example.com"));
    CHECK(origin_matches("https://*.example.com", "https://a.b.example.com"));
    CHECK_FALSE(origin_matches("https://*.example.com", "https://example.com"));  // * takes at least one
    CHECK_FALSE(origin_matches("https://*.example.com", "https://a.example.com.evil.net"));
    CHECK_FALSE(origin_matches("https://*.example.com", "https://evil.net/.example.com"));  // never a /

    CHECK(origin_matches("http://localhost:*", "http://localhost:3000"));
    CHECK_FALSE(origin_matches("http://localhost:*", "http://localhost:"));
    CHECK_FALSE(origin_matches("http://localhost:*", "http://localhost"));
    CHECK_FALSE(origin_matches("http://localhost:*", "http://localhost:80/x"));

    CHECK_FALSE(origin_matches("", "https://a.example.com"));
    CHECK_FALSE(origin_matches("*", ""));
    // A long hostile origin against a pattern with stars stays a quick "no".
    CHECK_FALSE(origin_matches("https://*a*a*a*a*b", "https://" + std::string(4000, 'a')));
}

TEST_CASE("origin_allowed: no list allows all; a list allows listed pages and requests without Origin", "[origin]")
{
    sb::server_options open;
    CHECK(origin_allowed(open, "https://anything.example"));

    sb::server_options listed{.allowed_origins = {"https://good.example", "https://*.trusted.example"}};
    CHECK(origin_allowed(listed, "https://good.example"));
    CHECK(origin_allowed(listed, "https://x.trusted.example"));
    CHECK_FALSE(origin_allowed(listed, "https://evil.example"));
    CHECK(origin_allowed(listed, ""));  // not a browser page

    sb::server_options predicate{.allow_origin = [](std::string_view o) { return o.ends_with(".internal"); }};
    CHECK(origin_allowed(predicate, "http://tool.internal"));
    CHECK_FALSE(origin_allowed(predicate, "http://tool.external"));
}

TEST_CASE("cors_for: credentials only for listed origins, * is literal, Vary when it depends", "[origin]")
{
    sb::server_options star{.cors_origin = "*"};
    auto c = cors_for(star, "https://any.example");
    CHECK(c.allow_origin == "*");
    CHECK_FALSE(c.credentials);
    CHECK_FALSE(c.vary);

    sb::server_options listed{.allowed_origins = {"https://good.example"}, .cors_origin = "*"};
    c = cors_for(listed, "https://good.example");
    CHECK(c.allow_origin == "https://good.example");
    CHECK(c.credentials);
    CHECK(c.vary);
    c = cors_for(listed, "https://evil.example");  // refused anyway; never echoed
    CHECK(c.allow_origin == "*");
    CHECK_FALSE(c.credentials);

    sb::server_options fixed{.cors_origin = "https://app.example"};
    c = cors_for(fixed, "https://other.example");
    CHECK(c.allow_origin == "https://app.example");
    CHECK_FALSE(c.credentials);
    CHECK(c.vary);

    CHECK(cors_for(sb::server_options{}, "https://x.example").allow_origin.empty());

    std::string head;
    sb::detail::append_cors(head, cors_for(listed, "https://good.example"));
    CHECK(head == "Access-Control-Allow-Origin: https://good.example\r\nAccess-Control-Allow-Credentials: true\r\n"
                  "Vary: Origin\r\n");
}
