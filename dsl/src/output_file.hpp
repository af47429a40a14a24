#pragma once
/** @file
    Writing generated files so that incremental builds stay quiet.

    Ninja runs custom commands with `restat = 1`: an output whose timestamp did not
    change stops the rebuild there. So rtdlc writes an output only when its content
    changed (docs/rtdl.md, "Building").
*/
#include <filesystem>
#include <string>
#include <string_view>

namespace rtdl {

/** Writes `content` to `path` unless the file already holds exactly that (or
    `always`), creating parent directories.
    @return an empty string on success, otherwise the reason it failed.
*/
std::string write_if_changed(const std::filesystem::path& path, std::string_view content,
                             bool always = false);

/// A path escaped for a make-syntax depfile (`\ ` for spaces, `$$`, `\#`).
std::string depfile_escape(const std::string& path);

} // namespace rtdl
