#include "stocktracker/auth/tokens.hpp"

#include <gtest/gtest.h>

#include <set>

#include "base64url.hpp"

namespace st::auth {
namespace {

TEST(Tokens, RandomTokensAreBase64UrlAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string t = random_token(32);
    EXPECT_EQ(t.size(), 43u);  // 32 bytes, no padding
    EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    EXPECT_EQ(base64url_decode(t)->size(), 32u);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Tokens, DigestIsSha256Hex) {
  EXPECT_EQ(token_digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Tokens, Base64UrlRoundTripsAndIsStrict) {
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), std::string("\xfb\xff"));
  EXPECT_FALSE(base64url_decode("-_8="));
  EXPECT_FALSE(base64url_decode("+/8"));
}

}  // namespace
}  // namespace st::auth
