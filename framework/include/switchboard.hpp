#pragma once
/// Everything an application needs: the server, namespaces, sockets, broadcasts, acks.
#include <switchboard/error.hpp>
#include <switchboard/jwt.hpp>
#include <switchboard/namespace.hpp>
#include <switchboard/options.hpp>
#include <switchboard/server.hpp>
#include <switchboard/socket.hpp>
