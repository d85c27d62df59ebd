#pragma once
// Typed configuration, validated once at start-up. Each setting is an
// environment variable (named as in DESIGN.md §3) and a command-line flag;
// the flag wins. An invalid or missing setting is one line naming it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktracker/base/error.hpp"

namespace st::config {

struct SettingSpec {
  std::string_view env;          // DATABASE_URL
  std::string_view flag;         // --database-url
  std::string_view default_value;  // empty = no default
  std::string_view description;
  bool secret = false;  // never logged, never echoed in an error
};

/// Every setting the services know, in the order the README documents them.
const std::vector<SettingSpec>& all_settings();

/// Which settings a command needs to be present (others may be empty).
enum class Need : std::uint8_t { kDatabase = 1, kRedis = 2, kKafka = 4, kJwt = 8 };
constexpr std::uint8_t operator|(Need a, Need b) { return static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b); }
constexpr std::uint8_t operator|(std::uint8_t a, Need b) { return a | static_cast<std::uint8_t>(b); }

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};

/// A request quota: `count` requests per `window_ms`.
struct RateLimit {
  std::int64_t count = 0;
  std::int64_t window_ms = 0;
  bool operator==(const RateLimit&) const = default;
};

struct Settings {
  std::string database_url;
  std::string redis_url;
  HostPort redis;
  int redis_db = 0;
  std::string redis_password;  // from REDIS_URL's user info; empty = no AUTH
  std::string kafka_bootstrap_servers;
  std::string schema_registry_url;
  std::string alpha_vantage_api_key;
  std::string news_api_key;
  std::string fred_api_key;
  std::string smtp_host;
  std::string smtp_user;
  std::string smtp_pass;
  std::string twilio_sid;
  std::string twilio_token;
  std::uint16_t smtp_port = 587;
  std::string smtp_from;
  std::string smtp_tls;  // "starttls", "implicit" or "none"
  std::string twilio_from;
  std::string twilio_base_url;
  std::string vapid_public_key;   // base64url; set together with the private key
  std::string vapid_private_key;  // base64url; empty = no web push
  std::string vapid_subject;
  std::int64_t notify_max_attempts = 8;
  std::int64_t notify_retry_base_ms = 2000;
  std::int64_t notify_retry_max_ms = 3'600'000;
  std::int64_t notify_claim_lease_ms = 90'000;
  RateLimit notify_user_rate_limit;
  std::string jwt_secret;
  std::string api_host;
  std::uint16_t api_port = 8080;
  std::vector<std::string> cors_origins;  // exact browser origins allowed to call the API (CORS)
  /// Origins a browser may open /ws from ("https://app.example.com"); a
  /// request without Origin (not a browser) is not refused for it.
  std::vector<std::string> ws_allowed_origins;
  std::string web_root;  // the built dashboard (web/dist) that api serves
  std::string log_level;
  std::vector<std::string> symbols;
  std::uint64_t sim_seed = 42;
  double sim_rate = 0;
  std::string ingest_source;                  // "simulator" or "providers"
  std::vector<std::string> ingest_providers;  // failover order, e.g. {"alphavantage", "yahoo"}
  std::string alpha_vantage_base_url;
  std::string yahoo_base_url;
  std::vector<RateLimit> alpha_vantage_limits;
  std::vector<RateLimit> yahoo_limits;
  std::string news_api_base_url;
  std::vector<RateLimit> news_api_limits;
  std::string fred_base_url;
  std::vector<RateLimit> fred_limits;
  bool ingest_extended_hours = false;           // pre-market and after hours count as market hours
  bool ingest_scrape_articles = true;           // news pages scraped for articles with only a snippet
  std::string ingest_scrape_rules;              // per-site extraction rules file; empty: none
  std::int64_t ingest_closed_interval_ms = 3'600'000;  // refresh interval while the market is shut; 0: no calendar
  std::int64_t process_idle_timeout_ms = 60'000;  // 0: idleness off
};

/// Raw values by environment-variable name, as collected from env and flags.
using RawSettings = std::map<std::string, std::string, std::less<>>;

/// Fills defaults, validates and types the raw values. The error message is
/// one line that names the setting, e.g.
/// "API_PORT: must be an integer from 1 to 65535 (got \"http\")".
Result<Settings> load(const RawSettings& raw, std::uint8_t needs);

/// A copy of a URL with any password replaced by "***", for logs.
std::string redact_url(std::string_view url);

/// Validators, exposed for tests and for subcommand flags.
Result<HostPort> parse_host_port(std::string_view text);
/// "5/minute,25/day": requests per second, minute, hour or day.
Result<std::vector<RateLimit>> parse_rate_limits(std::string_view text);

}  // namespace st::config
