#include "retry.hpp"

#include <gtest/gtest.h>

namespace st::notify {
namespace {

using std::chrono::milliseconds;

const RetryPolicy kPolicy{.max_attempts = 5, .base = milliseconds(1000), .max = milliseconds(10'000)};

Attempt transient(std::optional<milliseconds> retry_after = std::nullopt) {
  return {AttemptResult::kTransient, "HTTP 503", retry_after, {}};
}

TEST(Backoff, DoublesPerAttemptWithinEqualJitter) {
  EXPECT_EQ(backoff_delay(kPolicy, 1, std::nullopt, 0.0), milliseconds(500));
  EXPECT_EQ(backoff_delay(kPolicy, 1, std::nullopt, 0.999999), milliseconds(999));
  EXPECT_EQ(backoff_delay(kPolicy, 2, std::nullopt, 0.0), milliseconds(1000));
  EXPECT_EQ(backoff_delay(kPolicy, 3, std::nullopt, 0.5), milliseconds(3000));
}

TEST(Backoff, StopsGrowingAtTheMaximum) {
  EXPECT_EQ(backoff_delay(kPolicy, 5, std::nullopt, 0.0), milliseconds(5000));
  EXPECT_EQ(backoff_delay(kPolicy, 60, std::nullopt, 0.0), milliseconds(5000));
  EXPECT_LE(backoff_delay(kPolicy, 60, std::nullopt, 0.999), milliseconds(10'000));
}

TEST(Backoff, HonoursRetryAfterUpToTheMaximum) {
  EXPECT_EQ(backoff_delay(kPolicy, 1, milliseconds(7000), 0.0), milliseconds(7000));
  EXPECT_EQ(backoff_delay(kPolicy, 1, milliseconds(200), 0.0), milliseconds(500));  // never sooner than backoff
  EXPECT_EQ(backoff_delay(kPolicy, 1, milliseconds(3'600'000), 0.0), milliseconds(10'000));
}

TEST(Verdict, SentPermanentTransientAndTheLastAttempt) {
  EXPECT_EQ(after_attempt(kPolicy, {AttemptResult::kSent, {}, {}, {}}, 1, 0.5).next, Verdict::Next::kSent);
  EXPECT_EQ(after_attempt(kPolicy, {AttemptResult::kPermanent, "400", {}, {}}, 1, 0.5).next, Verdict::Next::kDead);
  const Verdict retry = after_attempt(kPolicy, transient(), 4, 0.0);
  EXPECT_EQ(retry.next, Verdict::Next::kRetry);
  EXPECT_EQ(retry.delay, milliseconds(4000));
  EXPECT_EQ(after_attempt(kPolicy, transient(), 5, 0.0).next, Verdict::Next::kDead);
}

TEST(HttpStatus, TransientPermanentAndSent) {
  EXPECT_EQ(classify_http_status(201, std::nullopt, "").result, AttemptResult::kSent);
  for (const int s : {408, 429, 500, 502, 503}) {
    EXPECT_EQ(classify_http_status(s, milliseconds(5), "x").result, AttemptResult::kTransient) << s;
  }
  EXPECT_EQ(classify_http_status(429, milliseconds(5000), "x").retry_after, milliseconds(5000));
  for (const int s : {400, 401, 403, 404, 410, 413}) {
    const Attempt a = classify_http_status(s, milliseconds(5), "x");
    EXPECT_EQ(a.result, AttemptResult::kPermanent) << s;
    EXPECT_FALSE(a.retry_after) << s;
  }
}

}  // namespace
}  // namespace st::notify
