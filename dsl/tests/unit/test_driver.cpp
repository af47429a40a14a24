// The rtdlc command line, run in-process.

#include "driver.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <unistd.h>

namespace fs = std::filesystem;
using rtdl::run_rtdlc;

namespace {

/// A scratch directory with copies of the example contracts.
struct scratch {
    fs::path dir;
    scratch()
    {
        dir = fs::temp_directory_path() /
              ("rtdlc-test-" + std::to_string(::getpid()) + "-" +
               std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        fs::create_directories(dir);
        for (auto name : {"common.rtdl", "chat.rtdl", "game.rtdl", "ticker.rtdl"})
            fs::copy_file(fs::path(RTDL_EXAMPLES_DIR) / name, dir / name);
    }
    ~scratch()
    {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    std::string path(const std::string& name) const { return (dir / name).string(); }
    void write(const std::string& name, const std::string& text) const { std::ofstream(dir / name) << text; }
    std::string read(const std::string& name) const
    {
        std::ifstream in(dir / name);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }
};

struct run_result {
    int status;
    std::string out, err;
};

run_result run(std::vector<std::string> args)
{
    std::ostringstream out, err;
    int status = run_rtdlc(args, out, err);
    return {status, out.str(), err.str()};
}

} // namespace

TEST_CASE("rtdlc: exit status")
{
    scratch s;
    CHECK(run({"--check", s.path("game.rtdl")}).status == 0);
    CHECK(run({"--check", s.path("chat.rtdl")}).status == 0);
    // W0301 (auth = required with a plain EventSource endpoint): a warning only.
    s.write("warn.rtdl", "rtdl 1;\nstruct H { t: string = \"\" }\n"
                         "namespace feed at \"/feed\" { transports = [sse]; handshake = H; }\n");
    CHECK(run({"--check", s.path("warn.rtdl")}).status == 0);
    CHECK(run({"--check", "--warnings-as-errors", s.path("warn.rtdl")}).status == 1);
    s.write("bad.rtdl", "rtdl 1;\nstruct A { a: Nope }\n");
    CHECK(run({"--check", s.path("bad.rtdl")}).status == 1);
    CHECK(run({"--check", s.path("absent.rtdl")}).status == 1);
    CHECK(run({}).status == 2);
    CHECK(run({"--frobnicate", s.path("game.rtdl")}).status == 2);
    CHECK(run({"--emit=rust", s.path("game.rtdl")}).status == 2);
    CHECK(run({s.path("game.rtdl"), s.path("chat.rtdl")}).status == 2);
    auto api = run({"--emit=cpp,asyncapi", "--out-dir", s.path("out"), s.path("game.rtdl")});
    CHECK(api.status == 3);
    CHECK(api.err.find("not implemented yet") != std::string::npos);
    CHECK_FALSE(fs::exists(s.dir / "out")); // nothing written when an output kind is missing
    CHECK(run({"--emit=cpp,ts", "--out-dir", s.path("out"), s.path("game.rtdl")}).status == 0);
    CHECK(fs::exists(s.dir / "out" / "game.rtdl.hpp"));
    CHECK(fs::exists(s.dir / "out" / "game.rtdl.cpp"));
    CHECK(fs::exists(s.dir / "out" / "game.rtdl.ts"));
    CHECK(run({"--help"}).status == 0);
}

TEST_CASE("rtdlc: error formats")
{
    scratch s;
    s.write("bad.rtdl", "rtdl 1;\nstruct A { a: Mesage }\nstruct Message { t: string }\n");
    auto human = run({"--check", s.path("bad.rtdl")});
    CHECK(human.err.find("bad.rtdl:2:15: error: unknown type `Mesage` [E0102]\n") != std::string::npos);
    CHECK(human.err.find("= help: did you mean `Message`?") != std::string::npos);
    auto gcc = run({"--check", "--error-format=gcc", s.path("bad.rtdl")});
    CHECK(gcc.err.find("bad.rtdl:2:15: error: unknown type `Mesage` [E0102]\n") != std::string::npos);
    CHECK(gcc.err.find("|") == std::string::npos);
    auto json = run({"--check", "--error-format", "json", s.path("bad.rtdl")});
    CHECK(json.err.find("{\"code\":\"E0102\",\"severity\":\"error\"") == 0);
    auto missing = run({"--check", "--error-format=json", s.path("absent.rtdl")});
    CHECK(missing.err.find("\"message\":\"cannot read") != std::string::npos);
}

TEST_CASE("rtdlc: --emit=ir, the depfile, and writing only what changed")
{
    scratch s;
    auto out = s.dir / "gen";
    auto first = run({"--emit=ir", "--out-dir", out.string(), "--depfile", s.path("gen/chat.d"), "-I",
                      s.dir.string(), s.path("chat.rtdl")});
    REQUIRE(first.status == 0);
    REQUIRE(fs::exists(out / "chat.rtdl.json"));
    auto dep = s.read("gen/chat.d");
    auto abs = [&](const std::string& name) {
        return fs::absolute(s.dir / name).lexically_normal().string();
    };
    CHECK(dep == abs("gen/chat.rtdl.json") + ": " + abs("chat.rtdl") + " " + abs("common.rtdl") + "\n");

    // Unchanged output keeps its timestamp (Ninja's restat then skips dependents).
    auto stamp = fs::last_write_time(out / "chat.rtdl.json");
    auto dep_stamp = fs::last_write_time(out / "chat.d");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(
        run({"--emit=ir", "--out-dir", out.string(), "--depfile", s.path("gen/chat.d"), s.path("chat.rtdl")})
            .status == 0);
    CHECK(fs::last_write_time(out / "chat.rtdl.json") == stamp);
    CHECK(fs::last_write_time(out / "chat.d") == dep_stamp);

    // --always-write rewrites; a changed contract rewrites.
    REQUIRE(run({"--emit=ir", "--always-write", "--out-dir", out.string(), s.path("chat.rtdl")}).status == 0);
    CHECK(fs::last_write_time(out / "chat.rtdl.json") != stamp);

    // --check writes nothing.
    auto check_dir = s.dir / "check";
    REQUIRE(run({"--check", "--emit=ir", "--out-dir", check_dir.string(), s.path("chat.rtdl")}).status == 0);
    CHECK_FALSE(fs::exists(check_dir));
}

TEST_CASE("rtdlc: imports are found through -I")
{
    scratch s;
    fs::create_directories(s.dir / "app");
    fs::rename(s.dir / "chat.rtdl", s.dir / "app" / "chat.rtdl");
    auto without = run({"--check", (s.dir / "app" / "chat.rtdl").string()});
    CHECK(without.status == 1);
    CHECK(without.err.find("[E0106]") != std::string::npos);
    CHECK(run({"--check", "-I", s.dir.string(), (s.dir / "app" / "chat.rtdl").string()}).status == 0);
    CHECK(run({"--check", "-I" + s.dir.string(), (s.dir / "app" / "chat.rtdl").string()}).status == 0);
}

TEST_CASE("rtdlc: --error-limit")
{
    scratch s;
    std::string text = "rtdl 1;\n";
    for (int i = 0; i < 30; ++i)
        text += "struct S" + std::to_string(i) + " { a: Unknown" + std::to_string(i) + " }\n";
    s.write("many.rtdl", text);
    auto limited = run({"--check", "--error-format=gcc", s.path("many.rtdl")});
    CHECK(std::count(limited.err.begin(), limited.err.end(), '\n') ==
          41); // 20 errors with their help, then the stop line
    CHECK(limited.err.find("too many errors") != std::string::npos);
    auto all = run({"--check", "--error-format=gcc", "--error-limit=0", s.path("many.rtdl")});
    CHECK(std::count(all.err.begin(), all.err.end(), '\n') == 60); // each with its help note
}

TEST_CASE("rtdlc: --cpp-parts deals the source out over N files")
{
    scratch s;
    auto out = s.dir / "parts";
    REQUIRE(run({"--emit=cpp", "--cpp-parts", "3", "--out-dir", out.string(), "-I", s.dir.string(),
                 s.path("chat.rtdl")})
                .status == 0);
    const std::string first = s.read("parts/chat.rtdl.cpp");
    const std::string second = s.read("parts/chat.rtdl.part2.cpp");
    const std::string third = s.read("parts/chat.rtdl.part3.cpp");
    CHECK_FALSE(fs::exists(out / "chat.rtdl.part4.cpp"));
    CHECK(first.find("(part 1 of 3)") != std::string::npos);
    CHECK(third.find("(part 3 of 3)") != std::string::npos);
    // Each file has its prologue (the runtime struct every part's code uses) ...
    for (auto* text : {&first, &second, &third})
        CHECK(text->find("struct chat_runtime {") != std::string::npos);
    // ... mount() is defined once, and every `on` coroutine and decoder exactly once overall.
    auto count = [&](const std::string& needle) {
        std::size_t n = 0;
        for (auto* text : {&first, &second, &third})
            for (auto at = text->find(needle); at != std::string::npos; at = text->find(needle, at + 1))
                ++n;
        return n;
    };
    CHECK(count("std::shared_ptr<const ::sb_rtdl::dispatch_stats> mount(") == 1);
    CHECK(first.find("std::shared_ptr<const ::sb_rtdl::dispatch_stats> mount(") != std::string::npos);
    for (auto* on : {"join_room", "leave_room", "open_dm", "send_message", "typing", "kick"})
        CHECK(count(std::string("::sb::task<::sb::reply> chat_on_") + on +
                    "(std::shared_ptr<chat_runtime> rt, ::sb::socket_ptr socket, ::sb::event ev)\n{") == 1);
    CHECK(count("bool decode_value(simdjson::ondemand::value v, SendMessage& out, ::sb_rtdl::decode_context& cx)\n{") == 1);
    // Code is dealt out: the later files are not empty shells.
    CHECK(second.size() > 2000);
    CHECK(third.size() > 2000);

    CHECK(run({"--emit=cpp", "--cpp-parts", "0", s.path("chat.rtdl")}).status == 2);
    CHECK(run({"--emit=cpp", "--cpp-parts=x", s.path("chat.rtdl")}).status == 2);
}
