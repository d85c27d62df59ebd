#include "stocktracker/config/settings.hpp"

#include "stocktracker/model/symbol.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace st::config {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const auto pos = s.find(sep, start);
    out.push_back(trim(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start)));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

template <class T>
bool parse_number(std::string_view text, T& out) {
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

std::unexpected<Error> bad(std::string_view name, std::string_view what) {
  return fail(Errc::kInvalidInput, fmt::format("{}: {}", name, what));
}

std::unexpected<Error> bad_value(const SettingSpec& spec, std::string_view what, std::string_view value) {
  if (spec.secret) return bad(spec.env, what);
  return fail(Errc::kInvalidInput, fmt::format("{}: {} (got \"{}\")", spec.env, what, value));
}

const SettingSpec& spec_of(std::string_view env) {
  for (const auto& s : all_settings()) {
    if (s.env == env) return s;
  }
  static const SettingSpec unknown{};
  return unknown;
}

}  // namespace

const std::vector<SettingSpec>& all_settings() {
  static const std::vector<SettingSpec> specs = {
      {"DATABASE_URL", "--database-url", "postgresql://stocktracker:stocktracker@127.0.0.1:5432/stocktracker",
       "PostgreSQL connection URL", true},
      {"REDIS_URL", "--redis-url", "redis://127.0.0.1:6379/0", "Redis URL (redis://[:password@]host:port/db)", true},
      {"KAFKA_BOOTSTRAP_SERVERS", "--kafka-bootstrap-servers", "127.0.0.1:9092",
       "Kafka bootstrap servers, comma-separated host:port", false},
      {"SCHEMA_REGISTRY_URL", "--schema-registry-url", "",
       "Optional schema registry URL (schemas also ship under schemas/)", false},
      {"ALPHA_VANTAGE_API_KEY", "--alpha-vantage-api-key", "", "Alpha Vantage API key", true},
      {"NEWS_API_KEY", "--news-api-key", "", "News API key", true},
      {"SMTP_HOST", "--smtp-host", "", "SMTP server host[:port] for e-mail", false},
      {"SMTP_USER", "--smtp-user", "", "SMTP user name", false},
      {"SMTP_PASS", "--smtp-pass", "", "SMTP password", true},
      {"TWILIO_SID", "--twilio-sid", "", "Twilio account SID for SMS", false},
      {"TWILIO_TOKEN", "--twilio-token", "", "Twilio auth token", true},
      {"JWT_SECRET", "--jwt-secret", "", "HS256 secret for access tokens, at least 32 bytes (api)", true},
      {"API_HOST", "--api-host", "127.0.0.1", "Address the API listens on", false},
      {"API_PORT", "--api-port", "8080", "Port the API listens on", false},
      {"LOG_LEVEL", "--log-level", "info", "debug, info, warn or error", false},
      {"STOCKTRACKER_SYMBOLS", "--symbols", "",
       "Symbols the simulator produces, or that providers poll besides the tracked ones, comma-separated "
       "(default: every company the simulator knows)",
       false},
      {"SIM_SEED", "--sim-seed", "42", "Seed of the market simulator (same seed, same ticks)", false},
      {"SIM_RATE", "--sim-rate", "200", "Simulator ticks per second, all symbols together (up to 1000000)",
       false},
      {"INGEST_SOURCE", "--source", "simulator", "What ingest publishes: simulator or providers", false},
      {"INGEST_PROVIDERS", "--providers", "alphavantage,yahoo",
       "Market-data providers in failover order (alphavantage needs ALPHA_VANTAGE_API_KEY)", false},
      {"ALPHA_VANTAGE_BASE_URL", "--alpha-vantage-base-url", "https://www.alphavantage.co", "Alpha Vantage API base URL",
       false},
      {"YAHOO_BASE_URL", "--yahoo-base-url", "https://query1.finance.yahoo.com", "Yahoo Finance API base URL", false},
      {"ALPHA_VANTAGE_LIMITS", "--alpha-vantage-limits", "5/minute,25/day",
       "Alpha Vantage request quota (its free tier)", false},
      {"YAHOO_LIMITS", "--yahoo-limits", "60/minute,2000/hour",
       "Yahoo Finance request quota (unpublished; ~2000/hour is the commonly observed limit)", false},
  };
  return specs;
}

