// What every topic's codec must do, checked field by field against one valid
// message per topic: the rules of schemas/*.schema.json that hold for all
// of them (every field required, no other field, version 1, null only where
// the schema allows it).
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "codec_test_messages.hpp"
#include "stocktracker/model/alert_codec.hpp"
#include "stocktracker/model/codec.hpp"

namespace st::model {
namespace {

struct TopicCodec {
  std::string_view topic;
  std::string_view valid;
  std::vector<std::string_view> nullable;  // top-level fields that may be null
  std::function<Result<std::string>(std::string_view)> reencode;
};

template <auto Decode>
Result<std::string> reencode(std::string_view json) {
  auto value = Decode(json);
  if (!value) return std::unexpected(value.error());
  return encode(*value);
}

std::vector<TopicCodec> all_codecs() {
  return {
      {"stock-prices", test::kTickJson, {}, reencode<decode_tick>},
      {"news-articles", test::kNewsJson, {}, reencode<decode_news>},
      {"news-scored", test::kScoredJson, {}, reencode<decode_scored_news>},
      {"economic-indicators", test::kIndicatorJson, {}, reencode<decode_indicator>},
      // vwap may be null, but only when volume is 0 (CandleCodec tests it).
      {"price-candles-5m", test::kCandleJson, {}, reencode<decode_candle>},
      {"stock-alerts",
       test::kAlertJson,
       {"rule_id", "symbol", "company_name", "sector", "price", "reference_price", "change_pct", "threshold",
        "sentiment"},
       reencode<decode_alert>},
      {"notifications", test::kNotificationJson, {}, reencode<decode_notification>},
      {"user-preferences", test::kPreferencesJson, {"quiet_hours"}, reencode<decode_preferences>},
  };
}

std::string error_of(const TopicCodec& codec, const boost::json::object& message) {
  auto r = codec.reencode(boost::json::serialize(message));
  return r ? "" : r.error().message;
}

TEST(EveryCodec, ReencodesItsValidMessageByteForByte) {
  for (const auto& codec : all_codecs()) {
    auto r = codec.reencode(codec.valid);
    ASSERT_TRUE(r) << codec.topic << ": " << r.error().message;
    EXPECT_EQ(*r, codec.valid) << codec.topic;
  }
}

TEST(EveryCodec, RequiresEveryField) {
  for (const auto& codec : all_codecs()) {
    const auto valid = boost::json::parse(codec.valid).as_object();
    for (const auto& kv : valid) {
      auto message = valid;
      message.erase(kv.key());
      EXPECT_EQ(error_of(codec, message), "schema: " + std::string(kv.key()) + ": is required") << codec.topic;
    }
  }
}

TEST(EveryCodec, AcceptsNullOnlyWhereTheSchemaDoes) {
  for (const auto& codec : all_codecs()) {
    const auto valid = boost::json::parse(codec.valid).as_object();
    for (const auto& kv : valid) {
      const std::string key(kv.key());
      auto message = valid;
      message[key] = nullptr;
      if (std::find(codec.nullable.begin(), codec.nullable.end(), key) == codec.nullable.end()) {
        EXPECT_TRUE(error_of(codec, message).starts_with("schema: " + key + ": ")) << codec.topic << " " << key;
        continue;
      }
      auto r = codec.reencode(boost::json::serialize(message));
      ASSERT_TRUE(r) << codec.topic << " " << key << ": " << r.error().message;
      EXPECT_EQ(boost::json::parse(*r), boost::json::value(message)) << codec.topic << " " << key;
    }
  }
}

TEST(EveryCodec, RejectsAWrongTypeNamingTheField) {
  for (const auto& codec : all_codecs()) {
    const auto valid = boost::json::parse(codec.valid).as_object();
    for (const auto& kv : valid) {
      if (kv.key() == "v") continue;
      auto message = valid;
      message[kv.key()] = kv.value().is_string() ? boost::json::value(17) : boost::json::value("17");
      EXPECT_TRUE(error_of(codec, message).starts_with("schema: " + std::string(kv.key()) + ": must be "))
          << codec.topic << ": " << error_of(codec, message);
    }
  }
}

TEST(EveryCodec, RejectsUnknownFieldsAndVersions) {
  for (const auto& codec : all_codecs()) {
    auto message = boost::json::parse(codec.valid).as_object();
    message["extra"] = 1;
    EXPECT_EQ(error_of(codec, message), "schema: extra: unknown field (the schema allows no other fields)")
        << codec.topic;
    message.erase("extra");
    message["v"] = 2;
    EXPECT_EQ(error_of(codec, message), "version: unknown schema version 2 (this build reads version 1)")
        << codec.topic;
    message["v"] = 1.0;  // JSON Schema's integer includes 1.0
    EXPECT_EQ(error_of(codec, message), "") << codec.topic;
  }
}

}  // namespace
}  // namespace st::model
