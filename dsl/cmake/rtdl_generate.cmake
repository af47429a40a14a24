# rtdl_generate(TARGET <target> FILES <a.rtdl>... [IMPORT_DIRS <dir>...] [OUT_DIR <dir>]
#               [CPP_PARTS <n>])
# Generates <stem>.rtdl.hpp/.cpp for each file and adds them to <target> (docs/rtdl.md,
# "Building"). CPP_PARTS splits each source into n files (<stem>.rtdl.part2.cpp …) that
# compile in parallel and in less memory: for contracts of a hundred events or more. rtdlc is named in COMMAND (target-level dependency, path
# substitution) and in DEPENDS (file-level: a rebuilt rtdlc regenerates); the depfile
# rtdlc writes lists every imported .rtdl, so editing an import regenerates too.
# The generated code calls the contract runtime (Switchboard::rtdl, headers under
# switchboard/rtdl/), which brings the runtime, simdjson and Boost.JSON: it is linked here,
# PUBLIC, since the generated headers include it. The same name in this tree and after
# find_package(Switchboard).
#
# rtdlc is the one built in this tree when there is one, else the installed
# Switchboard::rtdlc (find_package(Switchboard) imports it).
function(rtdl_generate)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "TARGET;OUT_DIR;CPP_PARTS" "FILES;IMPORT_DIRS")
  if(NOT arg_TARGET OR NOT arg_FILES)
    message(FATAL_ERROR "rtdl_generate: TARGET and FILES are required")
  endif()
  if(NOT arg_CPP_PARTS)
    set(arg_CPP_PARTS 1)
  elseif(NOT arg_CPP_PARTS MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "rtdl_generate: CPP_PARTS must be a whole number of at least 1 (got '${arg_CPP_PARTS}')")
  endif()
  if(NOT arg_OUT_DIR)
    set(arg_OUT_DIR "${CMAKE_CURRENT_BINARY_DIR}/rtdl")
  endif()
  if(TARGET rtdlc)
    set(rtdlc_exe rtdlc)
    set(rtdlc_dep rtdlc)                 # a target: re-run when the generator is rebuilt
  elseif(TARGET Switchboard::rtdlc)
    set(rtdlc_exe Switchboard::rtdlc)
    set(rtdlc_dep "$<TARGET_FILE:Switchboard::rtdlc>")
  else()
    message(FATAL_ERROR "rtdl_generate: no rtdlc (build Switchboard's dsl/ or find_package(Switchboard))")
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
    if(arg_CPP_PARTS GREATER 1)
      foreach(part RANGE 2 ${arg_CPP_PARTS})
        list(APPEND src "${arg_OUT_DIR}/${stem}.rtdl.part${part}.cpp")
      endforeach()
    endif()
    set(dep "${arg_OUT_DIR}/${stem}.rtdl.d")
    add_custom_command(
      OUTPUT "${hdr}" ${src}
      COMMAND ${rtdlc_exe} --emit=cpp --cpp-parts ${arg_CPP_PARTS} --out-dir "${arg_OUT_DIR}" --depfile "${dep}"
              --error-format=gcc ${import_flags} "${abs}"
      DEPENDS "${abs}" ${rtdlc_dep}
      DEPFILE "${dep}"                # written by rtdlc: every imported .rtdl
      COMMENT "rtdlc ${file}"
      VERBATIM COMMAND_EXPAND_LISTS)
    target_sources(${arg_TARGET} PRIVATE "${hdr}" ${src})
  endforeach()
  target_include_directories(${arg_TARGET} PUBLIC "$<BUILD_INTERFACE:${arg_OUT_DIR}>")
  target_link_libraries(${arg_TARGET} PUBLIC Switchboard::rtdl)
endfunction()