Result<HostPort> parse_host_port(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return fail(Errc::kInvalidInput, "expected host:port");
  std::uint32_t port = 0;
  if (!parse_number(text.substr(colon + 1), port) || port == 0 || port > 65535) {
    return fail(Errc::kInvalidInput, "port must be from 1 to 65535");
  }
  return HostPort{std::string(text.substr(0, colon)), static_cast<std::uint16_t>(port)};
}

Result<std::vector<RateLimit>> parse_rate_limits(std::string_view text) {
  std::vector<RateLimit> limits;
  for (auto part : split(text, ',')) {
    const auto slash = part.find('/');
    RateLimit l;
    if (slash == std::string_view::npos || !parse_number(trim(part.substr(0, slash)), l.count) || l.count < 1) {
      return fail(Errc::kInvalidInput, "each limit must be <count>/<second|minute|hour|day>, count at least 1");
    }
    const auto unit = trim(part.substr(slash + 1));
    if (unit == "second") {
      l.window_ms = 1'000;
    } else if (unit == "minute") {
      l.window_ms = 60'000;
    } else if (unit == "hour") {
      l.window_ms = 3'600'000;
    } else if (unit == "day") {
      l.window_ms = 86'400'000;
    } else {
      return fail(Errc::kInvalidInput, "each limit must be <count>/<second|minute|hour|day>, count at least 1");
    }
    limits.push_back(l);
  }
  return limits;
}

std::string redact_url(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const auto at = url.find('@', scheme + 3);
  if (at == std::string_view::npos) return std::string(url);
  const auto userinfo = url.substr(scheme + 3, at - scheme - 3);
  const auto colon = userinfo.find(':');
  if (colon == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, scheme + 3 + colon + 1)) + "***" + std::string(url.substr(at));
}

