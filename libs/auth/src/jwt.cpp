#include "stocktracker/auth/jwt.hpp"

#include <jwt.h>
#include <sodium.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cstdlib>
#include <limits>
#include <memory>

#include "base64url.hpp"
#include "stocktracker/auth/tokens.hpp"

namespace st::auth {
namespace {

constexpr std::size_t kMaxTokenBytes = 4096;
constexpr std::size_t kJtiBytes = 16;

struct JwtDeleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;
struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }  // strings libjwt allocated
};
using CString = std::unique_ptr<char, FreeDeleter>;

std::unexpected<Error> invalid(std::string reason) { return fail(Errc::kInvalidInput, std::move(reason)); }

/// A JSON object from text, or nullopt (not JSON, or not an object).
std::optional<boost::json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

/// The header must say HS256, in the plain form libjwt writes it.
Status check_header(std::string_view segment) {
  auto text = base64url_decode(segment);
  if (!text) return invalid("token header is not base64url");
  auto header = parse_object(*text);
  if (!header) return invalid("token header is not a JSON object");
  const auto* alg = header->if_contains("alg");
  if (alg == nullptr || !alg->is_string()) return invalid("token header has no alg");
  if (alg->as_string() != "HS256") {
    return invalid("token algorithm " + std::string(alg->as_string()) + " is not accepted (only HS256)");
  }
  const auto* typ = header->if_contains("typ");
  if (typ != nullptr && !(typ->is_string() && typ->as_string() == "JWT")) return invalid("token type is not JWT");
  if (header->contains("crit")) return invalid("token header has critical extensions");
  return {};
}

/// An integer NumericDate claim, or nullopt when absent; an error when it is
/// present but not an integer.
Result<std::optional<std::int64_t>> time_claim(const boost::json::object& claims, std::string_view name) {
  const auto* v = claims.if_contains(name);
  if (v == nullptr) return std::optional<std::int64_t>{};
  if (v->is_int64()) return std::optional<std::int64_t>(v->as_int64());
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(v->as_uint64()));
  }
  return invalid("token claim " + std::string(name) + " is not an integer time");
}

bool audience_matches(const boost::json::value& aud) {
  if (aud.is_string()) return aud.as_string() == kAudience;
  if (!aud.is_array()) return false;
  for (const auto& a : aud.as_array()) {
    if (a.is_string() && a.as_string() == kAudience) return true;
  }
  return false;
}

/// "42" -> 42; anything but a positive decimal int64 -> nullopt.
std::optional<std::int64_t> parse_user_id(std::string_view s) {
  std::int64_t id = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc{} || p != s.data() + s.size() || id <= 0 || s.front() == '+' || s.front() == '0') {
    return std::nullopt;
  }
  return id;
}

Result<AccessClaims> check_claims(const boost::json::object& claims, std::int64_t now) {
  const auto* iss = claims.if_contains("iss");
  if (iss == nullptr || !iss->is_string() || iss->as_string() != kIssuer) return invalid("token issuer is wrong");
  const auto* aud = claims.if_contains("aud");
  if (aud == nullptr || !audience_matches(*aud)) return invalid("token audience is wrong");

  auto exp = time_claim(claims, "exp");
  if (!exp) return std::unexpected(exp.error());
  if (!*exp) return invalid("token has no exp");
  if (now >= **exp + kClockSkewSeconds) return invalid("token expired");
  auto nbf = time_claim(claims, "nbf");
  if (!nbf) return std::unexpected(nbf.error());
  if (*nbf && **nbf > now + kClockSkewSeconds) return invalid("token is not valid yet (nbf)");
  auto iat = time_claim(claims, "iat");
  if (!iat) return std::unexpected(iat.error());
  if (!*iat) return invalid("token has no iat");
  if (**iat > now + kClockSkewSeconds) return invalid("token is issued in the future (iat)");

  const auto* sub = claims.if_contains("sub");
  const auto user = sub != nullptr && sub->is_string() ? parse_user_id(sub->as_string()) : std::nullopt;
  if (!user) return invalid("token subject is not a user id");
  const auto* jti = claims.if_contains("jti");
  if (jti == nullptr || !jti->is_string() || jti->as_string().empty() || jti->as_string().size() > 64) {
    return invalid("token has no valid jti");
  }
  return AccessClaims{UserId(*user), std::string(jti->as_string()), **iat, **exp};
}

}  // namespace

TokenService::TokenService(std::string secret, const Clock& clock) : secret_(std::move(secret)), clock_(clock) {}

TokenService::~TokenService() { sodium_memzero(secret_.data(), secret_.size()); }

Result<IssuedToken> TokenService::issue(UserId user) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return fail(Errc::kInternal, "jwt_new failed");
  JwtPtr jwt(raw);
  const std::int64_t now = clock_.now_ms() / 1000;
  AccessClaims claims{user, random_token(kJtiBytes), now, now + kAccessTokenSeconds};
  const std::string sub = std::to_string(user.value());
  int rc = jwt_add_grant(jwt.get(), "iss", std::string(kIssuer).c_str());
  if (rc == 0) rc = jwt_add_grant(jwt.get(), "aud", std::string(kAudience).c_str());
  if (rc == 0) rc = jwt_add_grant(jwt.get(), "sub", sub.c_str());
  if (rc == 0) rc = jwt_add_grant(jwt.get(), "jti", claims.jti.c_str());
  if (rc == 0) rc = jwt_add_grant_int(jwt.get(), "iat", static_cast<long>(claims.issued_at));
  if (rc == 0) rc = jwt_add_grant_int(jwt.get(), "exp", static_cast<long>(claims.expires_at));
  if (rc == 0) {
    rc = jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret_.data()),
                     static_cast<int>(secret_.size()));
  }
  if (rc != 0) return fail(Errc::kInternal, "building the access token failed");
  CString token(jwt_encode_str(jwt.get()));
  if (!token) return fail(Errc::kInternal, "signing the access token failed");
  return IssuedToken{std::string(token.get()), std::move(claims)};
}

Result<AccessClaims> TokenService::verify(std::string_view token) const {
  if (token.empty() || token.size() > kMaxTokenBytes) return invalid("token is empty or too long");
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos || dot1 == 0 ||
      dot2 == dot1 + 1 || dot2 + 1 == token.size()) {
    return invalid("token is not a signed JWT (header.payload.signature)");
  }
  // The algorithm is decided here, before libjwt sees the token: libjwt
  // would otherwise follow the header's own alg (including "none").
  if (auto st = check_header(token.substr(0, dot1)); !st) return std::unexpected(st.error());

  jwt_t* raw = nullptr;
  const std::string text(token);
  if (jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(secret_.data()),
                 static_cast<int>(secret_.size())) != 0) {
    if (raw != nullptr) jwt_free(raw);
    return invalid("token signature is invalid");
  }
  JwtPtr jwt(raw);
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return invalid("token algorithm is not HS256");
  // The claims are read from the signed payload itself, strictly, not from
  // libjwt's copy: libjwt's JSON reader stops at a NUL byte, so it took
  // "{...}\0<anything>" as the object before the NUL (found by tests/fuzz/jwt).
  const auto payload = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto claims = payload ? parse_object(*payload) : std::nullopt;
  if (!claims) return invalid("token claims are not a JSON object");
  return check_claims(*claims, clock_.now_ms() / 1000);
}

}  // namespace st::auth
