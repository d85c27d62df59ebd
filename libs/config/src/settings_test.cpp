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
  raw = valid();
  raw["PROCESS_IDLE_TIMEOUT"] = "-1";
  EXPECT_EQ(error_of(raw), "PROCESS_IDLE_TIMEOUT: must be whole seconds from 0 to 86400 (got \"-1\")");
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

TEST(Settings, NewsAndMarketCalendarSettings) {
  auto s = load(valid(), kAll);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->news_api_base_url, "https://newsapi.org");
  EXPECT_EQ(s->news_api_limits, (std::vector<RateLimit>{{100, 86'400'000}}));
  EXPECT_FALSE(s->ingest_extended_hours);
  EXPECT_EQ(s->ingest_closed_interval_ms, 3'600'000);

  auto raw = valid();
  raw["NEWS_API_BASE_URL"] = "http://127.0.0.1:9/";
  raw["INGEST_EXTENDED_HOURS"] = "on";
  raw["INGEST_CLOSED_INTERVAL"] = "0";
  s = load(raw, kAll);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->news_api_base_url, "http://127.0.0.1:9");
  EXPECT_TRUE(s->ingest_extended_hours);
  EXPECT_EQ(s->ingest_closed_interval_ms, 0);

  raw = valid();
  raw["INGEST_EXTENDED_HOURS"] = "yes";
  EXPECT_EQ(error_of(raw), "INGEST_EXTENDED_HOURS: must be on or off (got \"yes\")");
  raw = valid();
  raw["INGEST_CLOSED_INTERVAL"] = "1h";
  EXPECT_EQ(error_of(raw), "INGEST_CLOSED_INTERVAL: must be whole seconds from 0 to 86400 (got \"1h\")");
  raw = valid();
  raw["NEWS_API_LIMITS"] = "100";
  EXPECT_TRUE(error_of(raw).starts_with("NEWS_API_LIMITS: each limit must be")) << error_of(raw);
}

TEST(Settings, ScraperSettings) {
  auto s = load(valid(), kAll);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->ingest_scrape_articles);
  EXPECT_TRUE(s->ingest_scrape_rules.empty());
  auto raw = valid();
  raw["INGEST_SCRAPE_ARTICLES"] = "off";
  raw["INGEST_SCRAPE_RULES"] = "/etc/stocktracker/sites.rules";
  s = load(raw, kAll);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->ingest_scrape_articles);
  EXPECT_EQ(s->ingest_scrape_rules, "/etc/stocktracker/sites.rules");
  raw = valid();
  raw["INGEST_SCRAPE_ARTICLES"] = "true";
  EXPECT_EQ(error_of(raw), "INGEST_SCRAPE_ARTICLES: must be on or off (got \"true\")");
}

