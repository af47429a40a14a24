# rtdl_generate(TARGET <target> FILES <a.rtdl>... [IMPORT_DIRS <dir>...] [OUT_DIR <dir>])
# Generates <stem>.rtdl.hpp/.cpp for each file and adds them to <target> (RTDL.md,
# "Build integration"). rtdlc is named in COMMAND (target-level dependency, path
# substitution) and in DEPENDS (file-level: a rebuilt rtdlc regenerates); the depfile
# rtdlc writes lists every imported .rtdl, so editing an import regenerates too.
# The generated sources need simdjson, Boost.JSON and, for files with a namespace, the
# Switchboard runtime: link <target> against them.
function(rtdl_generate)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "TARGET;OUT_DIR" "FILES;IMPORT_DIRS")
  if(NOT arg_TARGET OR NOT arg_FILES)
    message(FATAL_ERROR "rtdl_generate: TARGET and FILES are required")
  endif()
  if(NOT arg_OUT_DIR)
    set(arg_OUT_DIR "${CMAKE_CURRENT_BINARY_DIR}/rtdl")
  endif()
  file(MAKE_DIRECTORY "${arg_OUT_DIR}")
  set(import_flags "")
  foreach(dir IN LISTS arg_IMPORT_DIRS)
    cmake_path(ABSOLUTE_PATH dir BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" OUTPUT_VARIABLE abs_dir)
    list(APPEND import_flags "-I" "${abs_dir}")
  endforeach()
  foreach(file IN LISTS arg_FILES)
    cmake_path(ABSOLUTE_PATH file BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" OUTPUT_VARIABLE abs)
    cmake_path(GET abs STEM LAST_ONLY stem)
    set(hdr "${arg_OUT_DIR}/${stem}.rtdl.hpp")
    set(src "${arg_OUT_DIR}/${stem}.rtdl.cpp")
    set(dep "${arg_OUT_DIR}/${stem}.rtdl.d")
    add_custom_command(
      OUTPUT "${hdr}" "${src}"
      COMMAND rtdlc --emit=cpp --out-dir "${arg_OUT_DIR}" --depfile "${dep}"
              --error-format=gcc ${import_flags} "${abs}"
      DEPENDS "${abs}" rtdlc          # rtdlc here: re-run when the generator is rebuilt
      DEPFILE "${dep}"                # written by rtdlc: every imported .rtdl
      COMMENT "rtdlc ${file}"
      VERBATIM COMMAND_EXPAND_LISTS)
    target_sources(${arg_TARGET} PRIVATE "${hdr}" "${src}")
  endforeach()
  target_include_directories(${arg_TARGET} PUBLIC "$<BUILD_INTERFACE:${arg_OUT_DIR}>")
endfunction()
