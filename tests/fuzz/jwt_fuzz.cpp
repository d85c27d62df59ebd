// Bearer tokens: TokenService::verify with a fixed secret and a fixed clock.
// First byte even: the rest is the token as sent. Odd: the rest is a JOSE
// header and a claims set (JSON texts, split at the first newline) that
// the target signs with the right secret, as someone holding the key (or
// a forged-signature bug) would: only then does the fuzzer reach the header
// rules and the claim checks past libjwt's signature check. A token that
// verifies must carry what the issuer writes: header alg HS256, iss and
// aud, a positive user id as sub, a jti, iat not after now and exp after
// now (within the tolerated skew).
#include <sodium.h>

#include <boost/json/parse.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base64url.hpp"
#include "fuzz_check.hpp"
#include "stocktracker/auth/jwt.hpp"

namespace {

// 2023-11-14T22:13:20Z; tests/fuzz/corpus/jwt/ holds tokens issued 60 s
// before it with the secret below (tests/fuzz/make_seeds.py).
constexpr st::EpochMs kNowMs = 1'700'000'000'000;
constexpr std::string_view kSecret = "fuzz-secret-0123456789abcdef-32b";
static_assert(kSecret.size() == 32);

std::string signed_token(std::string_view header, std::string_view claims) {
  const std::string input = st::auth::base64url_encode(header) + "." + st::auth::base64url_encode(claims);
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(kSecret.data()), kSecret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  return input + "." + st::auth::base64url_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

/// What the issuer writes, checked on the texts the target signed itself.
void check_signed(std::string_view header, std::string_view claims_text, const st::auth::AccessClaims& claims) {
  boost::system::error_code ec;
  const auto h = boost::json::parse(header, ec);
  FUZZ_CHECK(!ec && h.is_object(), header);
  const auto* alg = h.as_object().if_contains("alg");
  FUZZ_CHECK(alg != nullptr && alg->is_string() && alg->as_string() == "HS256", header);
  const auto c = boost::json::parse(claims_text, ec);
  FUZZ_CHECK(!ec && c.is_object(), claims_text);
  const auto* iss = c.as_object().if_contains("iss");
  FUZZ_CHECK(iss != nullptr && iss->is_string() && iss->as_string() == st::auth::kIssuer, claims_text);
  const auto* sub = c.as_object().if_contains("sub");
  FUZZ_CHECK(sub != nullptr && sub->is_string() && sub->as_string() == std::to_string(claims.user_id.value()),
             claims_text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const st::ManualClock clock(kNowMs);
  static const st::auth::TokenService tokens{std::string(kSecret), clock};
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const bool sign = (data[0] & 1) != 0;
  std::string_view header, claims_text;
  std::string token(rest);
  if (sign) {
    const auto nl = rest.find('\n');
    header = rest.substr(0, nl);
    claims_text = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    token = signed_token(header, claims_text);
  }
  const auto claims = tokens.verify(token);
  if (!claims) {
    FUZZ_CHECK(claims.error().code == st::Errc::kInvalidInput, claims.error().message);
    return 0;
  }
  const std::int64_t now = kNowMs / 1000;
  FUZZ_CHECK(claims->user_id.value() > 0, token);
  FUZZ_CHECK(!claims->jti.empty() && claims->jti.size() <= 64, token);
  FUZZ_CHECK(claims->issued_at <= now + st::auth::kClockSkewSeconds, token);
  FUZZ_CHECK(claims->expires_at > now - st::auth::kClockSkewSeconds, token);
  if (sign) check_signed(header, claims_text, *claims);
  return 0;
}
