#include "stocktracker/auth/password.hpp"

#include <gtest/gtest.h>

namespace st::auth {
namespace {

// Cost 4 keeps the unit tests fast; one test checks the service cost.
constexpr int kFastCost = 4;

TEST(Password, HashesWithBcryptCost12AndVerifies) {
  auto hash = hash_password("correct horse battery");
  ASSERT_TRUE(hash) << hash.error().message;
  EXPECT_TRUE(hash->starts_with("$2b$12$")) << *hash;
  EXPECT_EQ(hash->size(), 60u);
  EXPECT_EQ(verify_password("correct horse battery", *hash), true);
  EXPECT_EQ(verify_password("correct horse batterx", *hash), false);
}

TEST(Password, SaltsEachHash) {
  auto a = hash_password("same password", kFastCost);
  auto b = hash_password("same password", kFastCost);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(verify_password("same password", *a), true);
  EXPECT_EQ(verify_password("same password", *b), true);
}

TEST(Password, SeventyTwoBytesAreAcceptedAndEveryByteCounts) {
  const std::string p72(72, 'a');
  auto hash = hash_password(p72, kFastCost);
  ASSERT_TRUE(hash) << hash.error().message;
  EXPECT_EQ(verify_password(p72, *hash), true);
  std::string last_differs = p72;
  last_differs.back() = 'b';
  EXPECT_EQ(verify_password(last_differs, *hash), false);
}

TEST(Password, SeventyThreeBytesAreRefusedNeverTruncated) {
  const std::string p73(73, 'a');
  auto hash = hash_password(p73, kFastCost);
  ASSERT_FALSE(hash);
  EXPECT_EQ(hash.error().code, Errc::kInvalidInput);
  EXPECT_EQ(hash.error().message, "password: must be at most 72 bytes (got 73); bcrypt would ignore the rest");
  // Nor does a 73-byte password match the hash of its first 72 bytes.
  auto h72 = hash_password(std::string(72, 'a'), kFastCost);
  ASSERT_TRUE(h72);
  EXPECT_EQ(verify_password(p73, *h72), false);
  // Bytes, not characters: 37 two-byte characters are 74 bytes.
  std::string accents;
  for (int i = 0; i < 37; ++i) accents += "\xc3\xa9";
  EXPECT_FALSE(check_password(accents));
}

TEST(Password, TooShortOrWithNulIsRefused) {
  EXPECT_EQ(check_password("1234567").error().message, "password: must be at least 8 bytes");
  EXPECT_TRUE(check_password("12345678"));
  EXPECT_FALSE(hash_password(std::string("abcd\0efgh", 9), kFastCost));
}

TEST(Password, MalformedStoredHashIsAnErrorNotAMatch) {
  EXPECT_FALSE(verify_password("whatever1", "plain text"));
  EXPECT_FALSE(verify_password("whatever1", "$2b$12$short"));
  EXPECT_FALSE(verify_password("whatever1", ""));
}

}  // namespace
}  // namespace st::auth
