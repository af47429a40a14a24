// JWT verification (switchboard/jwt.hpp) with OpenSSL's EVP interface.
#include <switchboard/jwt.hpp>
#include <switchboard/protocol/base64.hpp>

#include "core/json_parse.hpp"

#include <boost/json/serialize.hpp>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace json = boost::json;

namespace sb::jwt {

enum class algorithm { hs256, rs256, es256 };

struct key::impl {
    algorithm alg;
    std::string kid;
    std::string secret;                                  // hs256
    std::shared_ptr<EVP_PKEY> pkey;                      // rs256, es256
};

namespace {

std::shared_ptr<EVP_PKEY> read_public_key(std::string_view pem, int want_type, const char* what)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    EVP_PKEY* k = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr;
    if (!k) {
        throw std::invalid_argument(std::string("jwt: not a PEM public key (") + what + ")");
    }
    std::shared_ptr<EVP_PKEY> key(k, EVP_PKEY_free);
    if (EVP_PKEY_base_id(k) != want_type) {
        throw std::invalid_argument(std::string("jwt: the key is not a ") + what + " key");
    }
    if (want_type == EVP_PKEY_EC && EVP_PKEY_get_bits(k) != 256) {
        throw std::invalid_argument("jwt: an ES256 key must be on P-256");
    }
    return key;
}

/// base64url without padding (RFC 7515 §2) into bytes; false if it is not.
bool b64url_decode(std::string_view in, std::string& out)
{
    if (in.size() % 4 == 1) {
        return false;
    }
    std::string std64;
    std64.reserve(in.size() + 3);
    for (char c : in) {
        if (c == '+' || c == '/' || c == '=') {
            return false;  // the url alphabet, unpadded, only
        }
        std64 += c == '-' ? '+' : c == '_' ? '/' : c;
    }
    while (std64.size() % 4 != 0) {
        std64 += '=';
    }
    return base64::decode_append(out, std64);
}

std::string b64url_encode(std::string_view bytes)
{
    std::string s;
    base64::encode_append(s, bytes);
    while (!s.empty() && s.back() == '=') {
        s.pop_back();
    }
    for (auto& c : s) {
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    }
    return s;
}

std::string hmac_sha256(std::string_view secret, std::string_view data)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &n);
    return std::string(reinterpret_cast<const char*>(mac), n);
}

bool verify_pkey(EVP_PKEY* k, std::string_view data, const std::string& der)
{
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, k) != 1) {
        return false;
    }
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

/// JWS ES256 signatures are `r || s`, 32 bytes each (RFC 7518 §3.4); OpenSSL wants DER.
bool es256_to_der(const std::string& raw, std::string& der)
{
    if (raw.size() != 64) {
        return false;
    }
    ECDSA_SIG* sig = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
    BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return false;
    }
    unsigned char* out = nullptr;
    const int n = i2d_ECDSA_SIG(sig, &out);
    ECDSA_SIG_free(sig);
    if (n <= 0) {
        return false;
    }
    der.assign(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
    OPENSSL_free(out);
    return true;
}

bool signature_ok(const key::impl& k, std::string_view signed_part, const std::string& sig)
{
    switch (k.alg) {
    case algorithm::hs256: {
        const auto mac = hmac_sha256(k.secret, signed_part);
        return sig.size() == mac.size() && CRYPTO_memcmp(sig.data(), mac.data(), mac.size()) == 0;
    }
    case algorithm::rs256: return verify_pkey(k.pkey.get(), signed_part, sig);
    case algorithm::es256: {
        std::string der;
        return es256_to_der(sig, der) && verify_pkey(k.pkey.get(), signed_part, der);
    }
    }
    return false;
}

std::string_view alg_name(algorithm a)
{
    switch (a) {
    case algorithm::hs256: return "HS256";
    case algorithm::rs256: return "RS256";
    case algorithm::es256: return "ES256";
    }
    return "";
}

std::optional<std::int64_t> numeric_date(const json::object& claims, std::string_view name, bool& bad)
{
    const auto* v = claims.if_contains(name);
    if (!v) {
        return std::nullopt;
    }
    if (v->is_int64()) {
        return v->as_int64();
    }
    if (v->is_uint64()) {
        return static_cast<std::int64_t>(std::min<std::uint64_t>(v->as_uint64(), INT64_MAX));
    }
    if (v->is_double()) {
        return static_cast<std::int64_t>(v->as_double());
    }
    bad = true;
    return std::nullopt;
}

result fail(std::string why) { return result{{}, std::move(why)}; }

} // namespace

key key::hs256(std::string secret, std::string kid)
{
    if (secret.empty()) {
        throw std::invalid_argument("jwt: an HS256 secret must not be empty");
    }
    return key(std::make_shared<const impl>(impl{algorithm::hs256, std::move(kid), std::move(secret), nullptr}));
}

key key::rs256(std::string_view pem, std::string kid)
{
    return key(std::make_shared<const impl>(
        impl{algorithm::rs256, std::move(kid), {}, read_public_key(pem, EVP_PKEY_RSA, "RSA")}));
}

