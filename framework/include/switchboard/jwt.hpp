#pragma once
/** @file
    JSON Web Tokens (RFC 7519) for connect-time authentication: verification of HS256,
    RS256 and ES256 tokens with OpenSSL, the registered claims checked, and a connect
    middleware that refuses a socket whose `auth.token` does not verify.

    @code
    sb::jwt::verifier tokens{{.keys = {sb::jwt::key::hs256(secret)}, .issuer = "https://auth.example"}};
    io.use(sb::jwt::middleware(tokens));          // claims land in socket->data["jwt"]
    // or, in a generated connect hook:
    auto r = tokens.verify(token);
    if (!r) co_return sb::connect_error{r.error};
    ctx.set_user(std::string(r.claims.at("sub").as_string()));
    @endcode

    Why verification lives here and not in each app: the checks that make a JWT safe
    (the algorithm pinned by the key, never `none`; `exp`/`nbf` with a bounded leeway;
    constant-time MAC comparison; ES256's raw `r||s` signature) are easy to get subtly wrong.
*/
#include <switchboard/namespace.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::jwt {

/// A key that can verify tokens of one algorithm. Its algorithm is the only one accepted
/// for it: a token's `alg` header never chooses how it is checked.
class key {
public:
    /// HMAC-SHA256 with a shared secret (use at least 32 random bytes).
    static key hs256(std::string secret, std::string kid = {});
    /// RSASSA-PKCS1-v1_5 with SHA-256; `pem` is a public key ("BEGIN PUBLIC KEY").
    /// Throws std::invalid_argument if it is not an RSA public key.
    static key rs256(std::string_view pem, std::string kid = {});
    /// ECDSA P-256 with SHA-256; `pem` is a public key. Throws std::invalid_argument if
    /// it is not a P-256 public key.
    static key es256(std::string_view pem, std::string kid = {});

    std::string_view alg() const noexcept;
    const std::string& kid() const noexcept;

    struct impl;
    const impl& get() const noexcept { return *impl_; }

private:
    explicit key(std::shared_ptr<const impl> i) : impl_(std::move(i)) {}
    std::shared_ptr<const impl> impl_;
};

struct verifier_options {
    /// Keys tried for a token (the one whose `kid` matches, when the token names one).
    std::vector<key> keys;
    /// Required `iss` (empty: not checked).
    std::string issuer{};
    /// Required `aud`, as a string or one element of an array (empty: not checked).
    std::string audience{};
    /// Clock skew allowed on `exp` and `nbf`.
    std::chrono::seconds leeway{30};
    /// A token without `exp` is refused (a token that never expires cannot be revoked).
    bool require_exp = true;
    /// Longest token accepted, in bytes.
    std::size_t max_size = 8192;
};

/// The outcome of a verification: the claims, or why not (`error`, for CONNECT_ERROR).
struct result {
    boost::json::object claims;
    std::string error;  ///< "" on success
    explicit operator bool() const noexcept { return error.empty(); }
};

class verifier {
public:
    explicit verifier(verifier_options o);
    /// Verifies `token` (the compact form `header.payload.signature`) at `now`.
    result verify(std::string_view token,
                  std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;
    const verifier_options& options() const noexcept { return *opts_; }

private:
    std::shared_ptr<const verifier_options> opts_;
};

/** A connect middleware (`namespace_::use`): the token is `auth.token` of the CONNECT
    packet (socket.io-client's `auth: { token }`). Missing or bad: CONNECT_ERROR with the
    reason as message and `{"code":"unauthenticated"}` as data. Good: the claims are put in
    `socket->data["jwt"]` (data becomes an object if it was null) for handlers to read. */
sb::middleware middleware(verifier v);

/// Signs `claims` with HS256: for tests and for a development mode that mints tokens.
std::string sign_hs256(const boost::json::object& claims, std::string_view secret);

} // namespace sb::jwt
