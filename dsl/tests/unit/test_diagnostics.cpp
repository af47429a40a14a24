// The three renderings of docs/diagnostics.md, "The format".

#include "diagnostics.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

using namespace rtdl;

namespace {

struct fixture {
    source_manager sources;
    diagnostic_engine diags;
    file_id main = sources.add("chat.rtdl", "/p/chat.rtdl",
                               "rtdl 1;\nnamespace chat at \"/chat\" {\n    room topic \"room:{name}\";\n"
                               "    emit message(Msg) to topik;\n}\n");
    file_id other = sources.add("common.rtdl", "/p/common.rtdl", "rtdl 1;\ntype UserId = string;\n");

    span at(file_id f, std::uint32_t line, std::uint32_t col, std::uint32_t len)
    {
        auto b = sources.file(f).line_start(line) + col - 1;
        return span{f, b, b + len};
    }

    std::string render_all(diagnostic_format format, std::size_t limit = 20)
    {
        std::ostringstream out;
        render(out, sources, diags.sorted(), format, limit);
        return out.str();
    }
};

} // namespace

TEST_CASE("diagnostics: human rendering, docs/diagnostics.md's layout")
{
    fixture f;
    f.diags.error("E0308", f.at(f.main, 4, 26, 5), "the namespace `chat` has no room named `topik`")
        .label("unknown room")
        .secondary(f.at(f.main, 3, 10, 5), "rooms are declared here")
        .note("a note")
        .help("did you mean `topic`?");
    CHECK(f.render_all(diagnostic_format::human) ==
          "chat.rtdl:4:26: error: the namespace `chat` has no room named `topik` [E0308]\n"
          "  |\n"
          "3 |     room topic \"room:{name}\";\n"
          "  |          ----- rooms are declared here\n"
          "4 |     emit message(Msg) to topik;\n"
          "  |                          ^^^^^ unknown room\n"
          "  |\n"
          "  = note: a note\n"
          "  = help: did you mean `topic`?\n"
          "\n");
}

TEST_CASE("diagnostics: a secondary span in another file gets a ::: header")
{
    fixture f;
    f.diags.error("E0104", f.at(f.main, 3, 10, 5), "ambiguous")
        .label("here")
        .secondary(f.at(f.other, 2, 6, 6), "there");
    CHECK(f.render_all(diagnostic_format::human) == "chat.rtdl:3:10: error: ambiguous [E0104]\n"
                                                    "  |\n"
                                                    "3 |     room topic \"room:{name}\";\n"
                                                    "  |          ^^^^^ here\n"
                                                    " ::: common.rtdl:2:6\n"
                                                    "  |\n"
                                                    "2 | type UserId = string;\n"
                                                    "  |      ------ there\n"
                                                    "  |\n"
                                                    "\n");
}

TEST_CASE("diagnostics: labels that do not fit hang below their marks")
{
    fixture f;
    f.diags.error("E0401", f.at(f.main, 3, 16, 6), "adjacent")
        .label("a long primary label")
        .secondary(f.at(f.main, 3, 10, 5), "first");
    auto text = f.render_all(diagnostic_format::human);
    CHECK(text.find("  |          ----- ^^^^^^ a long primary label\n"
                    "  |          |\n"
                    "  |          first\n") != std::string::npos);
}

TEST_CASE("diagnostics: carets under tabs and wide characters")
{
    source_manager sm;
    auto id = sm.add("t.rtdl", "/t.rtdl", "\t\"日本\" bad\n");
    diagnostic_engine diags;
    diags.error("E0001", span{id, 10, 13}, "bad").label("here");
    std::ostringstream out;
    render(out, sm, diags.sorted(), diagnostic_format::human);
    // Column 10: a tab counts 4, then 5 code points. The caret line also counts the two
    // CJK characters as two cells each: 11 cells before the carets.
    CHECK(out.str() == "t.rtdl:1:10: error: bad [E0001]\n"
                       "  |\n"
                       "1 |     \"日本\" bad\n"
                       "  |            ^^^ here\n"
                       "  |\n"
                       "\n");
}

TEST_CASE("diagnostics: gcc rendering keeps the first line parsable")
{
    fixture f;
    f.diags.warning("W0201", f.at(f.main, 3, 10, 5), "unbounded")
        .secondary(f.at(f.other, 2, 6, 6), "declared here")
        .note("why")
        .help("fix");
    CHECK(f.render_all(diagnostic_format::gcc) == "chat.rtdl:3:10: warning: unbounded [W0201]\n"
                                                  "common.rtdl:2:6: note: declared here\n"
                                                  "chat.rtdl:3:10: note: why\n"
                                                  "chat.rtdl:3:10: note: help: fix\n");
}

TEST_CASE("diagnostics: json rendering, one object per line")
{
    fixture f;
    f.diags.error("E0102", f.at(f.main, 4, 26, 5), "unknown")
        .label("lbl")
        .help("h")
        .fix(f.at(f.main, 4, 26, 5), "topic");
    auto text = f.render_all(diagnostic_format::json);
    CHECK(std::count(text.begin(), text.end(), '\n') == 1);
    auto v = boost::json::parse(text);
    CHECK(v.at("code") == "E0102");
    CHECK(v.at("severity") == "error");
    CHECK(v.at("message") == "unknown");
    auto& s = v.at("spans").at(0);
    CHECK(s.at("file") == "chat.rtdl");
    CHECK(s.at("line") == 4);
    CHECK(s.at("col") == 26);
    CHECK(s.at("end_line") == 4);
    CHECK(s.at("end_col") == 31);
    CHECK(s.at("label") == "lbl");
    CHECK(s.at("primary") == true);
    CHECK(v.at("notes").as_array().empty());
    CHECK(v.at("help") == boost::json::array{"h"});
    CHECK(v.at("fixits").at(0).at("replacement") == "topic");
}

TEST_CASE("diagnostics: the error limit stops with \"too many errors\"")
{
    fixture f;
    for (int i = 0; i < 5; ++i)
        f.diags.error("E0102", f.at(f.main, 1, 1, 4), "e" + std::to_string(i));
    f.diags.warning("W0201", f.at(f.main, 1, 1, 4), "w");
    auto text = f.render_all(diagnostic_format::gcc, 2);
    CHECK(text == "chat.rtdl:1:1: error: e0 [E0102]\n"
                  "chat.rtdl:1:1: error: e1 [E0102]\n"
                  "rtdlc: error: too many errors emitted, stopping now (raise the limit with --error-limit "
                  "N, 0 for none)\n");
    CHECK(f.render_all(diagnostic_format::gcc, 0).find("e4") != std::string::npos); // 0: no limit
}

TEST_CASE("diagnostics: sorted by file and position, stable otherwise")
{
    fixture f;
    f.diags.error("E2", f.at(f.main, 4, 1, 1), "later");
    f.diags.error("E3", f.at(f.other, 1, 1, 1), "other file");
    f.diags.error("E1", f.at(f.main, 2, 1, 1), "earlier");
    f.diags.error("E0", span{}, "no location");
    std::vector<std::string> order;
    for (auto* d : f.diags.sorted())
        order.push_back(d->code);
    CHECK(order == std::vector<std::string>{"E0", "E1", "E2", "E3"});
}

TEST_CASE("diagnostics: warnings can be promoted to errors")
{
    diagnostic_engine d;
    d.warning("W0201", span{}, "w");
    CHECK(d.warning_count() == 1);
    CHECK_FALSE(d.has_errors());
    d.set_warnings_as_errors(true);
    d.warning("W0201", span{}, "w");
    CHECK(d.error_count() == 1);
}
