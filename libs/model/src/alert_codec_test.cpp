#include "stocktracker/model/alert_codec.hpp"

#include <gtest/gtest.h>

#include "codec_test_messages.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::model {
namespace {

const auto alert_error = test::error_after_edit(decode_alert, test::kAlertJson);
const auto notification_error = test::error_after_edit(decode_notification, test::kNotificationJson);
const auto preferences_error = test::error_after_edit(decode_preferences, test::kPreferencesJson);

template <NamedEnum E>
void expect_names_round_trip() {
  for (std::string_view name : EnumNames<E>::kNames) {
    auto value = parse_enum<E>(name);
    ASSERT_TRUE(value) << name;
    EXPECT_EQ(to_string(*value), name);
  }
  EXPECT_FALSE(parse_enum<E>("")) << "empty name";
}

}  // namespace

TEST(NamedEnums, ParseWhatToStringWrites) {
  expect_names_round_trip<RuleKind>();
  expect_names_round_trip<Channel>();
  expect_names_round_trip<DeliveryStatus>();
  expect_names_round_trip<RepeatMode>();
  expect_names_round_trip<RuleState>();
  expect_names_round_trip<SentimentLabel>();
  EXPECT_EQ(to_string(RuleKind::kIndicatorThreshold), "indicator_threshold");
  EXPECT_EQ(parse_enum<Channel>("in_app"), Channel::kInApp);
  EXPECT_FALSE(parse_enum<Channel>("EMAIL"));
}

TEST(AlertCodec, RoundTripsAnIndicatorAlertWithItsNulls) {
  Alert a;
  a.alert_id = "u1:default:CPI:2024-05-01";
  a.user_id = UserId(1);
  a.kind = RuleKind::kIndicatorThreshold;
  a.threshold = -0.5;
  a.event_ts = 253402300799999;
  a.message = "CPI crossed 3.5 — \"watch\"";
  test::expect_round_trip(decode_alert, a);
  EXPECT_NE(encode(a).find(R"("rule_id":null,"kind":"indicator_threshold","symbol":null)"), std::string::npos);
}

TEST(AlertCodec, ValidatesIdsKindAndRanges) {
  EXPECT_EQ(alert_error("u7:r12", "u7 r12"), "schema: alert_id: must be printable ASCII without spaces");
  EXPECT_EQ(alert_error("\"u7:r12:AAPL:1700000000000\"", "\"\""), "schema: alert_id: length must be from 1 to 200");
  EXPECT_EQ(alert_error("\"user_id\":7", "\"user_id\":0"), "schema: user_id: must be at least 1");
  EXPECT_EQ(alert_error("\"rule_id\":12", "\"rule_id\":-12"), "schema: rule_id: must be at least 1");
  EXPECT_EQ(alert_error("\"rule_id\":12", "\"rule_id\":1.5"), "schema: rule_id: must be an integer");
  EXPECT_EQ(alert_error("price_above", "price_over"),
            "schema: kind: must be one of price_above, price_below, pct_change_prev_close, pct_change_window, "
            "volume_spike, ma_cross, news_sentiment, composite_news_drop, indicator_threshold");
  EXPECT_EQ(alert_error("\"AAPL\",\"company", "\"aapl\",\"company"),
            "schema: symbol: must match [A-Z][A-Z0-9.-]{0,9}");
  EXPECT_EQ(alert_error("201.5", "0"), "schema: price: must be greater than 0");
  EXPECT_EQ(alert_error("199.5", "1e13"), "schema: reference_price: must be less than 1000000000000");
  EXPECT_EQ(alert_error("1.0025", "-250"), "");  // change_pct and threshold are any number
  EXPECT_EQ(alert_error("0.25", "-1.5"), "schema: sentiment: must be from -1 to 1");
  EXPECT_EQ(alert_error("\"Technology\"", '"' + std::string(101, 'x') + '"'),
            "schema: sector: length must be from 0 to 100");
  EXPECT_EQ(alert_error("\"AAPL rose above 200\"", "\"\""), "schema: message: length must be from 1 to 2000");
}

