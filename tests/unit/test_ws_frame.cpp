#include <switchboard/protocol/ws_frame.hpp>

#include <switchboard/error.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ws = sb::ws;

namespace {

/// RFC 6455 §5.7 uses this mask key for its masked examples.
constexpr std::uint8_t rfc_key[4] = {0x37, 0xfa, 0x21, 0x3d};
constexpr std::uint8_t other_key[4] = {0x01, 0x80, 0xfe, 0x5a};

std::string bytes(std::initializer_list<int> list)
{
    std::string s;
    for (int b : list) {
        s += static_cast<char>(b);
    }
    return s;
}

struct message {
    message(ws::opcode o, std::string p, std::uint16_t code = 0, std::string reason = {})
        : op(o), payload(std::move(p)), close_code(code), close_reason(std::move(reason))
    {
    }

    ws::opcode op;
    std::string payload;
    std::uint16_t close_code;
    std::string close_reason;

    bool operator==(const message&) const = default;
};

struct outcome {
    std::vector<message> messages;
    boost::system::error_code ec;
};

/// Feeds `chunk` like a read loop would: take out every ready message, offer the rest again.
void feed(ws::parser& p, std::string_view chunk, outcome& out)
{
    while (!out.ec) {
        const std::size_t n = p.put(chunk, out.ec);
        REQUIRE(n <= chunk.size());
        chunk.remove_prefix(n);
        if (out.ec) {
            return;
        }
        if (!p.ready()) {
            REQUIRE(chunk.empty()); // put() stops early only for a ready message
            return;
        }
        message m{p.message_opcode(), std::string{p.payload()}};
        if (m.op == ws::opcode::close) {
            m.close_code = p.close_code();
            m.close_reason = std::string{p.close_reason()};
        }
        out.messages.push_back(std::move(m));
        p.next();
    }
}

outcome parse_in_pieces(ws::role r, std::size_t max, std::string_view input, std::vector<std::size_t> cuts)
{
    ws::parser p{r, max};
    outcome out;
    std::size_t from = 0;
    cuts.push_back(input.size());
    for (std::size_t cut : cuts) {
        feed(p, input.substr(from, cut - from), out);
        from = cut;
    }
    return out;
}

/** Parses `input` whole, split in two at every byte, and one byte at a time (Beast's
    parsegrind); every way must give the same messages and error. */
outcome parse_every_way(ws::role r, std::string_view input, std::size_t max = 1 << 20)
{
    const outcome whole = parse_in_pieces(r, max, input, {});
    for (std::size_t cut = 0; cut <= input.size(); ++cut) {
        const outcome split = parse_in_pieces(r, max, input, {cut});
        INFO("split at " << cut);
        CHECK(split.messages == whole.messages);
        CHECK(split.ec == whole.ec);
    }
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < input.size(); ++i) {
        every.push_back(i);
    }
    const outcome bytewise = parse_in_pieces(r, max, input, every);
    CHECK(bytewise.messages == whole.messages);
    CHECK(bytewise.ec == whole.ec);
    return whole;
}

std::string frame(ws::opcode op, std::string_view payload, const std::uint8_t* key = nullptr)
{
    std::string out;
    ws::append_frame(out, op, payload, key);
    return out;
}

/// A frame with every header bit under the test's control; `key` null means unmasked.
std::string raw_frame(bool fin, int rsv, int op, std::string_view payload, const std::uint8_t* key)
{
    std::string out = frame(static_cast<ws::opcode>(op), payload, key);
    out[0] = static_cast<char>((fin ? 0x80 : 0) | (rsv << 4) | op);
    return out;
}

std::string pattern(std::size_t n)
{
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) {
        s[i] = static_cast<char>('a' + i % 26);
    }
    return s;
}

} // namespace

