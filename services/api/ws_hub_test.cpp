#include "ws_hub.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>

namespace st::api {
namespace {

using namespace std::chrono_literals;

/// Records what the hub does to a connection.
class FakeConnection final : public http::WsConnection {
 public:
  void send(http::Payload frame, std::string_view key) override {
    frames.push_back(std::move(frame));
    keys.emplace_back(key);
  }
  bool queue(http::Payload frame, std::string_view key) override {
    send(std::move(frame), key);
    return std::exchange(idle, false);
  }
  void kick() override {
    ++kicks;
    idle = true;
  }
  void close(http::CloseCode code, std::string_view reason) override {
    closed = code;
    close_reason = reason;
  }
  [[nodiscard]] std::chrono::steady_clock::time_point write_started() const override { return started; }
  void abort() override { aborted = true; }

  std::vector<http::Payload> frames;
  std::vector<std::string> keys;
  std::optional<http::CloseCode> closed;
  std::string close_reason;
  bool aborted = false;
  std::chrono::steady_clock::time_point started{};
  bool idle = true;  // queue() asks for a kick when it is
  int kicks = 0;
};

constexpr std::int64_t kFarFuture = 4'000'000'000;

struct Hub : ::testing::Test {
  WsHub hub{3};
  std::shared_ptr<FakeConnection> add(std::int64_t user, const std::string& jti = "j",
                                      std::int64_t expires_at = kFarFuture, ConnId* id = nullptr) {
    auto c = std::make_shared<FakeConnection>();
    const ConnId got = hub.attach(c, {UserId(user), jti, expires_at});
    if (id != nullptr) *id = got;
    return c;
  }
};

TEST_F(Hub, SerializesOncePerMessageAndSharesTheFrame) {
  ConnId a_id = 0;
  ConnId b_id = 0;
  auto a = add(1, "j", kFarFuture, &a_id);
  auto b = add(2, "k", kFarFuture, &b_id);
  auto c = add(3);
  ASSERT_TRUE(hub.subscribe(a_id, {"AAPL"}));
  ASSERT_TRUE(hub.subscribe(b_id, {"AAPL", "MSFT"}));
  int made = 0;
  hub.publish_symbol("AAPL", "t:AAPL", [&] {
    ++made;
    return std::string("tick");
  });
  EXPECT_EQ(made, 1);
  ASSERT_EQ(a->frames.size(), 1U);
  ASSERT_EQ(b->frames.size(), 1U);
  EXPECT_EQ(a->frames[0].get(), b->frames[0].get());  // the same buffer, not a copy
  EXPECT_EQ(*a->frames[0], "tick");
  EXPECT_EQ(a->keys[0], "t:AAPL");
  EXPECT_TRUE(c->frames.empty());
  hub.publish_symbol("TSLA", "t:TSLA", [&] {
    ++made;
    return std::string("unfollowed");
  });
  EXPECT_EQ(made, 1) << "a frame nobody follows must not be built";
}

TEST_F(Hub, DeferredPublishingKicksEachConnectionOnceAtTheFlush) {
  ConnId a_id = 0;
  ConnId b_id = 0;
  auto a = add(1, "j", kFarFuture, &a_id);
  auto b = add(2, "k", kFarFuture, &b_id);
  ASSERT_TRUE(hub.subscribe(a_id, {"AAPL", "MSFT"}));
  ASSERT_TRUE(hub.subscribe(b_id, {"MSFT"}));
  for (const std::string sym : {"AAPL", "MSFT", "AAPL"}) {
    hub.publish_symbol_deferred(sym, "t:" + sym, [&] { return "tick " + sym; });
  }
  EXPECT_EQ(a->frames.size(), 3U);  // queued at once...
  EXPECT_EQ(b->frames.size(), 1U);
  EXPECT_EQ(a->kicks, 0);  // ...but no write started before the flush
  EXPECT_EQ(b->kicks, 0);
  WsHub::flush_deferred();
  EXPECT_EQ(a->kicks, 1);  // one kick per connection for the whole batch
  EXPECT_EQ(b->kicks, 1);
  WsHub::flush_deferred();
  EXPECT_EQ(a->kicks, 1) << "a flush with nothing queued kicks nobody";
}

TEST_F(Hub, UserMessagesGoToThatUsersConnectionsOnly) {
  auto a1 = add(1);
  auto a2 = add(1);
  auto b = add(2);
  hub.publish_user(UserId(1), [] { return std::string("alert"); });
  EXPECT_EQ(a1->frames.size(), 1U);
  EXPECT_EQ(a2->frames.size(), 1U);
  EXPECT_TRUE(b->frames.empty());
  EXPECT_EQ(a1->keys[0], "") << "alerts are never conflated";
}

TEST_F(Hub, SubscribeRefusesPastTheMaximumAndDetachForgets) {
  ConnId id = 0;
  auto a = add(1, "j", kFarFuture, &id);
  EXPECT_EQ(hub.subscribe(id, {"A", "B"}), (std::vector<std::string>{"A", "B"}));
  EXPECT_FALSE(hub.subscribe(id, {"C", "D"}));
  EXPECT_EQ(hub.unsubscribe(id, {"A"}), std::vector<std::string>{"B"});
  hub.detach(id);
  EXPECT_EQ(hub.size(), 0U);
  hub.publish_symbol("B", "t:B", [] { return std::string("x"); });
  hub.publish_user(UserId(1), [] { return std::string("x"); });
  EXPECT_TRUE(a->frames.empty());
}

TEST_F(Hub, SweepClosesExpiredTokensAndDropsStalledWriters) {
  auto expired = add(1, "old", 1000);
  auto fresh = add(2, "new", 2000);
  auto stalled = add(3);
  auto writing = add(4);
  const auto now = std::chrono::steady_clock::now();
  stalled->started = now - 11s;
  writing->started = now - 2s;
  hub.sweep(1000, now, 10s);
  ASSERT_TRUE(expired->closed);
  EXPECT_EQ(*expired->closed, http::CloseCode::kUnauthorized);
  EXPECT_EQ(expired->close_reason, "token expired");
  EXPECT_FALSE(fresh->closed);
  EXPECT_TRUE(stalled->aborted);
  EXPECT_FALSE(writing->aborted);
  EXPECT_FALSE(fresh->aborted);
}

TEST_F(Hub, RevokeClosesEveryConnectionOfThatToken) {
  auto a1 = add(1, "jti-1");
  auto a2 = add(1, "jti-1");
  auto a3 = add(1, "jti-2");
  auto ids = hub.token_ids();
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"jti-1", "jti-2"}));
  hub.revoke("jti-1");
  EXPECT_EQ(a1->close_reason, "logged out");
  EXPECT_EQ(a2->close_reason, "logged out");
  EXPECT_FALSE(a3->closed);
}

