#pragma once
/** @file
    Everything the header rtdlc generates for a contract with a `namespace` includes: the
    runtime pieces of rooms, contexts, dispatch, rates, ticks and connection settings.
    Application code gets it through the generated header; there is no need to include
    it directly.
*/
#include <switchboard/rtdl/abi.hpp>
#include <switchboard/rtdl/boxed.hpp>
#include <switchboard/rtdl/codec.hpp>
#include <switchboard/rtdl/dispatch.hpp>
#include <switchboard/rtdl/handshake_query.hpp>
#include <switchboard/rtdl/rate_limit.hpp>
#include <switchboard/rtdl/result.hpp>
#include <switchboard/rtdl/routes.hpp>
#include <switchboard/rtdl/settings.hpp>
#include <switchboard/rtdl/tick_registry.hpp>
