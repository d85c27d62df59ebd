#include "send_queue.hpp"

#include <gtest/gtest.h>

namespace st::http {
namespace {

Payload frame(std::string text) { return std::make_shared<const std::string>(std::move(text)); }

std::string pop_text(SendQueue& q) {
  auto f = q.pop();
  return f ? **f : std::string("<empty>");
}

TEST(SendQueue, KeepsOrderOfUnkeyedFrames) {
  SendQueue q(10, 1000);
  EXPECT_EQ(q.push(frame("a")), SendQueue::Push::kQueued);
  EXPECT_EQ(q.push(frame("b")), SendQueue::Push::kQueued);
  EXPECT_EQ(q.frames(), 2U);
  EXPECT_EQ(pop_text(q), "a");
  EXPECT_EQ(pop_text(q), "b");
  EXPECT_FALSE(q.pop());
}

TEST(SendQueue, ConflatesByKeyInPlaceKeepingPosition) {
  SendQueue q(10, 1000);
  q.push(frame("AAPL 1"), "AAPL");
  q.push(frame("alert"));
  q.push(frame("MSFT 1"), "MSFT");
  EXPECT_EQ(q.push(frame("AAPL 2"), "AAPL"), SendQueue::Push::kConflated);
  EXPECT_EQ(q.push(frame("AAPL 3"), "AAPL"), SendQueue::Push::kConflated);
  EXPECT_EQ(q.frames(), 3U);
  EXPECT_EQ(q.conflated(), 2U);
  EXPECT_EQ(q.bytes(), std::string("AAPL 3alertMSFT 1").size());
  EXPECT_EQ(pop_text(q), "AAPL 3");
  // Once popped, the key starts a new slot at the back.
  EXPECT_EQ(q.push(frame("AAPL 4"), "AAPL"), SendQueue::Push::kQueued);
  EXPECT_EQ(pop_text(q), "alert");
  EXPECT_EQ(q.push(frame("MSFT 2"), "MSFT"), SendQueue::Push::kConflated);
  EXPECT_EQ(pop_text(q), "MSFT 2");
  EXPECT_EQ(pop_text(q), "AAPL 4");
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0U);
}

TEST(SendQueue, ManyUpdatesOfFewKeysStayBounded) {
  SendQueue q(4, 1 << 20);
  for (int i = 0; i < 100000; ++i) {
    ASSERT_NE(q.push(frame("tick " + std::to_string(i)), i % 2 == 0 ? "A" : "B"), SendQueue::Push::kOverflow);
  }
  EXPECT_EQ(q.frames(), 2U);
  EXPECT_EQ(pop_text(q), "tick 99998");
  EXPECT_EQ(pop_text(q), "tick 99999");
}

TEST(SendQueue, ReportsOverflowOfFramesAndBytesWithoutChangingTheQueue) {
  SendQueue by_frames(2, 1000);
  by_frames.push(frame("1"));
  by_frames.push(frame("2"));
  EXPECT_EQ(by_frames.push(frame("3")), SendQueue::Push::kOverflow);
  EXPECT_EQ(by_frames.push(frame("3"), "K"), SendQueue::Push::kOverflow);
  EXPECT_EQ(by_frames.frames(), 2U);

  SendQueue by_bytes(100, 10);
  by_bytes.push(frame("12345"), "K");
  EXPECT_EQ(by_bytes.push(frame("123456"), "J"), SendQueue::Push::kOverflow);
  EXPECT_EQ(by_bytes.push(frame("1234567890"), "K"), SendQueue::Push::kConflated);
  EXPECT_EQ(by_bytes.push(frame("12345678901"), "K"), SendQueue::Push::kOverflow);
  EXPECT_EQ(pop_text(by_bytes), "1234567890");
}

TEST(SendQueue, KeepsOrderAndKeysAcrossTheRingWrappingAndGrowing) {
  SendQueue q(64, 1 << 20);
  int next_pop = 0;
  int next_push = 0;
  // Pending counts rise and fall across the ring's edge and past its first
  // size, so slots wrap and move when it grows.
  for (int round = 0; round < 50; ++round) {
    const int push = 1 + (round * 7) % 20;
    for (int i = 0; i < push; ++i, ++next_push) q.push(frame(std::to_string(next_push)));
    const int pop = round % 3 == 0 ? push + 2 : push - 1;
    for (int i = 0; i < pop && !q.empty(); ++i, ++next_pop) ASSERT_EQ(pop_text(q), std::to_string(next_pop));
  }
  while (!q.empty()) ASSERT_EQ(pop_text(q), std::to_string(next_pop++));
  EXPECT_EQ(next_pop, next_push);
  // A key pending behind wrapped slots is still found and conflated.
  for (int i = 0; i < 6; ++i) q.push(frame("x"));
  for (int i = 0; i < 6; ++i) q.pop();
  // Built with += : GCC 12's -O3 -Wrestrict misfires on "literal" + std::string.
  const auto numbered = [](const char* prefix, int i) {
    std::string s = prefix;
    s += std::to_string(i);
    return s;
  };
  for (int i = 0; i < 5; ++i) q.push(frame(numbered("k", i)), numbered("K", i));
  EXPECT_EQ(q.push(frame("k4 new"), "K4"), SendQueue::Push::kConflated);
  EXPECT_EQ(q.push(frame("k0 new"), "K0"), SendQueue::Push::kConflated);
  EXPECT_EQ(q.frames(), 5U);
  EXPECT_EQ(pop_text(q), "k0 new");
  for (int i = 1; i < 4; ++i) EXPECT_EQ(pop_text(q), numbered("k", i));
  EXPECT_EQ(pop_text(q), "k4 new");
  EXPECT_EQ(q.bytes(), 0U);
}

}  // namespace
}  // namespace st::http
