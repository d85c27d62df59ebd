#include "stocktracker/config/settings.hpp"

#include <gtest/gtest.h>

namespace st::config {
namespace {

constexpr std::uint8_t kAll = Need::kDatabase | Need::kRedis | Need::kKafka | Need::kJwt;
const std::string kSecret(32, 's');

RawSettings valid() { return {{"JWT_SECRET", kSecret}}; }

std::string error_of(RawSettings raw, std::uint8_t needs = kAll) {
  auto r = load(raw, needs);
  return r ? "" : r.error().message;
}

}  // namespace

TEST(Settings, DefaultsAreValid) {
  auto s = load(valid(), kAll);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->database_url, "postgresql://stocktracker:stocktracker@127.0.0.1:5432/stocktracker");
  EXPECT_EQ(s->redis.host, "127.0.0.1");
  EXPECT_EQ(s->redis.port, 6379);
  EXPECT_EQ(s->kafka_bootstrap_servers, "127.0.0.1:9092");
  EXPECT_EQ(s->api_port, 8080);
  EXPECT_TRUE(s->symbols.empty());
}

TEST(Settings, ErrorNamesTheSettingInOneLine) {
  auto raw = valid();
  raw["API_PORT"] = "http";
  EXPECT_EQ(error_of(raw), "API_PORT: must be an integer from 1 to 65535 (got \"http\")");
  raw = valid();
  raw["API_PORT"] = "70000";
  EXPECT_TRUE(error_of(raw).starts_with("API_PORT:"));
  raw = valid();
  raw["LOG_LEVEL"] = "loud";
  EXPECT_TRUE(error_of(raw).starts_with("LOG_LEVEL:"));
  raw = valid();
  raw["KAFKA_BOOTSTRAP_SERVERS"] = "localhost";
  EXPECT_TRUE(error_of(raw).starts_with("KAFKA_BOOTSTRAP_SERVERS:"));
  raw = valid();
  raw["REDIS_URL"] = "http://x:1";
  EXPECT_TRUE(error_of(raw).starts_with("REDIS_URL:"));
  raw = valid();
  raw["STOCKTRACKER_SYMBOLS"] = "AAPL,msft";
  EXPECT_EQ(error_of(raw), "STOCKTRACKER_SYMBOLS: each symbol must match [A-Z][A-Z0-9.-]{0,9} (got \"msft\")");
  raw = valid();
  raw["SIM_RATE"] = "2000000";
  EXPECT_TRUE(error_of(raw).starts_with("SIM_RATE:"));
  EXPECT_EQ(error_of(valid()).find('\n'), std::string::npos);
}

TEST(Settings, JwtSecretIsRequiredOnlyWhereNeededAndNeverEchoed) {
  EXPECT_EQ(error_of({}), "JWT_SECRET: is required (at least 32 bytes)");
  EXPECT_EQ(error_of({}, Need::kDatabase | Need::kKafka), "");
  const std::string short_secret = "hunter2-is-my-password";
  auto msg = error_of({{"JWT_SECRET", short_secret}});
  EXPECT_EQ(msg, "JWT_SECRET: must be at least 32 bytes long");
  EXPECT_EQ(msg.find(short_secret), std::string::npos);
}

TEST(Settings, DatabaseUrlErrorsHideThePassword) {
  auto msg = error_of({{"JWT_SECRET", kSecret}, {"DATABASE_URL", "mysql://root:topsecret@db/x"}});
  EXPECT_TRUE(msg.starts_with("DATABASE_URL:"));
  EXPECT_EQ(msg.find("topsecret"), std::string::npos);
}

TEST(Settings, RedactsUrlPasswords) {
  EXPECT_EQ(redact_url("postgresql://u:p@h:5432/d"), "postgresql://u:***@h:5432/d");
  EXPECT_EQ(redact_url("redis://h:6379/0"), "redis://h:6379/0");
  EXPECT_EQ(redact_url("redis://:pw@h:6379"), "redis://:***@h:6379");
}

TEST(Settings, ParsesSymbolsAndRedisDb) {
  auto s = load({{"JWT_SECRET", kSecret}, {"STOCKTRACKER_SYMBOLS", "AAPL, MSFT,BRK.B"}, {"REDIS_URL", "redis://:pw@10.0.0.1:6380/3"}},
                kAll);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->symbols, (std::vector<std::string>{"AAPL", "MSFT", "BRK.B"}));
  EXPECT_EQ(s->redis.host, "10.0.0.1");
  EXPECT_EQ(s->redis.port, 6380);
  EXPECT_EQ(s->redis_db, 3);
  EXPECT_EQ(s->redis_password, "pw");
}

TEST(Settings, EverySettingHasAFlagAndADescription) {
  for (const auto& spec : all_settings()) {
    EXPECT_TRUE(spec.flag.starts_with("--")) << spec.env;
    EXPECT_FALSE(spec.description.empty()) << spec.env;
  }
}

TEST(Settings, ProviderSettings) {
  auto s = load(valid(), kAll);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->ingest_source, "simulator");
  EXPECT_EQ(s->ingest_providers, (std::vector<std::string>{"alphavantage", "yahoo"}));
  EXPECT_EQ(s->alpha_vantage_base_url, "https://www.alphavantage.co");
  EXPECT_EQ(s->alpha_vantage_limits, (std::vector<RateLimit>{{5, 60'000}, {25, 86'400'000}}));
  EXPECT_EQ(s->yahoo_limits, (std::vector<RateLimit>{{60, 60'000}, {2000, 3'600'000}}));

  auto raw = valid();
  raw["YAHOO_BASE_URL"] = "http://127.0.0.1:9/";
  raw["INGEST_PROVIDERS"] = "yahoo";
  raw["INGEST_SOURCE"] = "providers";
  s = load(raw, kAll);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->yahoo_base_url, "http://127.0.0.1:9");
  EXPECT_EQ(s->ingest_providers, (std::vector<std::string>{"yahoo"}));

  raw = valid();
  raw["ALPHA_VANTAGE_LIMITS"] = "5/fortnight";
  EXPECT_EQ(error_of(raw),
            "ALPHA_VANTAGE_LIMITS: each limit must be <count>/<second|minute|hour|day>, count at least 1 "
            "(got \"5/fortnight\")");
  raw = valid();
  raw["INGEST_PROVIDERS"] = "yahoo,yahoo";
  EXPECT_TRUE(error_of(raw).starts_with("INGEST_PROVIDERS: a provider may appear once")) << error_of(raw);
  raw = valid();
  raw["INGEST_SOURCE"] = "scraper";
  EXPECT_TRUE(error_of(raw).starts_with("INGEST_SOURCE:"));
  raw = valid();
  raw["ALPHA_VANTAGE_BASE_URL"] = "www.alphavantage.co";
  EXPECT_TRUE(error_of(raw).starts_with("ALPHA_VANTAGE_BASE_URL:"));
}

}  // namespace st::config
