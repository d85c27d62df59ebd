// `stocktracker api`'s web push routes against the real PostgreSQL: the VAPID
// public key a browser subscribes with, registering a subscription (what
// PushSubscription.toJSON() gives; bad keys and non-https endpoints refused
// with the field named; the same endpoint again replaces its row) and
// deleting one (only the caller's).
#include <gtest/gtest.h>

#include <tuple>

#include "api_fixture.hpp"
#include "harness.hpp"

namespace st::itest {
namespace {

const std::string kSecret = "itest-push-secret-0123456789-abcdefghijkl";  // 41 bytes
const std::string kVapidPublic =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
const std::string kVapidPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
const std::string kP256dh =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const std::string kAuth = "BTBZMqHH6r4Tts7J_aSIgg";

class ApiPush : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tag_ = unique_tag();
    server_.start(tag_, "PU", "Push test ", kSecret,
                  {{"VAPID_PUBLIC_KEY", kVapidPublic}, {"VAPID_PRIVATE_KEY", kVapidPrivate}});
  }
  static void TearDownTestSuite() { server_.stop_and_clean(); }

  static std::string subscription(const std::string& endpoint, const std::string& p256dh = kP256dh,
                                  const std::string& auth = kAuth) {
    return R"({"endpoint":")" + endpoint + R"(","expirationTime":null,"keys":{"p256dh":")" + p256dh +
           R"(","auth":")" + auth + R"("}})";
  }

  static inline ApiServer server_;
  static inline std::string tag_;
};

TEST_F(ApiPush, ServesTheVapidPublicKeyWithoutLogin) {
  const auto r = server_.request("GET", "/api/push/vapid-public-key");
  ASSERT_EQ(status(r), 200) << server_.log_tail();
  EXPECT_EQ(str(parse(*r), "public_key"), kVapidPublic);
}

TEST_F(ApiPush, RegistersReplacesAndDeletesSubscriptions) {
  const Session a = server_.register_user("push-a");
  const Session b = server_.register_user("push-b");
  const std::string endpoint = "https://push.example.com/wpush/" + tag_ + "-1";
  EXPECT_EQ(status(server_.request("POST", "/api/push/subscriptions", {}, subscription(endpoint))), 401);

  const auto created = server_.call("POST", "/api/push/subscriptions", a, subscription(endpoint));
  ASSERT_EQ(status(created), 201) << (created ? created->body : "");
  const std::int64_t id = parse(*created).at("id").as_int64();
  pg::Connection conn = db();
  EXPECT_EQ(query_int(conn, "SELECT user_id FROM push_subscriptions WHERE id = $1::bigint", {std::to_string(id)}),
            a.user_id);

  // The same browser signed in as b subscribes again: one row, now b's.
  const auto again = server_.call("POST", "/api/push/subscriptions", b, subscription(endpoint));
  ASSERT_EQ(status(again), 201);
  EXPECT_EQ(parse(*again).at("id").as_int64(), id);
  EXPECT_EQ(query_int(conn, "SELECT user_id FROM push_subscriptions WHERE endpoint = $1", {endpoint}), b.user_id);

  EXPECT_EQ(status(server_.call("DELETE", "/api/push/subscriptions/" + std::to_string(id), a)), 404);  // not a's
  EXPECT_EQ(status(server_.call("DELETE", "/api/push/subscriptions/" + std::to_string(id), b)), 204);
  EXPECT_EQ(status(server_.call("DELETE", "/api/push/subscriptions/" + std::to_string(id), b)), 404);
  EXPECT_EQ(query_int(conn, "SELECT count(*) FROM push_subscriptions WHERE endpoint = $1", {endpoint}), 0);
}

TEST_F(ApiPush, RefusesBadSubscriptionsNamingTheField) {
  const Session a = server_.register_user("push-bad");
  const auto post = [&](const std::string& body) { return server_.call("POST", "/api/push/subscriptions", a, body); };
  // notify would POST to it: no plain http outside loopback, no other schemes.
  EXPECT_EQ(field(post(subscription("http://push.example.com/x"))), "endpoint");
  EXPECT_EQ(field(post(subscription("ftp://push.example.com/x"))), "endpoint");
  EXPECT_EQ(field(post(subscription("https://push.example.com/x", kP256dh.substr(1)))), "keys.p256dh");
  EXPECT_EQ(field(post(subscription("https://push.example.com/x", kP256dh, "short"))), "keys.auth");
  EXPECT_EQ(field(post(R"({"endpoint":"https://push.example.com/x"})")), "keys");
  EXPECT_EQ(status(post(R"({"endpoint":"https://push.example.com/x","keys":{},"user_id":1})")), 400);
  EXPECT_EQ(status(post(subscription("http://127.0.0.1:8123/push/" + tag_))), 201);  // a local push service
}

TEST_F(ApiPush, NotificationsShowEachChannelsDeliveryAndWhyADeadOneDied) {
  const Session a = server_.register_user("push-dead");
  pg::Connection conn = db();
  const std::string alert = "api-push-" + tag_;
  for (const auto& [channel, status, error] :
       {std::tuple{"in_app", "sent", ""}, std::tuple{"email", "dead", "SMTP smtp://127.0.0.1:1: 550 no such user"}}) {
    auto r = conn.exec(
        "INSERT INTO notifications (user_id, alert_id, channel, status, attempts, title, sent_at, last_error) "
        "VALUES ($1::bigint, $2, $3, $4, 1, 'AAPL up', CASE WHEN $4 = 'sent' THEN now() END, NULLIF($5, ''))",
        {std::to_string(a.user_id), alert, channel, status, error});
    ASSERT_TRUE(r) << r.error().message;
  }
  const auto all = server_.call("GET", "/api/notifications", a);
  ASSERT_EQ(status(all), 200);
  EXPECT_EQ(parse(*all).at("items").as_array().size(), 2u);
  const auto email = server_.call("GET", "/api/notifications?channel=email", a);
  ASSERT_EQ(status(email), 200);
  const auto items = parse(*email).at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  const auto& item = items.front().as_object();
  EXPECT_EQ(item.at("status").as_string(), "dead");
  EXPECT_EQ(item.at("attempts").as_int64(), 1);
  EXPECT_EQ(item.at("last_error").as_string(), "SMTP smtp://127.0.0.1:1: 550 no such user");
  const auto in_app = server_.call("GET", "/api/notifications?channel=in_app", a);
  ASSERT_EQ(status(in_app), 200);
  EXPECT_TRUE(parse(*in_app).at("items").as_array().front().as_object().at("last_error").is_null());
  EXPECT_EQ(field(server_.call("GET", "/api/notifications?channel=fax", a)), "channel");
}

}  // namespace
}  // namespace st::itest
