// The JWT attack list of TARGETS.md, with tokens crafted by hand: every
// forged or out-of-date token must be refused as a value.
#include "stocktracker/auth/jwt.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <string>

#include "base64url.hpp"

namespace st::auth {
namespace {

const std::string kSecret(40, 's');
constexpr EpochMs kNowMs = 1'800'000'000'000;
constexpr std::int64_t kNow = kNowMs / 1000;

std::string hmac_sha256(std::string_view key, std::string_view data) {
  crypto_auth_hmacsha256_state state;
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  return {reinterpret_cast<const char*>(mac.data()), mac.size()};
}

std::string hmac_sha512(std::string_view key, std::string_view data) {
  crypto_auth_hmacsha512_state state;
  std::array<unsigned char, crypto_auth_hmacsha512_BYTES> mac{};
  crypto_auth_hmacsha512_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha512_update(&state, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  crypto_auth_hmacsha512_final(&state, mac.data());
  return {reinterpret_cast<const char*>(mac.data()), mac.size()};
}

/// header.payload.HMAC-SHA256(secret) from JSON texts, as an attacker who
/// knows the format (and maybe the secret) would build it.
std::string craft(std::string_view header, std::string_view payload, std::string_view secret = kSecret) {
  const std::string input = base64url_encode(header) + "." + base64url_encode(payload);
  return input + "." + base64url_encode(hmac_sha256(secret, input));
}

std::string claims(std::string_view extra = "", std::int64_t exp = kNow + 600) {
  return R"({"iss":"stocktracker","aud":"stocktracker-api","sub":"42","jti":"abc","iat":)" +
         std::to_string(kNow - 10) + ",\"exp\":" + std::to_string(exp) + std::string(extra) + "}";
}

constexpr std::string_view kHs256 = R"({"alg":"HS256","typ":"JWT"})";

class Jwt : public ::testing::Test {
 protected:
  ManualClock clock_{kNowMs};
  TokenService tokens_{kSecret, clock_};

  void expect_refused(const std::string& token, std::string_view reason_part) {
    auto r = tokens_.verify(token);
    ASSERT_FALSE(r) << "accepted: " << token;
    EXPECT_EQ(r.error().code, Errc::kInvalidInput);
    EXPECT_NE(r.error().message.find(reason_part), std::string::npos) << r.error().message;
  }
};

TEST_F(Jwt, IssuedTokenVerifiesWithItsClaims) {
  auto issued = tokens_.issue(UserId(7));
  ASSERT_TRUE(issued) << issued.error().message;
  auto claims = tokens_.verify(issued->token);
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->user_id, UserId(7));
  EXPECT_EQ(claims->issued_at, kNow);
  EXPECT_EQ(claims->expires_at, kNow + 15 * 60);
  EXPECT_EQ(claims->jti, issued->claims.jti);
  EXPECT_GE(claims->jti.size(), 20u);
  EXPECT_NE(tokens_.issue(UserId(7))->claims.jti, claims->jti);  // a fresh jti each time

  // The header libjwt wrote is exactly what verify pins.
  const auto header = base64url_decode(issued->token.substr(0, issued->token.find('.')));
  ASSERT_TRUE(header);
  EXPECT_NE(header->find("\"HS256\""), std::string::npos) << *header;
}

TEST_F(Jwt, HandCraftedValidTokenIsAccepted) {
  auto r = tokens_.verify(craft(kHs256, claims()));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->user_id, UserId(42));
  // aud may be an array that holds our audience (RFC 7519 §4.1.3).
  const std::string with_array = R"({"iss":"stocktracker","aud":["other","stocktracker-api"],"sub":"42","jti":"j",)"
                                 R"("iat":)" + std::to_string(kNow) + ",\"exp\":" + std::to_string(kNow + 60) + "}";
  EXPECT_TRUE(tokens_.verify(craft(kHs256, with_array)));
}

// Found by tests/fuzz/jwt: libjwt reads the claims only up to a NUL byte,
// so a signed payload of an object, a NUL and anything was accepted.
TEST_F(Jwt, ClaimsWithBytesAfterTheObjectAreRefused) {
  expect_refused(craft(kHs256, claims() + std::string(28, '\0')), "claims are not a JSON object");
  expect_refused(craft(kHs256, claims() + std::string("\0{\"sub\":\"1\"}", 12)), "claims are not a JSON object");
  expect_refused(craft(kHs256, claims() + "x"), "");
}

TEST_F(Jwt, AlgNoneIsRefused) {
  const std::string input =
      base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + base64url_encode(claims());
  expect_refused(input + ".", "not a signed JWT");
  expect_refused(input + "." + base64url_encode("x"), "algorithm none");
  expect_refused(craft(R"({"alg":"none"})", claims()), "algorithm none");
  expect_refused(craft(R"({"alg":"None"})", claims()), "algorithm None");
  expect_refused(craft(R"({"typ":"JWT"})", claims()), "no alg");
}

TEST_F(Jwt, OtherAlgorithmsAreRefusedEvenWhenSignedWithTheSecret) {
  // Algorithm confusion: RS256 in the header, HMAC with our secret.
  expect_refused(craft(R"({"alg":"RS256","typ":"JWT"})", claims()), "RS256");
  const std::string input = base64url_encode(R"({"alg":"HS512","typ":"JWT"})") + "." + base64url_encode(claims());
  expect_refused(input + "." + base64url_encode(hmac_sha512(kSecret, input)), "HS512");
  expect_refused(craft(R"({"alg":"ES256"})", claims()), "ES256");
  expect_refused(craft(R"({"alg":"HS256","typ":"JWE"})", claims()), "type");
  expect_refused(craft(R"({"alg":"HS256","crit":["exp"]})", claims()), "critical");
}

TEST_F(Jwt, WrongIssuerOrAudienceIsRefused) {
  expect_refused(craft(kHs256, R"({"iss":"evil","aud":"stocktracker-api","sub":"1","jti":"j","iat":1,"exp":)" +
                                   std::to_string(kNow + 60) + "}"),
                 "issuer");
  expect_refused(craft(kHs256, R"({"aud":"stocktracker-api","sub":"1","jti":"j","iat":1,"exp":)" +
                                   std::to_string(kNow + 60) + "}"),
                 "issuer");
  expect_refused(craft(kHs256, R"({"iss":"stocktracker","aud":"stocktracker-web","sub":"1","jti":"j","iat":1,"exp":)" +
                                   std::to_string(kNow + 60) + "}"),
                 "audience");
  expect_refused(craft(kHs256, R"({"iss":"stocktracker","sub":"1","jti":"j","iat":1,"exp":)" +
                                   std::to_string(kNow + 60) + "}"),
                 "audience");
}

TEST_F(Jwt, ExpiredAndMissingExpAreRefused) {
  expect_refused(craft(kHs256, claims("", kNow - 3600)), "expired");
  expect_refused(craft(kHs256, claims("", kNow - kClockSkewSeconds)), "expired");
  EXPECT_TRUE(tokens_.verify(craft(kHs256, claims("", kNow - kClockSkewSeconds + 1))));  // within the skew
  expect_refused(craft(kHs256, R"({"iss":"stocktracker","aud":"stocktracker-api","sub":"42","jti":"j","iat":1})"),
                 "no exp");
  expect_refused(craft(kHs256, R"({"iss":"stocktracker","aud":"stocktracker-api","sub":"42","jti":"j","iat":1,)"
                               R"("exp":"99999999999"})"),
                 "exp is not an integer");
  expect_refused(craft(kHs256, R"({"iss":"stocktracker","aud":"stocktracker-api","sub":"42","jti":"j","iat":1,)"
                               R"("exp":1e300})"),
                 "exp is not an integer");
}

TEST_F(Jwt, IssuedTokenExpiresAfterFifteenMinutes) {
  auto issued = tokens_.issue(UserId(7));
  ASSERT_TRUE(issued);
  clock_.advance((kAccessTokenSeconds - 1) * 1000);
  EXPECT_TRUE(tokens_.verify(issued->token));
  clock_.advance((kClockSkewSeconds + 1) * 1000);
  expect_refused(issued->token, "expired");
}

TEST_F(Jwt, FutureNotBeforeAndFutureIssuedAtAreRefused) {
  expect_refused(craft(kHs256, claims(",\"nbf\":" + std::to_string(kNow + 3600))), "nbf");
  EXPECT_TRUE(tokens_.verify(craft(kHs256, claims(",\"nbf\":" + std::to_string(kNow - 1)))));
  expect_refused(craft(kHs256, R"({"iss":"stocktracker","aud":"stocktracker-api","sub":"42","jti":"j","iat":)" +
                                   std::to_string(kNow + 3600) + ",\"exp\":" + std::to_string(kNow + 7200) + "}"),
                 "future");
  expect_refused(craft(kHs256, R"({"iss":"stocktracker","aud":"stocktracker-api","sub":"42","jti":"j","exp":)" +
                                   std::to_string(kNow + 60) + "}"),
                 "no iat");
}

TEST_F(Jwt, TamperedTokensAreRefused) {
  auto issued = tokens_.issue(UserId(7));
  ASSERT_TRUE(issued);
  const std::string& t = issued->token;
  const auto dot1 = t.find('.');
  const auto dot2 = t.rfind('.');

  // Another subject in the payload, the signature kept.
  auto payload = base64url_decode(t.substr(dot1 + 1, dot2 - dot1 - 1));
  ASSERT_TRUE(payload);
  const auto sub = payload->find("\"7\"");
  ASSERT_NE(sub, std::string::npos) << *payload;
  payload->replace(sub, 3, "\"8\"");
  expect_refused(t.substr(0, dot1 + 1) + base64url_encode(*payload) + t.substr(dot2), "signature");

  // One signature character changed (the first: every bit of it counts).
  std::string flipped = t;
  flipped[dot2 + 1] = flipped[dot2 + 1] == 'A' ? 'B' : 'A';
  expect_refused(flipped, "signature");
  // The signature cut short, or dropped.
  expect_refused(t.substr(0, t.size() - 4), "signature");
  expect_refused(t.substr(0, dot2 + 1), "not a signed JWT");
  // Signed with another secret.
  expect_refused(craft(kHs256, claims(), std::string(40, 'o')), "signature");
}

TEST_F(Jwt, MalformedTokensAreRefused) {
  expect_refused("", "empty");
  expect_refused("abc", "not a signed JWT");
  expect_refused("a.b", "not a signed JWT");
  expect_refused("a.b.c.d", "not a signed JWT");
  expect_refused(".b.c", "not a signed JWT");
  expect_refused("!!!.b.c", "base64url");
  expect_refused(base64url_encode("not json") + ".b.c", "JSON");
  expect_refused(base64url_encode("[1]") + ".b.c", "JSON");
  expect_refused(std::string(5000, 'a'), "too long");
  // Padding is not base64url as JWS uses it.
  const std::string padded = craft(kHs256, claims());
  expect_refused(base64url_encode(kHs256) + "=" + padded.substr(padded.find('.')), "base64url");
  // Subject and jti must be what we issue.
  expect_refused(craft(kHs256, R"({"iss":"stocktracker","aud":"stocktracker-api","sub":42,"jti":"j","iat":1,"exp":)" +
                                   std::to_string(kNow + 60) + "}"),
                 "subject");
  expect_refused(craft(kHs256, R"({"iss":"stocktracker","aud":"stocktracker-api","sub":"-1","jti":"j","iat":1,)"
                               R"("exp":)" + std::to_string(kNow + 60) + "}"),
                 "subject");
  expect_refused(craft(kHs256, R"({"iss":"stocktracker","aud":"stocktracker-api","sub":"1","iat":1,"exp":)" +
                                   std::to_string(kNow + 60) + "}"),
                 "jti");
  expect_refused(craft(kHs256, "[]"), "");
}

}  // namespace
}  // namespace st::auth
