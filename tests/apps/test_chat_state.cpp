// The chat's rules without a socket: unique nicknames per room, idempotent sends,
// bounded history, presence across several connections of one user, mentions.
#include "chat/chat_state.hpp"

#include <catch2/catch.hpp>

using namespace chat;

namespace {

ac::SendMessage send(std::string room, std::string text, std::string nonce)
{
    return ac::SendMessage{.room = std::move(room), .text = std::move(text), .reply_to = {}, .client_nonce = std::move(nonce)};
}

} // namespace

TEST_CASE("chat: a nickname is unique per room, but the same connection may rejoin")
{
    chat_state s;
    CHECK(s.enter("room:cpp", "ann", "sid1"));
    CHECK(s.enter("room:cpp", "ann", "sid1"));
    CHECK_FALSE(s.enter("room:cpp", "ann", "sid2"));
    CHECK(s.enter("room:rust", "ann", "sid2"));
    CHECK(s.member("room:cpp", "ann"));
    CHECK(s.leave("room:cpp", "ann"));
    CHECK_FALSE(s.leave("room:cpp", "ann"));
    CHECK(s.enter("room:cpp", "ann", "sid2"));
}

TEST_CASE("chat: a retried send (same nonce) is acknowledged with the stored message, not stored twice")
{
    chat_state s;
    s.enter("room:cpp", "ann", "sid1");
    bool fresh = false;
    auto first = s.post("room:cpp", "ann", send("room:cpp", "hi", "n1"), 1000, fresh);
    CHECK(fresh);
    auto again = s.post("room:cpp", "ann", send("room:cpp", "hi", "n1"), 2000, fresh);
    CHECK_FALSE(fresh);
    CHECK(again == first);
    auto other = s.post("room:cpp", "bob", send("room:cpp", "hi", "n1"), 2000, fresh);
    CHECK(fresh);  // nonces are per author
    CHECK(other.id != first.id);
    CHECK(other.id > first.id);  // ids sort by time
}

TEST_CASE("chat: the snapshot lists members with presence")
{
    // (The history a joiner gets is the room's own, kept by the framework: the cluster
    // test and the browser test check it.)
    chat_state s;
    s.online("ann", "sid1");
    s.enter("room:cpp", "ann", "sid1");
    s.enter("room:cpp", "bob", "sid9");  // bob's connection is not online any more
    auto snap = s.snapshot("room:cpp");
    CHECK(snap.history.empty());
    CHECK(snap.members.at("ann") == ac::Presence::online);
    CHECK(snap.members.at("bob") == ac::Presence::offline);
    ac::JoinAck back;
    REQUIRE_FALSE(acme::chat::decode(acme::chat::to_json(snap), back));
}

TEST_CASE("chat: presence follows a user's last connection; leaving removes them from their rooms")
{
    chat_state s;
    CHECK(s.online("ann", "a1"));
    CHECK_FALSE(s.online("ann", "a2"));
    s.enter("room:cpp", "ann", "a2");
    std::vector<std::string> left;
    CHECK_FALSE(s.offline("ann", "a1", left));
    CHECK(left.empty());
    CHECK(s.is_online("ann"));
    CHECK(s.offline("ann", "a2", left));
    CHECK(left == std::vector<std::string>{"room:cpp"});
    CHECK_FALSE(s.is_online("ann"));
    CHECK_FALSE(s.member("room:cpp", "ann"));
}

TEST_CASE("chat: mentions are @ids, unique, at most 20, not inside words")
{
    CHECK(mentions("hi @ann and @bob-2, @ann again") == std::vector<user_id>{"ann", "bob-2"});
    CHECK(mentions("mail me at x@y.com") == std::vector<user_id>{});
    CHECK(mentions("@ @") == std::vector<user_id>{});
    std::string many;
    for (int i = 0; i < 30; ++i)
        many += "@u" + std::to_string(i) + " ";
    CHECK(mentions(many).size() == 20);
}
