// The generated constexpr perfect-hash route tables (one per namespace, over the `on` events).
#include "chat.rtdl.hpp"
#include "game.rtdl.hpp"
#include "ticker.rtdl.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace {

template <class Names>
std::vector<std::string> near_misses(const Names& names)
{
    std::vector<std::string> out{"", "x", "nope"};
    for (std::string_view n : names) {
        std::string s(n);
        std::string upper = s;
        upper[0] = static_cast<char>(upper[0] - 'a' + 'A');
        out.push_back(upper);                       // case change
        std::string off = s;
        off.back() = static_cast<char>(off.back() + 1);
        out.push_back(off);                         // one char off
        out.push_back(s.substr(0, s.size() - 1));   // proper prefix
        out.push_back(s.substr(0, 1));
        out.push_back(s + "_");                     // extension
        out.push_back(" " + s);
    }
    return out;
}

template <class Names, class Lookup>
void check_table(const Names& names, Lookup lookup, std::size_t npos)
{
    for (std::size_t i = 0; i < names.size(); ++i) {
        INFO(names[i]);
        CHECK(lookup(names[i]) == i);
        CHECK(lookup(std::string(names[i])) == i); // not just the same pointer
    }
    for (const auto& miss : near_misses(names)) {
        INFO('"' << miss << '"');
        CHECK(lookup(miss) == npos);
    }
}

} // namespace

TEST_CASE("rtdl routes: chat looks up every on event by name, and near misses miss")
{
    namespace r = acme::chat::chat_routes;
    static_assert(r::count == 6 && r::slots.size() >= 2 * r::count);
    static_assert(r::lookup("send_message") == 3 && r::lookup("kick") == 5);
    static_assert(r::lookup("Send_message") == r::npos && r::lookup("send_messag") == r::npos);
    static_assert(r::lookup("send_messagf") == r::npos && r::lookup("") == r::npos);
    const std::vector<std::string_view> expected{"join_room", "leave_room", "open_dm", "send_message", "typing", "kick"};
    CHECK(std::vector<std::string_view>(r::names.begin(), r::names.end()) == expected);
    check_table(r::names, r::lookup, r::npos);
}

TEST_CASE("rtdl routes: arena (game) looks up every on event by name, and near misses miss")
{
    namespace r = acme::arena::arena_routes;
    static_assert(r::count == 3 && r::slots.size() >= 2 * r::count);
    const std::vector<std::string_view> expected{"join_match", "leave_match", "input"};
    CHECK(std::vector<std::string_view>(r::names.begin(), r::names.end()) == expected);
    check_table(r::names, r::lookup, r::npos);
}

TEST_CASE("rtdl routes: ticker looks up every on event by name, and near misses miss")
{
    namespace r = acme::ticker::ticker_routes;
    static_assert(r::count == 2 && r::slots.size() >= 2 * r::count);
    const std::vector<std::string_view> expected{"subscribe", "unsubscribe"};
    CHECK(std::vector<std::string_view>(r::names.begin(), r::names.end()) == expected);
    check_table(r::names, r::lookup, r::npos);
    // "subscribe" is a suffix of "unsubscribe": neither finds the other.
    CHECK(r::lookup("unsubscrib") == r::npos);
    CHECK(r::lookup("ubscribe") == r::npos);
}

TEST_CASE("rtdl routes: a table with another seed is rejected by the verifier")
{
    namespace r = acme::chat::chat_routes;
    STATIC_REQUIRE(::sb_rtdl::route_table_ok(r::names, r::slots, r::seed, r::bits));
    STATIC_REQUIRE_FALSE(::sb_rtdl::route_table_ok(r::names, r::slots, r::seed + 1, r::bits));
    STATIC_REQUIRE_FALSE(::sb_rtdl::route_table_ok(r::names, r::slots, r::seed, r::bits + 1));
}
