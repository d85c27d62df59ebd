#pragma once
// Access tokens: JWS compact tokens signed with HMAC-SHA256 (libjwt). The
// algorithm is pinned: a token whose header names anything but HS256
// ("none", RS256, HS512, ...) is refused before its signature is looked at.
// Every failure is a value (kInvalidInput with the reason), never an
// exception. Thread-safe: no shared mutable state.
#include <cstdint>
#include <string>
#include <string_view>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/error.hpp"
#include "stocktracker/base/strong_id.hpp"

namespace st::auth {

inline constexpr std::string_view kIssuer = "stocktracker";
inline constexpr std::string_view kAudience = "stocktracker-api";
inline constexpr std::int64_t kAccessTokenSeconds = 15 * 60;
/// Clock difference tolerated between the api instances that issue and
/// check a token (exp, nbf, iat).
inline constexpr std::int64_t kClockSkewSeconds = 30;

/// The claims of a verified access token; times in seconds since the epoch.
struct AccessClaims {
  UserId user_id;
  std::string jti;
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
};

struct IssuedToken {
  std::string token;
  AccessClaims claims;
};

/// Issues and verifies access tokens with one secret (at least 32 bytes;
/// the configuration refuses a shorter JWT_SECRET) and an injected clock.
class TokenService {
 public:
  TokenService(std::string secret, const Clock& clock);
  ~TokenService();
  TokenService(const TokenService&) = delete;
  TokenService& operator=(const TokenService&) = delete;

  /// sub = user id, iat = now, exp = now + 15 min, iss, aud, a random jti.
  [[nodiscard]] Result<IssuedToken> issue(UserId user) const;

  /// Checks, in order: shape, header (alg must be HS256, typ JWT if
  /// present, no crit), signature, iss, aud, exp (required), nbf (if
  /// present), iat (required, not in the future), sub, jti.
  [[nodiscard]] Result<AccessClaims> verify(std::string_view token) const;

 private:
  std::string secret_;
  const Clock& clock_;
};

}  // namespace st::auth
