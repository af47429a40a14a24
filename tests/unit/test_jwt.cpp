// sb::jwt with a fixed clock: what HS256 tokens minted by sign_hs256 verify to, the
// registered claims, and key/algorithm pinning. (RS256/ES256 against Node's crypto:
// tests/integration/js/jwt.test.js.)
#include <switchboard/jwt.hpp>

#include <catch2/catch.hpp>

namespace json = boost::json;
using namespace std::chrono;

namespace {
const system_clock::time_point t0{seconds{1'800'000'000}};
}

TEST_CASE("jwt: an HS256 token minted here verifies; exp, nbf, iss and aud are checked", "[jwt]")
{
    sb::jwt::verifier v{{.keys = {sb::jwt::key::hs256("0123456789abcdef0123456789abcdef")},
                         .issuer = "me", .audience = "you"}};
    auto mint = [](json::object c) { return sb::jwt::sign_hs256(c, "0123456789abcdef0123456789abcdef"); };
    const json::object base{{"sub", "alice"}, {"iss", "me"}, {"aud", "you"}, {"exp", 1'800'000'060}};

    auto ok = v.verify(mint(base), t0);
    REQUIRE(ok);
    CHECK(ok.claims.at("sub").as_string() == "alice");

    CHECK(v.verify(mint(base), t0 + seconds{60 + 29}));          // inside the 30 s leeway
    CHECK(v.verify(mint(base), t0 + seconds{60 + 30}).error == "token expired");
    auto early = base;
    early["nbf"] = 1'800'000'100;
    CHECK(v.verify(mint(early), t0).error == "token not yet valid");
    auto iss = base;
    iss["iss"] = "other";
    CHECK(v.verify(mint(iss), t0).error == "wrong issuer");
    auto aud = base;
    aud["aud"] = json::array{"a", "you"};
    CHECK(v.verify(mint(aud), t0));
    auto exp = base;
    exp["exp"] = "tomorrow";
    CHECK(v.verify(mint(exp), t0).error == "malformed token");
}

TEST_CASE("jwt: the key pins the algorithm; a wrong secret or a changed byte fails", "[jwt]")
{
    sb::jwt::verifier v{{.keys = {sb::jwt::key::hs256("secret-one", "k1"), sb::jwt::key::hs256("secret-two", "k2")}}};
    const json::object c{{"sub", "bob"}, {"exp", 1'800'000'060}};
    CHECK(v.verify(sb::jwt::sign_hs256(c, "secret-two"), t0));  // no kid: every HS256 key is tried
    CHECK(v.verify(sb::jwt::sign_hs256(c, "secret-three"), t0).error == "bad signature");
    auto tok = sb::jwt::sign_hs256(c, "secret-one");
    tok[tok.size() / 2] = tok[tok.size() / 2] == 'A' ? 'B' : 'A';
    CHECK_FALSE(v.verify(tok, t0));
    CHECK(v.verify("a.b", t0).error == "malformed token");
    CHECK(v.verify("", t0).error == "no token");
    CHECK_THROWS_AS(sb::jwt::key::rs256("not a pem"), std::invalid_argument);
    CHECK_THROWS_AS(sb::jwt::key::hs256(""), std::invalid_argument);
}