TEST_CASE("ws: RFC 6455 §5.7 examples, written byte-exact", "[ws]")
{
    SECTION("unmasked text Hello")
    {
        CHECK(frame(ws::opcode::text, "Hello") == bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
    }
    SECTION("masked text Hello")
    {
        CHECK(frame(ws::opcode::text, "Hello", rfc_key) ==
              bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
    }
    SECTION("unmasked ping and masked pong")
    {
        CHECK(frame(ws::opcode::ping, "Hello") == bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
        CHECK(frame(ws::opcode::pong, "Hello", rfc_key) ==
              bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
    }
    SECTION("256 bytes: 16-bit length")
    {
        std::uint8_t h[ws::max_header_size];
        REQUIRE(ws::write_header(h, ws::opcode::binary, 256) == 4);
        CHECK(std::string(reinterpret_cast<char*>(h), 4) == bytes({0x82, 0x7e, 0x01, 0x00}));
        CHECK(ws::header_size(256, false) == 4);
    }
    SECTION("64 KiB: 64-bit length")
    {
        std::uint8_t h[ws::max_header_size];
        REQUIRE(ws::write_header(h, ws::opcode::binary, 65536) == 10);
        CHECK(std::string(reinterpret_cast<char*>(h), 10) ==
              bytes({0x82, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}));
        CHECK(ws::header_size(65536, false) == 10);
    }
    SECTION("length boundaries and the masked header size")
    {
        std::uint8_t h[ws::max_header_size];
        CHECK(ws::write_header(h, ws::opcode::text, 125) == 2);
        CHECK(ws::write_header(h, ws::opcode::text, 126) == 4);
        CHECK(ws::write_header(h, ws::opcode::text, 65535) == 4);
        CHECK(ws::write_header(h, ws::opcode::text, 65536) == 10);
        CHECK(ws::write_header(h, ws::opcode::text, 65536, rfc_key) == ws::max_header_size);
        CHECK(ws::header_size(125, true) == 6);
        CHECK(h[1] == 0xff);
    }
}

TEST_CASE("ws: RFC 6455 §5.7 examples, parsed", "[ws]")
{
    SECTION("unmasked text as a client")
    {
        const auto out = parse_every_way(ws::role::client, bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
        REQUIRE(!out.ec);
        CHECK(out.messages == std::vector<message>{{ws::opcode::text, "Hello"}});
    }
    SECTION("masked text as a server")
    {
        const auto out = parse_every_way(
            ws::role::server, bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
        REQUIRE(!out.ec);
        CHECK(out.messages == std::vector<message>{{ws::opcode::text, "Hello"}});
    }
    SECTION("fragmented unmasked text")
    {
        const auto out =
            parse_every_way(ws::role::client, bytes({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}));
        REQUIRE(!out.ec);
        CHECK(out.messages == std::vector<message>{{ws::opcode::text, "Hello"}});
    }
    SECTION("ping, then masked pong")
    {
        const auto ping =
            parse_every_way(ws::role::client, bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
        CHECK(ping.messages == std::vector<message>{{ws::opcode::ping, "Hello"}});
        const auto pong = parse_every_way(
            ws::role::server, bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
        CHECK(pong.messages == std::vector<message>{{ws::opcode::pong, "Hello"}});
    }
}

TEST_CASE("ws: 7, 16 and 64-bit lengths, masked and unmasked", "[ws]")
{
    for (std::size_t n : {0, 1, 125, 126, 127, 1000, 65535, 65536, 70000}) {
        for (bool masked : {false, true}) {
            INFO("length " << n << (masked ? " masked" : " unmasked"));
            const std::string payload = pattern(n);
            const std::string input = frame(ws::opcode::binary, payload, masked ? rfc_key : nullptr) +
                                      frame(ws::opcode::text, "after", masked ? other_key : nullptr);
            const auto r = masked ? ws::role::server : ws::role::client;
            if (n >= 2000) {
                // Grinding 64 KiB byte by byte is slow: split large frames at every header byte,
                // feed the header a byte at a time, and cut the payload at a few places.
                std::vector<std::size_t> header_bytes;
                for (std::size_t cut = 0; cut <= ws::max_header_size + 1; ++cut) {
                    INFO("split at " << cut);
                    const auto split = parse_in_pieces(r, 1 << 20, input, {cut});
                    CHECK(!split.ec);
                    CHECK(split.messages.size() == 2);
                    if (cut > 0) {
                        header_bytes.push_back(cut);
                    }
                }
                header_bytes.insert(header_bytes.end(), {4000, n + 5});
                const auto pieces = parse_in_pieces(r, 1 << 20, input, header_bytes);
                CHECK(pieces.messages == parse_in_pieces(r, 1 << 20, input, {}).messages);
            }
            const auto out = n < 2000 ? parse_every_way(r, input) : parse_in_pieces(r, 1 << 20, input, {});
            REQUIRE(!out.ec);
            REQUIRE(out.messages.size() == 2);
            CHECK(out.messages[0] == message{ws::opcode::binary, payload});
            CHECK(out.messages[1] == message{ws::opcode::text, "after"});
        }
    }
}

TEST_CASE("ws: fragmentation with interleaved control frames", "[ws]")
{
    for (bool masked : {false, true}) {
        const std::uint8_t* key = masked ? rfc_key : nullptr;
        const auto r = masked ? ws::role::server : ws::role::client;
        INFO((masked ? "masked" : "unmasked"));

        const std::string input = raw_frame(false, 0, 1, "frag", key)           // text, not final
                                  + raw_frame(true, 0, 9, "p1", key)            // ping
                                  + raw_frame(false, 0, 0, "-", key)            // continuation
                                  + raw_frame(true, 0, 10, "", key)             // empty pong
                                  + raw_frame(false, 0, 0, "", key)             // empty continuation
                                  + raw_frame(true, 0, 0, "ment \xc3\xa9", key) // final, UTF-8
                                  + raw_frame(false, 0, 2, std::string_view("\x00\x01", 2), key) // binary
                                  + raw_frame(true, 0, 0, "\xff", key)                           // final
                                  + frame(ws::opcode::close, ws::close_payload(1000, "bye"), key);
        const auto out = parse_every_way(r, input);
        REQUIRE(!out.ec);
        CHECK(out.messages == std::vector<message>{
                                  {ws::opcode::ping, "p1"},
                                  {ws::opcode::pong, ""},
                                  {ws::opcode::text, "frag-ment \xc3\xa9"},
                                  {ws::opcode::binary, std::string("\x00\x01\xff", 3)},
                                  {ws::opcode::close, ws::close_payload(1000, "bye"), 1000, "bye"},
                              });
    }
}

TEST_CASE("ws: a UTF-8 character split across fragments is valid", "[ws]")
{
    const std::string input =
        raw_frame(false, 0, 1, "\xe2\x82", rfc_key) + raw_frame(true, 0, 0, "\xac", rfc_key);
    const auto out = parse_every_way(ws::role::server, input);
    REQUIRE(!out.ec);
    CHECK(out.messages == std::vector<message>{{ws::opcode::text, "\xe2\x82\xac"}});
}

TEST_CASE("ws: close frames", "[ws]")
{
    SECTION("empty close reports 1005")
    {
        const auto out = parse_every_way(ws::role::server, frame(ws::opcode::close, "", rfc_key));
        REQUIRE(!out.ec);
        CHECK(out.messages == std::vector<message>{{ws::opcode::close, "", 1005, ""}});
    }
    SECTION("code and reason")
    {
        const auto out =
            parse_every_way(ws::role::client, frame(ws::opcode::close, ws::close_payload(4000, "app")));
        REQUIRE(!out.ec);
        CHECK(out.messages ==
              std::vector<message>{{ws::opcode::close, bytes({0x0f, 0xa0}) + "app", 4000, "app"}});
    }
    SECTION("every code the registry allows parses, every other is a bad frame")
    {
        for (int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999,
                         4000, 4999}) {
            INFO(code);
            CHECK(ws::is_valid_close_code(static_cast<std::uint16_t>(code)));
            const auto out = parse_every_way(
                ws::role::server,
                frame(ws::opcode::close, ws::close_payload(static_cast<std::uint16_t>(code), ""), rfc_key));
            CHECK(!out.ec);
        }
        for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
            INFO(code);
            CHECK(!ws::is_valid_close_code(static_cast<std::uint16_t>(code)));
            const auto out = parse_every_way(
                ws::role::server,
                frame(ws::opcode::close, ws::close_payload(static_cast<std::uint16_t>(code), ""), rfc_key));
            CHECK(out.ec == sb::error::bad_frame);
        }
    }
    SECTION("close_payload cuts long reasons at a character boundary")
    {
        std::string reason(122, 'x');
        reason += "\xc3\xa9\xc3\xa9"; // 126 bytes; byte 123 is inside the first é
        const std::string body = ws::close_payload(1000, reason);
        CHECK(body.size() == 2 + 122);
        CHECK(body.substr(2) == std::string(122, 'x'));
        CHECK(ws::close_payload(1001, std::string(200, 'y')).size() == ws::max_control_payload);
    }
}

TEST_CASE("ws: framing errors", "[ws]")
{
    using sb::error;
    const auto server_error = [](const std::string& input) {
        return parse_every_way(ws::role::server, input).ec;
    };

    SECTION("reserved bits")
    {
        for (int rsv : {1, 2, 4}) {
            CHECK(server_error(raw_frame(true, rsv, 1, "x", rfc_key)) == error::bad_frame);
        }
    }
    SECTION("reserved opcodes")
    {
        for (int op : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
            INFO(op);
            CHECK(server_error(raw_frame(true, 0, op, "", rfc_key)) == error::bad_frame);
        }
    }
    SECTION("masking must match the role")
    {
        CHECK(server_error(frame(ws::opcode::text, "x")) == error::bad_frame);
        CHECK(parse_every_way(ws::role::client, frame(ws::opcode::text, "x", rfc_key)).ec ==
              error::bad_frame);
    }
    SECTION("control frames: over 125 bytes or fragmented")
    {
        CHECK(server_error(frame(ws::opcode::ping, std::string(126, 'p'), rfc_key)) == error::bad_frame);
        CHECK(server_error(frame(ws::opcode::pong, std::string(125, 'p'), rfc_key)).value() == 0);
        CHECK(server_error(raw_frame(false, 0, 9, "", rfc_key)) == error::bad_frame);
        CHECK(server_error(raw_frame(false, 0, 8, "", rfc_key)) == error::bad_frame);
    }
    SECTION("continuation without a start, new data frame mid-message")
    {
        CHECK(server_error(raw_frame(true, 0, 0, "x", rfc_key)) == error::bad_frame);
        CHECK(server_error(raw_frame(false, 0, 1, "a", rfc_key) + raw_frame(true, 0, 1, "b", rfc_key)) ==
              error::bad_frame);
        CHECK(server_error(raw_frame(false, 0, 2, "a", rfc_key) + raw_frame(true, 0, 1, "b", rfc_key)) ==
              error::bad_frame);
    }
    SECTION("lengths must be minimal and below 2^63")
    {
        CHECK(server_error(bytes({0x82, 0xfe, 0x00, 0x7d, 1, 2, 3, 4})) == error::bad_frame);
        CHECK(server_error(bytes({0x82, 0xff, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4})) ==
              error::bad_frame);
        CHECK(server_error(bytes({0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4})) == error::bad_frame);
    }
    SECTION("bad close payloads")
    {
        CHECK(server_error(frame(ws::opcode::close, "\x03", rfc_key)) == error::bad_frame);
        CHECK(server_error(frame(ws::opcode::close, ws::close_payload(1000, "\xc3\x28"), rfc_key)) ==
              error::bad_utf8);
    }
    SECTION("text that is not UTF-8")
    {
        CHECK(server_error(frame(ws::opcode::text, "\xff\xfe", rfc_key)) == error::bad_utf8);
        CHECK(server_error(frame(ws::opcode::text, "\xed\xa0\x80", rfc_key)) == error::bad_utf8); // surrogate
        CHECK(
            server_error(raw_frame(false, 0, 1, "\xe2\x82", rfc_key) + raw_frame(true, 0, 0, "", rfc_key)) ==
            error::bad_utf8); // truncated at the end of the message
        CHECK(server_error(frame(ws::opcode::binary, "\xff\xfe", rfc_key)).value() == 0);
    }
    SECTION("messages over the limit, checked across fragments")
    {
        const std::size_t max = 10;
        CHECK(parse_every_way(ws::role::server, frame(ws::opcode::text, pattern(10), rfc_key), max)
                  .ec.value() == 0);
        CHECK(parse_every_way(ws::role::server, frame(ws::opcode::text, pattern(11), rfc_key), max).ec ==
              error::payload_too_large);
        CHECK(parse_every_way(ws::role::server,
                              raw_frame(false, 0, 1, pattern(6), rfc_key) +
                                  raw_frame(true, 0, 0, pattern(5), rfc_key),
                              max)
                  .ec == error::payload_too_large);
        // A huge claimed length is refused from the header alone, before any payload.
        ws::parser p{ws::role::server, max};
        boost::system::error_code ec;
        p.put(bytes({0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x37, 0xfa, 0x21, 0x3d}),
              ec);
        CHECK(ec == error::payload_too_large);
    }
    SECTION("messages before the error are delivered, and the error sticks")
    {
        ws::parser p{ws::role::server, 100};
        const std::string input =
            frame(ws::opcode::text, "ok", rfc_key) + raw_frame(true, 2, 1, "x", rfc_key);
        outcome out;
        feed(p, input, out);
        CHECK(out.messages == std::vector<message>{{ws::opcode::text, "ok"}});
        CHECK(out.ec == error::bad_frame);
        boost::system::error_code again;
        CHECK(p.put(frame(ws::opcode::text, "more", rfc_key), again) == 0);
        CHECK(again == error::bad_frame);
        CHECK(ws::close_code_for(again) == ws::close_code::protocol_error);
    }
    SECTION("error classes map to close codes")
    {
        CHECK(ws::close_code_for(error::bad_utf8) == 1007);
        CHECK(ws::close_code_for(error::payload_too_large) == 1009);
        CHECK(ws::close_code_for(error::closed) == 1011);
        CHECK(boost::system::error_code{error::bad_frame} == sb::condition::client_fault);
    }
}

TEST_CASE("ws: a ready message holds back further input", "[ws]")
{
    ws::parser p{ws::role::client, 100};
    const std::string input = frame(ws::opcode::text, "one") + frame(ws::opcode::text, "two");
    boost::system::error_code ec;
    const std::size_t n = p.put(input, ec);
    REQUIRE(!ec);
    CHECK(n == 5);
    REQUIRE(p.ready());
    CHECK(p.payload() == "one");
    CHECK(p.put(std::string_view{input}.substr(n), ec) == 0);
    CHECK(p.payload() == "one");
    p.next();
    CHECK(!p.ready());
    CHECK(p.payload().empty());
    CHECK(p.put(std::string_view{input}.substr(n), ec) == 5);
    CHECK(p.payload() == "two");
}

TEST_CASE("ws: apply_mask works at any offset and length", "[ws]")
{
    for (std::size_t n = 0; n < 40; ++n) {
        for (std::size_t offset = 0; offset < 8; ++offset) {
            std::string data = pattern(n);
            std::string expected = data;
            for (std::size_t i = 0; i < n; ++i) {
                expected[i] = static_cast<char>(expected[i] ^ rfc_key[(offset + i) % 4]);
            }
            ws::apply_mask(reinterpret_cast<std::uint8_t*>(data.data()), n, rfc_key, offset);
            CHECK(data == expected);
        }
    }
    // Unmasking in pieces equals unmasking at once.
    std::string whole = pattern(37);
    std::string pieces = whole;
    ws::apply_mask(reinterpret_cast<std::uint8_t*>(whole.data()), 37, other_key);
    ws::apply_mask(reinterpret_cast<std::uint8_t*>(pieces.data()), 5, other_key, 0);
    ws::apply_mask(reinterpret_cast<std::uint8_t*>(pieces.data() + 5), 17, other_key, 5);
    ws::apply_mask(reinterpret_cast<std::uint8_t*>(pieces.data() + 22), 15, other_key, 22);
    CHECK(whole == pieces);
}

TEST_CASE("ws: accept_key matches RFC 6455 §1.3", "[ws]")
{
    // The RFC's worked example: SHA-1 0xb37a4f2c...c4ea, base64-encoded.
    CHECK(ws::accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    // Always 28 characters: base64 of a 20-byte digest.
    CHECK(ws::accept_key("x").size() == 28);
}

TEST_CASE("ws: idle() only between messages, so a connection may drop its parser then", "[ws]")
{
    ws::parser p(ws::role::server, 1 << 20);
    boost::system::error_code ec;
    CHECK(p.idle());
    const auto hello = frame(ws::opcode::text, "hello", rfc_key);
    CHECK(p.put(std::string_view(hello).substr(0, 1), ec) == 1);  // half a header
    CHECK_FALSE(p.idle());
    CHECK(p.put(std::string_view(hello).substr(1, 4), ec) == 4);  // header done, payload not
    CHECK_FALSE(p.idle());
    p.put(std::string_view(hello).substr(5), ec);
    REQUIRE(p.ready());
    CHECK_FALSE(p.idle());  // a message is ready
    p.next();
    CHECK(p.idle());

    // A fragmented message stays begun across a control frame that overtakes it.
    const auto first = raw_frame(false, 0, 1, "frag", rfc_key);
    const auto ping = raw_frame(true, 0, 9, "p", rfc_key);
    const auto last = raw_frame(true, 0, 0, "ment", rfc_key);
    CHECK(p.put(first, ec) == first.size());
    CHECK_FALSE(p.idle());
    p.put(ping, ec);
    REQUIRE(p.ready());
    p.next();
    CHECK_FALSE(p.idle());
    p.put(last, ec);
    REQUIRE(p.ready());
    CHECK(p.payload() == "fragment");
    p.next();
    CHECK(p.idle());
    REQUIRE(!ec);

    p.put("\x8f\x80", ec);  // a reserved opcode: failed, never idle again
    CHECK(ec);
    CHECK_FALSE(p.idle());
}