TEST(Settings, FredSettings) {
  auto s = load(valid(), kAll);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->fred_api_key.empty());
  EXPECT_EQ(s->fred_base_url, "https://api.stlouisfed.org");
  EXPECT_EQ(s->fred_limits, (std::vector<RateLimit>{{120, 60'000}}));
  auto raw = valid();
  raw["FRED_API_KEY"] = "abcdef0123456789abcdef0123456789";
  raw["FRED_BASE_URL"] = "http://127.0.0.1:9/";
  s = load(raw, kAll);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->fred_api_key, "abcdef0123456789abcdef0123456789");
  EXPECT_EQ(s->fred_base_url, "http://127.0.0.1:9");
  raw = valid();
  raw["FRED_BASE_URL"] = "api.stlouisfed.org";
  EXPECT_TRUE(error_of(raw).starts_with("FRED_BASE_URL: must be an http:// or https:// URL")) << error_of(raw);
  raw = valid();
  raw["FRED_LIMITS"] = "fast";
  EXPECT_TRUE(error_of(raw).starts_with("FRED_LIMITS: ")) << error_of(raw);
}

TEST(Settings, NotifyChannelSettings) {
  auto s = load(valid(), kAll);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->smtp_port, 587);
  EXPECT_EQ(s->smtp_tls, "starttls");
  EXPECT_EQ(s->twilio_base_url, "https://api.twilio.com");
  EXPECT_EQ(s->notify_max_attempts, 8);
  EXPECT_EQ(s->notify_user_rate_limit, (RateLimit{20, 3'600'000}));

  auto raw = valid();
  raw["SMTP_PORT"] = "465";
  raw["SMTP_TLS"] = "implicit";
  raw["TWILIO_SID"] = "AC1";
  raw["TWILIO_FROM"] = "+15005550006";
  raw["TWILIO_BASE_URL"] = "http://127.0.0.1:9/";
  raw["NOTIFY_USER_RATE_LIMIT"] = "3/minute";
  s = load(raw, kAll);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->smtp_port, 465);
  EXPECT_EQ(s->twilio_base_url, "http://127.0.0.1:9");
  EXPECT_EQ(s->notify_user_rate_limit, (RateLimit{3, 60'000}));

  const auto error_with = [](const std::string& env, const std::string& value) {
    auto r = valid();
    r[env] = value;
    return error_of(r);
  };
  EXPECT_TRUE(error_with("SMTP_TLS", "maybe").starts_with("SMTP_TLS:"));
  EXPECT_TRUE(error_with("SMTP_PORT", "0").starts_with("SMTP_PORT:"));
  EXPECT_TRUE(error_with("TWILIO_SID", "AC1").starts_with("TWILIO_FROM: is required"));
  EXPECT_TRUE(error_with("NOTIFY_MAX_ATTEMPTS", "0").starts_with("NOTIFY_MAX_ATTEMPTS:"));
  EXPECT_TRUE(error_with("NOTIFY_USER_RATE_LIMIT", "3/minute,10/hour").starts_with("NOTIFY_USER_RATE_LIMIT:"));
  EXPECT_TRUE(error_with("VAPID_SUBJECT", "ops@example.com").starts_with("VAPID_SUBJECT:"));
  // One VAPID key without the other; the private key is never echoed.
  EXPECT_TRUE(error_with("VAPID_PRIVATE_KEY", "c2VjcmV0").starts_with("VAPID_PUBLIC_KEY: is required"));
  EXPECT_EQ(error_with("VAPID_PRIVATE_KEY", "c2VjcmV0").find("c2VjcmV0"), std::string::npos);
  EXPECT_TRUE(error_with("VAPID_PUBLIC_KEY", "BAAA").starts_with("VAPID_PRIVATE_KEY: is required"));
}

TEST(Settings, CorsOriginsAreExactLowerCaseOrigins) {
  auto raw = valid();
  auto s = load(raw, kAll);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->cors_origins.empty());  // no cross-origin access unless configured
  raw["CORS_ORIGINS"] = "https://app.example.com, http://localhost:5173";
  s = load(raw, kAll);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->cors_origins, (std::vector<std::string>{"https://app.example.com", "http://localhost:5173"}));
  for (const char* bad : {"*", "app.example.com", "https://app.example.com/", "https://App.example.com",
                          "ftp://x.example", "https://"}) {
    raw["CORS_ORIGINS"] = bad;
    EXPECT_TRUE(error_of(raw).starts_with("CORS_ORIGINS: each origin must be")) << bad << ": " << error_of(raw);
  }
}

TEST(Settings, WebRootDefaultsToTheBuiltDashboardOfThisTree) {
  auto s = load(valid(), kAll);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->web_root.ends_with("/web/dist")) << s->web_root;
  auto raw = valid();
  raw["WEB_ROOT"] = "/srv/stocktracker/web";
  s = load(raw, kAll);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->web_root, "/srv/stocktracker/web");
}

}  // namespace st::config

namespace st::config {

TEST(Settings, WebSocketOriginsAreExactSchemeHostPort) {
  auto s = load(valid(), kAll);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->ws_allowed_origins, (std::vector<std::string>{"http://localhost:5173", "http://127.0.0.1:5173"}));
  auto raw = valid();
  raw["WS_ALLOWED_ORIGINS"] = "https://app.example.com, http://localhost:8080";
  s = load(raw, kAll);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->ws_allowed_origins, (std::vector<std::string>{"https://app.example.com", "http://localhost:8080"}));
  raw["WS_ALLOWED_ORIGINS"] = "";
  s = load(raw, kAll);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->ws_allowed_origins.empty());
  for (const char* bad : {"app.example.com", "https://app.example.com/", "https://", "ftp://x", "*"}) {
    raw["WS_ALLOWED_ORIGINS"] = bad;
    EXPECT_TRUE(error_of(raw).starts_with("WS_ALLOWED_ORIGINS:")) << bad;
  }
}

}  // namespace st::config
