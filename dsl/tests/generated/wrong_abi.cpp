// Must NOT compile: a generated header compiled against a contract runtime of another ABI
// version (here faked by redefining the version the runtime declares) stops at its
// static_assert and says to regenerate. With RTDL_RIGHT_ABI it compiles.
#include <switchboard/rtdl/abi.hpp>

#ifndef RTDL_RIGHT_ABI
#undef SB_RTDL_ABI_VERSION
#define SB_RTDL_ABI_VERSION 999
#endif

#include "common.rtdl.hpp"