TEST(NotificationCodec, RoundTripsEveryChannelAndStatus) {
  NotificationEvent n{NotificationId(9), UserId(3), "a", Channel::kInApp, DeliveryStatus::kPending, "t", "", 1};
  for (auto channel : {Channel::kEmail, Channel::kSms, Channel::kPush, Channel::kInApp}) {
    for (auto status : {DeliveryStatus::kPending, DeliveryStatus::kSent, DeliveryStatus::kFailed,
                        DeliveryStatus::kDead}) {
      n.channel = channel;
      n.status = status;
      test::expect_round_trip(decode_notification, n);
    }
  }
}

TEST(NotificationCodec, ValidatesEnumsIdsAndLengthsInCharacters) {
  EXPECT_EQ(notification_error("\"email\"", "\"fax\""), "schema: channel: must be one of email, sms, push, in_app");
  EXPECT_EQ(notification_error("\"sent\"", "\"delivered\""),
            "schema: status: must be one of pending, sent, failed, dead");
  EXPECT_EQ(notification_error("42", "0"), "schema: notification_id: must be at least 1");
  EXPECT_EQ(notification_error("\"AAPL above 200\"", '"' + std::string(501, 't') + '"'),
            "schema: title: length must be from 1 to 500");
  std::string accents;
  for (int i = 0; i < 10000; ++i) accents += "é";  // 10000 characters, 20000 bytes
  EXPECT_EQ(notification_error("\"AAPL rose above 200\"", '"' + accents + '"'), "");
  EXPECT_EQ(notification_error("\"AAPL rose above 200\"", "\"x" + accents + '"'),
            "schema: body: length must be from 0 to 10000");
  EXPECT_EQ(notification_error("1700000000123", "-5"), "schema: created_ts: must be from 1 to 253402300799999");
}

TEST(PreferencesCodec, RoundTripsRulesQuietHoursAndDeletion) {
  UserPreferences p;
  p.user_id = UserId(5);
  p.tracked = {"BRK.B"};
  p.channels = {false, true, true, false};
  p.price_change_threshold = 999.999;
  p.rules = {{AlertRuleId(1), "BRK.B", RuleKind::kVolumeSpike, R"({"multiple":3,"window":[1,"x",null]})",
              RepeatMode::kOnce, 2592000, RuleState::kPaused}};
  p.deleted = true;
  test::expect_round_trip(decode_preferences, p);
  p.quiet_hours = QuietHours{"00:00", "23:59", "America/New_York"};
  p.rules.clear();
  test::expect_round_trip(decode_preferences, p);
}

TEST(PreferencesCodec, NamesTheFieldInsideNestedObjects) {
  EXPECT_EQ(preferences_error("\"email\":true", "\"email\":1"), "schema: channels.email: must be a boolean");
  EXPECT_EQ(preferences_error(",\"in_app\":true", ""), "schema: channels.in_app: is required");
  EXPECT_EQ(preferences_error("\"in_app\":true", "\"in_app\":true,\"fax\":true"),
            "schema: channels.fax: unknown field (the schema allows no other fields)");
  EXPECT_EQ(preferences_error("\"22:00\"", "\"24:00\""),
            "schema: quiet_hours.start: must be a time HH:MM from 00:00 to 23:59");
  EXPECT_EQ(preferences_error("\"07:00\"", "\"07:60\""),
            "schema: quiet_hours.end: must be a time HH:MM from 00:00 to 23:59");
  EXPECT_EQ(preferences_error("\"07:00\"", "\"7:00\""), "schema: quiet_hours.end: length must be 5");
  EXPECT_EQ(preferences_error("\"Europe/Paris\"", "\"\""),
            "schema: quiet_hours.time_zone: length must be from 1 to 64");
  EXPECT_EQ(preferences_error("\"quiet_hours\":{", "\"quiet_hours\":[],\"x\":{"),
            "schema: quiet_hours: must be an object");
}

