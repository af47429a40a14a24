// The one translation unit that compiles Boost.Asio and Boost.Beast (separate
// compilation mode). Everything else only includes their declarations, which keeps
// an edit-build loop on a 2-core machine in seconds rather than minutes.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
// Asio's OpenSSL layer (TLS, runtime/tls_front.cpp), compiled here for the same reason.
#include <boost/asio/ssl/impl/src.hpp>