key key::es256(std::string_view pem, std::string kid)
{
    return key(std::make_shared<const impl>(
        impl{algorithm::es256, std::move(kid), {}, read_public_key(pem, EVP_PKEY_EC, "EC P-256")}));
}

std::string_view key::alg() const noexcept { return alg_name(impl_->alg); }
const std::string& key::kid() const noexcept { return impl_->kid; }

verifier::verifier(verifier_options o) : opts_(std::make_shared<const verifier_options>(std::move(o)))
{
    if (opts_->keys.empty()) {
        throw std::invalid_argument("jwt: a verifier needs at least one key");
    }
}

result verifier::verify(std::string_view token, std::chrono::system_clock::time_point now) const
{
    const auto& o = *opts_;
    if (token.empty()) {
        return fail("no token");
    }
    if (token.size() > o.max_size) {
        return fail("token too large");
    }
    const auto d1 = token.find('.');
    const auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
    if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
        return fail("malformed token");
    }
    std::string header_json, payload_json, sig;
    if (!b64url_decode(token.substr(0, d1), header_json) || !b64url_decode(token.substr(d1 + 1, d2 - d1 - 1), payload_json) ||
        !b64url_decode(token.substr(d2 + 1), sig)) {
        return fail("malformed token");
    }
    boost::system::error_code ec;
    auto header = detail::parse_checked_json(header_json, ec);
    if (ec || !header.is_object()) {
        return fail("malformed token");
    }
    const auto* alg = header.as_object().if_contains("alg");
    if (!alg || !alg->is_string()) {
        return fail("malformed token");
    }
    const auto* kid = header.as_object().if_contains("kid");
    const std::string_view kid_s = kid && kid->is_string() ? std::string_view(kid->as_string()) : std::string_view{};

    // The key decides the algorithm: a token saying "none", or HS256 against an RSA key's
    // public bytes, finds no key to be checked with.
    const std::string_view signed_part = token.substr(0, d2);
    bool any_for_alg = false;
    bool verified = false;
    for (const auto& k : o.keys) {
        if (k.alg() != std::string_view(alg->as_string())) {
            continue;
        }
        if (!kid_s.empty() && !k.kid().empty() && k.kid() != kid_s) {
            continue;
        }
        any_for_alg = true;
        if (signature_ok(k.get(), signed_part, sig)) {
            verified = true;
            break;
        }
    }
    if (!any_for_alg) {
        return fail("unsupported algorithm");
    }
    if (!verified) {
        return fail("bad signature");
    }

    auto payload = detail::parse_checked_json(payload_json, ec);
    if (ec || !payload.is_object()) {
        return fail("malformed token");
    }
    auto& claims = payload.as_object();
    const auto t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    const auto leeway = o.leeway.count();
    bool bad = false;
    const auto exp = numeric_date(claims, "exp", bad);
    const auto nbf = numeric_date(claims, "nbf", bad);
    if (bad) {
        return fail("malformed token");
    }
    if (!exp && o.require_exp) {
        return fail("token has no expiry");
    }
    if (exp && t - leeway >= *exp) {
        return fail("token expired");
    }
    if (nbf && t + leeway < *nbf) {
        return fail("token not yet valid");
    }
    if (!o.issuer.empty()) {
        const auto* iss = claims.if_contains("iss");
        if (!iss || !iss->is_string() || iss->as_string() != o.issuer) {
            return fail("wrong issuer");
        }
    }
    if (!o.audience.empty()) {
        const auto* aud = claims.if_contains("aud");
        bool ok = aud && aud->is_string() && aud->as_string() == o.audience;
        if (aud && aud->is_array()) {
            for (const auto& a : aud->as_array()) {
                ok = ok || (a.is_string() && a.as_string() == o.audience);
            }
        }
        if (!ok) {
            return fail("wrong audience");
        }
    }
    return result{std::move(claims), {}};
}

sb::middleware middleware(verifier v)
{
    return [v = std::move(v)](socket_ptr s) -> task<std::optional<connect_error>> {
        const auto* token = s->auth().if_contains("token");
        auto r = token && token->is_string() ? v.verify(token->as_string()) : result{{}, "no token"};
        if (!r) {
            co_return connect_error{r.error, json::object{{"code", "unauthenticated"}}};
        }
        if (s->data.is_null()) {
            s->data = json::object{};
        }
        if (s->data.is_object()) {
            s->data.as_object()["jwt"] = std::move(r.claims);
        }
        co_return std::nullopt;
    };
}

std::string sign_hs256(const json::object& claims, std::string_view secret)
{
    std::string out = b64url_encode(R"({"alg":"HS256","typ":"JWT"})");
    out += '.';
    out += b64url_encode(json::serialize(claims));
    const auto mac = hmac_sha256(secret, out);
    out += '.';
    out += b64url_encode(mac);
    return out;
}

} // namespace sb::jwt