TEST(PreferencesCodec, ValidatesEachRule) {
  EXPECT_EQ(preferences_error("\"state\":\"fired\"", "\"state\":\"done\""),
            "schema: rules[1].state: must be one of active, paused, fired");
  EXPECT_EQ(preferences_error("\"symbol\":\"AAPL\"", "\"symbol\":null"),
            "schema: rules[0].symbol: may be null only for indicator_threshold rules");
  EXPECT_EQ(preferences_error("\"symbol\":null", "\"symbol\":\"CPI\""), "");  // may name a symbol
  EXPECT_EQ(preferences_error("{\"price\":200}", "[200]"), "schema: rules[0].params: must be an object");
  EXPECT_EQ(preferences_error("{\"price\":200}", "{\"price\":1e999}"),
            "schema: rules[0].params: numbers must be finite");
  EXPECT_EQ(preferences_error("\"cooldown_seconds\":300", "\"cooldown_seconds\":2592001"),
            "schema: rules[0].cooldown_seconds: must be from 0 to 2592000");
  EXPECT_EQ(preferences_error("\"repeat_mode\":\"once\"", "\"repeat_mode\":\"twice\""),
            "schema: rules[1].repeat_mode: must be one of once, repeat");
  EXPECT_EQ(preferences_error("\"id\":13,", ""), "schema: rules[1].id: is required");
  EXPECT_EQ(preferences_error("\"rules\":[", "\"rules\":[7,"), "schema: rules[0]: must be an object");
}

TEST(PreferencesCodec, KeepsParamsAsCompactJson) {
  auto p = decode_preferences(
      test::edited(test::kPreferencesJson, "{\"price\":200}", "{ \"price\" : 200 , \"x\": [ ] }"));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->rules.at(0).params, R"({"price":200,"x":[]})");
}

// Found by tests/fuzz (alert_messages): a params number Boost.JSON 1.81 read
// one unit in the last place off was written back as a different number,
// so a rule's parameters changed each time the record was re-encoded.
TEST(PreferencesCodec, ParamsNumbersSurviveReencoding) {
  for (const char* number : {"1111111111111111111114", "113174.08150182823", "1.1111111111111111E21"}) {
    auto p = decode_preferences(
        test::edited(test::kPreferencesJson, "{\"price\":200}", std::string("{\"price\":") + number + "}"));
    ASSERT_TRUE(p) << p.error().message;
    auto again = decode_preferences(encode(*p));
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->rules.at(0).params, p->rules.at(0).params) << number;
  }
}

TEST(PreferencesCodec, ValidatesTrackedAndThreshold) {
  EXPECT_EQ(preferences_error("[\"AAPL\",\"MSFT\"]", "[\"AAPL\",\"AAPL\"]"),
            "schema: tracked: items must be unique");
  EXPECT_EQ(preferences_error("[\"AAPL\",\"MSFT\"]", "[\"AAPL\",\"msft\"]"),
            "schema: tracked: items must be symbols matching [A-Z][A-Z0-9.-]{0,9}");
  EXPECT_EQ(preferences_error("\"price_change_threshold\":5", "\"price_change_threshold\":0"),
            "schema: price_change_threshold: must be greater than 0");
  EXPECT_EQ(preferences_error("\"price_change_threshold\":5", "\"price_change_threshold\":1000"),
            "schema: price_change_threshold: must be at most 999.999");
  std::string many = "[";
  for (int i = 0; i < 1001; ++i) many += (i > 0 ? ",\"S" : "\"S") + std::to_string(i) + '"';
  EXPECT_EQ(preferences_error("[\"AAPL\",\"MSFT\"]", many + "]"), "schema: tracked: has more than 1000 items");
}

}  // namespace st::model