TEST_F(Hub, AnIdOfADetachedConnectionStaysInvalidWhenItsSlotIsReused) {
  ConnId old_id = 0;
  auto old = add(1, "j", kFarFuture, &old_id);
  ASSERT_TRUE(hub.subscribe(old_id, {"A"}));
  hub.detach(old_id);
  ConnId new_id = 0;
  auto reused = add(2, "k", kFarFuture, &new_id);
  EXPECT_NE(new_id, old_id);
  EXPECT_EQ(hub.size(), 1U);
  // The old id neither subscribes nor detaches the connection now in its slot.
  EXPECT_EQ(hub.subscribe(old_id, {"B"}), std::vector<std::string>{});
  hub.detach(old_id);
  EXPECT_EQ(hub.size(), 1U);
  ASSERT_TRUE(hub.subscribe(new_id, {"C"}));
  hub.publish_symbol("B", "t:B", [] { return std::string("b"); });
  hub.publish_symbol("A", "t:A", [] { return std::string("a"); });
  EXPECT_TRUE(reused->frames.empty());
  EXPECT_TRUE(old->frames.empty());
  hub.publish_symbol("C", "t:C", [] { return std::string("c"); });
  ASSERT_EQ(reused->frames.size(), 1U);
  EXPECT_EQ(*reused->frames[0], "c");
}

}  // namespace
}  // namespace st::api