Result<Settings> load(const RawSettings& raw, std::uint8_t needs) {
  auto get = [&](std::string_view env) -> std::string {
    if (auto it = raw.find(env); it != raw.end()) return std::string(trim(it->second));
    return std::string(spec_of(env).default_value);
  };
  auto need = [&](Need n) { return (needs & static_cast<std::uint8_t>(n)) != 0; };

  Settings s;
  s.database_url = get("DATABASE_URL");
  if (need(Need::kDatabase)) {
    if (s.database_url.empty()) return bad("DATABASE_URL", "is required");
    if (!s.database_url.starts_with("postgresql://") && !s.database_url.starts_with("postgres://")) {
      return bad_value(spec_of("DATABASE_URL"), "must start with postgresql:// or postgres://",
                       redact_url(s.database_url));
    }
  }

  s.redis_url = get("REDIS_URL");
  if (need(Need::kRedis)) {
    if (!s.redis_url.starts_with("redis://")) return bad("REDIS_URL", "must start with redis://");
    std::string_view rest = std::string_view(s.redis_url).substr(8);
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
      // redis://[user]:password@host: AUTH takes the part after the colon.
      const auto userinfo = rest.substr(0, at);
      if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
        s.redis_password = std::string(userinfo.substr(colon + 1));
      }
      rest = rest.substr(at + 1);
    }
    std::string_view db = "0";
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
      db = rest.substr(slash + 1);
      rest = rest.substr(0, slash);
    }
    auto hp = parse_host_port(rest);
    if (!hp) return bad("REDIS_URL", hp.error().message);
    s.redis = *hp;
    if (!db.empty() && (!parse_number(db, s.redis_db) || s.redis_db < 0 || s.redis_db > 15)) {
      return bad("REDIS_URL", "database number must be from 0 to 15");
    }
  }

  s.kafka_bootstrap_servers = get("KAFKA_BOOTSTRAP_SERVERS");
  if (need(Need::kKafka)) {
    if (s.kafka_bootstrap_servers.empty()) return bad("KAFKA_BOOTSTRAP_SERVERS", "is required");
    for (auto server : split(s.kafka_bootstrap_servers, ',')) {
      if (auto hp = parse_host_port(server); !hp) {
        return bad_value(spec_of("KAFKA_BOOTSTRAP_SERVERS"), hp.error().message, s.kafka_bootstrap_servers);
      }
    }
  }

  s.schema_registry_url = get("SCHEMA_REGISTRY_URL");
  if (!s.schema_registry_url.empty() && !s.schema_registry_url.starts_with("http://") &&
      !s.schema_registry_url.starts_with("https://")) {
    return bad_value(spec_of("SCHEMA_REGISTRY_URL"), "must be an http:// or https:// URL", s.schema_registry_url);
  }
  s.alpha_vantage_api_key = get("ALPHA_VANTAGE_API_KEY");
  s.news_api_key = get("NEWS_API_KEY");
  s.smtp_host = get("SMTP_HOST");
  s.smtp_user = get("SMTP_USER");
  s.smtp_pass = get("SMTP_PASS");
  s.twilio_sid = get("TWILIO_SID");
  s.twilio_token = get("TWILIO_TOKEN");

  s.jwt_secret = get("JWT_SECRET");
  if (need(Need::kJwt)) {
    if (s.jwt_secret.empty()) return bad("JWT_SECRET", "is required (at least 32 bytes)");
    if (s.jwt_secret.size() < 32) return bad("JWT_SECRET", "must be at least 32 bytes long");
  }

  s.api_host = get("API_HOST");
  if (s.api_host.empty()) return bad("API_HOST", "must not be empty");
  {
    const std::string port = get("API_PORT");
    std::uint32_t p = 0;
    if (!parse_number(std::string_view(port), p) || p == 0 || p > 65535) {
      return bad_value(spec_of("API_PORT"), "must be an integer from 1 to 65535", port);
    }
    s.api_port = static_cast<std::uint16_t>(p);
  }

  s.log_level = get("LOG_LEVEL");
  if (s.log_level != "debug" && s.log_level != "info" && s.log_level != "warn" && s.log_level != "error") {
    return bad_value(spec_of("LOG_LEVEL"), "must be debug, info, warn or error", s.log_level);
  }

  if (const std::string symbols = get("STOCKTRACKER_SYMBOLS"); !symbols.empty()) {
    for (auto sym : split(symbols, ',')) {
      if (!model::valid_symbol(sym)) {
        return bad_value(spec_of("STOCKTRACKER_SYMBOLS"), "each symbol must match [A-Z][A-Z0-9.-]{0,9}",
                         std::string(sym));
      }
      s.symbols.emplace_back(sym);
    }
  }

  if (const std::string seed = get("SIM_SEED"); !parse_number(std::string_view(seed), s.sim_seed)) {
    return bad_value(spec_of("SIM_SEED"), "must be a non-negative integer", seed);
  }
  {
    const std::string rate = get("SIM_RATE");
    if (!parse_number(std::string_view(rate), s.sim_rate) || !std::isfinite(s.sim_rate) || s.sim_rate <= 0 ||
        s.sim_rate > 1'000'000) {
      return bad_value(spec_of("SIM_RATE"), "must be a number above 0 and at most 1000000", rate);
    }
  }

  s.ingest_source = get("INGEST_SOURCE");
  if (s.ingest_source != "simulator" && s.ingest_source != "providers") {
    return bad_value(spec_of("INGEST_SOURCE"), "must be simulator or providers", s.ingest_source);
  }
  const std::string providers = get("INGEST_PROVIDERS");
  for (auto name : split(providers, ',')) {
    if (name != "alphavantage" && name != "yahoo") {
      return bad_value(spec_of("INGEST_PROVIDERS"), "each provider must be alphavantage or yahoo", std::string(name));
    }
    if (std::find(s.ingest_providers.begin(), s.ingest_providers.end(), name) != s.ingest_providers.end()) {
      return bad_value(spec_of("INGEST_PROVIDERS"), "a provider may appear once", std::string(name));
    }
    s.ingest_providers.emplace_back(name);
  }
  for (auto [env, url] : {std::pair{"ALPHA_VANTAGE_BASE_URL", &s.alpha_vantage_base_url},
                          std::pair{"YAHOO_BASE_URL", &s.yahoo_base_url}}) {
    *url = get(env);
    if (!url->starts_with("http://") && !url->starts_with("https://")) {
      return bad_value(spec_of(env), "must be an http:// or https:// URL", *url);
    }
    while (url->ends_with('/')) url->pop_back();
  }
  for (auto [env, limits] : {std::pair{"ALPHA_VANTAGE_LIMITS", &s.alpha_vantage_limits},
                             std::pair{"YAHOO_LIMITS", &s.yahoo_limits}}) {
    const std::string text = get(env);
    auto parsed = parse_rate_limits(text);
    if (!parsed) return bad_value(spec_of(env), parsed.error().message, text);
    *limits = std::move(*parsed);
  }
  return s;
}

}  // namespace st::config
