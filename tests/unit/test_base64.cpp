#include <switchboard/protocol/base64.hpp>

#include <catch2/catch.hpp>

#include <random>
#include <string>

using namespace std::literals;

namespace {

std::string all_bytes()
{
    std::string s;
    for (int i = 0; i < 256; ++i) {
        s.push_back(static_cast<char>(i));
    }
    return s;
}

std::string decoded(std::string_view text)
{
    std::string out;
    REQUIRE(sb::base64::decode_append(out, text));
    return out;
}

} // namespace

TEST_CASE("base64 encodes the RFC 4648 test vectors", "[base64]")
{
    CHECK(sb::base64::encode("") == "");
    CHECK(sb::base64::encode("f") == "Zg==");
    CHECK(sb::base64::encode("fo") == "Zm8=");
    CHECK(sb::base64::encode("foo") == "Zm9v");
    CHECK(sb::base64::encode("foob") == "Zm9vYg==");
    CHECK(sb::base64::encode("fooba") == "Zm9vYmE=");
    CHECK(sb::base64::encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64 matches Node's Buffer.toString('base64')", "[base64]")
{
    // engine.io-parser test/node.ts: Buffer.from([1, 2, 3, 4]) is sent as "bAQIDBA=="
    CHECK(sb::base64::encode(std::string{1, 2, 3, 4}) == "AQIDBA==");
    // node -e 'const b=Buffer.alloc(256); for(let i=0;i<256;i++) b[i]=i; console.log(b.toString("base64"))'
    CHECK(sb::base64::encode(all_bytes())
          == "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQk"
             "NERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWG"
             "h4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrL"
             "zM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==");
}

TEST_CASE("base64 encode_append appends and sizes exactly", "[base64]")
{
    std::string out = "b";
    sb::base64::encode_append(out, "foob");
    CHECK(out == "bZm9vYg==");
    for (std::size_t n = 0; n < 10; ++n) {
        CHECK(sb::base64::encode(std::string(n, 'x')).size() == sb::base64::encoded_size(n));
    }
}

TEST_CASE("base64 decodes what it encodes", "[base64]")
{
    CHECK(decoded("Zm9vYmFy") == "foobar");
    CHECK(decoded("Zm9vYg==") == "foob");
    CHECK(decoded("Zm9vYmE=") == "fooba");
    CHECK(decoded("") == "");
    CHECK(decoded(sb::base64::encode(all_bytes())) == all_bytes());

    std::mt19937 rng(42);
    for (std::size_t n = 0; n < 200; ++n) {
        std::string bytes(n, '\0');
        for (auto& c : bytes) {
            c = static_cast<char>(rng());
        }
        CHECK(decoded(sb::base64::encode(bytes)) == bytes);
    }
}

TEST_CASE("base64 decode appends to existing content", "[base64]")
{
    std::string out = "prefix:";
    REQUIRE(sb::base64::decode_append(out, "AQIDBA=="));
    CHECK(out == std::string("prefix:") + std::string{1, 2, 3, 4});
}

TEST_CASE("base64 decode is as lenient as Node where it is unambiguous", "[base64]")
{
    // Missing padding.
    CHECK(decoded("Zg") == "f");
    CHECK(decoded("Zm8") == "fo");
    CHECK(decoded("AQIDBA") == std::string{1, 2, 3, 4});
    // Non-zero unused bits: Buffer.from("Zh==", "base64") is <66>.
    CHECK(decoded("Zh==") == "f");
    CHECK(decoded("Zm9=") == "fo");
}

TEST_CASE("base64 decode rejects invalid text and leaves the output alone", "[base64]")
{
    const std::string_view invalid[] = {
        "Z",          // one dangling character
        "Zm9vY",      // same after a quad
        "Zg=",        // padding that does not complete a quad
        "Zm9vYg=",    //
        "Zg===",      // too much padding
        "Zm9vYmFy==", // padding after a full quad
        "====",       //
        "A===",       //
        "=Zg=",       // padding at the start
        "Zg==Zg==",   // padding in the middle
        "Zm9v\n",     // whitespace
        "Zm9v Yg==",  //
        "Zm-9",       // URL-safe alphabet
        "Zm_9",       //
        "Zm9\x80",    // non-ASCII
        "Zm\0v"sv,    // NUL
    };
    for (const std::string_view text : invalid) {
        INFO(text);
        std::string out = "keep";
        CHECK_FALSE(sb::base64::decode_append(out, text));
        CHECK(out == "keep");
        CHECK_FALSE(sb::base64::is_valid(text));
    }
}

TEST_CASE("base64 is_valid agrees with decode_append", "[base64]")
{
    for (const std::string_view text : {"", "Zg", "Zg==", "Zm8=", "Zm9v", "AQIDBA==", "Zh=="}) {
        CHECK(sb::base64::is_valid(text));
    }
}
