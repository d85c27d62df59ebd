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
      {"FRED_API_KEY", "--fred-api-key", "", "FRED API key (economic indicators; empty: none are polled)", true},
      {"SMTP_HOST", "--smtp-host", "", "SMTP server host for e-mail (empty: no e-mail)", false},
      {"SMTP_USER", "--smtp-user", "", "SMTP user name (empty: no AUTH)", false},
      {"SMTP_PASS", "--smtp-pass", "", "SMTP password", true},
      {"SMTP_PORT", "--smtp-port", "587", "SMTP server port (465 with SMTP_TLS=implicit)", false},
      {"SMTP_FROM", "--smtp-from", "", "From address of alert e-mails (default: SMTP_USER, else alerts@SMTP_HOST)",
       false},
      {"SMTP_TLS", "--smtp-tls", "starttls",
       "starttls (required), implicit (TLS from the first byte, smtps) or none (plain; loopback tests only)", false},
      {"TWILIO_SID", "--twilio-sid", "", "Twilio account SID for SMS (empty: no SMS)", false},
      {"TWILIO_TOKEN", "--twilio-token", "", "Twilio auth token", true},
      {"TWILIO_FROM", "--twilio-from", "", "Sending phone number (E.164) of the Twilio account", false},
      {"TWILIO_BASE_URL", "--twilio-base-url", "https://api.twilio.com", "Twilio REST API base URL", false},
      {"VAPID_PUBLIC_KEY", "--vapid-public-key", "",
       "Web push VAPID public key, base64url uncompressed P-256 point, served to browsers by the API "
       "(`stocktracker vapid-keys` makes a pair)",
       false},
      {"VAPID_PRIVATE_KEY", "--vapid-private-key", "",
       "Web push VAPID private key, base64url 32-byte P-256 scalar, with VAPID_PUBLIC_KEY (empty: no web push)", true},
      {"VAPID_SUBJECT", "--vapid-subject", "mailto:alerts@localhost",
       "VAPID contact of the sender (mailto: or https: URL)", false},
      {"NOTIFY_MAX_ATTEMPTS", "--notify-max-attempts", "8",
       "Delivery attempts per e-mail, SMS or push before it is dead", false},
      {"NOTIFY_RETRY_BASE_MS", "--notify-retry-base-ms", "2000",
       "First retry delay of a failed delivery; doubles per attempt, with full jitter", false},
      {"NOTIFY_RETRY_MAX_MS", "--notify-retry-max-ms", "3600000", "Longest retry delay", false},
      {"NOTIFY_USER_RATE_LIMIT", "--notify-user-rate-limit", "20/hour",
       "Alerts per user sent by e-mail, SMS or push (in-app is never limited)", false},
      {"NOTIFY_CLAIM_LEASE_MS", "--notify-claim-lease-ms", "90000",
       "How long a delivery being sent is left to its notify instance; after a crash it is retried then", false},
      {"JWT_SECRET", "--jwt-secret", "", "HS256 secret for access tokens, at least 32 bytes (api)", true},
      {"API_HOST", "--api-host", "127.0.0.1", "Address the API listens on", false},
      {"API_PORT", "--api-port", "8080", "Port the API listens on", false},
      {"CORS_ORIGINS", "--cors-origins", "",
       "Browser origins allowed to call the API, comma-separated scheme://host[:port] (default: none)", false},
      {"WS_ALLOWED_ORIGINS", "--ws-allowed-origins", "http://localhost:5173,http://127.0.0.1:5173",
       "Origins allowed to open the /ws WebSocket, comma-separated scheme://host[:port] (empty: no browser origin)",
       false},
      {"WEB_ROOT", "--web-root", ST_DEFAULT_WEB_ROOT,
       "Directory of the built dashboard that the API serves (index.html and assets/)", false},
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
      {"NEWS_API_BASE_URL", "--news-api-base-url", "https://newsapi.org", "News API base URL", false},
      {"NEWS_API_LIMITS", "--news-api-limits", "100/day", "News API request quota (its free Developer plan)", false},
      {"FRED_BASE_URL", "--fred-base-url", "https://api.stlouisfed.org", "FRED API base URL", false},
      {"FRED_LIMITS", "--fred-limits", "120/minute", "FRED request quota (its documented per-key limit)", false},
      {"INGEST_EXTENDED_HOURS", "--extended-hours", "off",
       "Providers: on to poll at the session's pace in pre-market (04:00) and after hours (to 20:00 New York)", false},
      {"INGEST_SCRAPE_ARTICLES", "--scrape-articles", "on",
       "Providers: on to fetch the page of a news article the news API gave only a snippet of and publish its full "
       "text (politely, robots.txt honoured; only when news is polled)",
       false},
      {"INGEST_SCRAPE_RULES", "--scrape-rules", "",
       "Providers: file of per-site extraction rules, one a line: host [title=SEL] [text=SEL] [time=SEL] "
       "(empty: the built-in extraction for every site)",
       false},
      {"INGEST_CLOSED_INTERVAL", "--closed-interval", "3600",
       "Providers: seconds between polls of a symbol while the US market is shut (0: ignore the market calendar)",
       false},
      {"PROCESS_IDLE_TIMEOUT", "--process-idle-timeout", "60",
       "Seconds without a record after which a stock-prices partition no longer holds the process watermark back "
       "(0: never)",
       false},
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

namespace {

/// The notify channels' settings beyond DESIGN §3's SMTP_* and TWILIO_*.
template <class Get>
Status load_channel_settings(const Get& get, Settings& s) {
  {
    const std::string port = get("SMTP_PORT");
    std::uint32_t p = 0;
    if (!parse_number(std::string_view(port), p) || p == 0 || p > 65535) {
      return bad_value(spec_of("SMTP_PORT"), "must be an integer from 1 to 65535", port);
    }
    s.smtp_port = static_cast<std::uint16_t>(p);
  }
  s.smtp_from = get("SMTP_FROM");
  if (!s.smtp_from.empty() && s.smtp_from.find('@') == std::string::npos) {
    return bad_value(spec_of("SMTP_FROM"), "must be an e-mail address", s.smtp_from);
  }
  s.smtp_tls = get("SMTP_TLS");
  if (s.smtp_tls != "starttls" && s.smtp_tls != "implicit" && s.smtp_tls != "none") {
    return bad_value(spec_of("SMTP_TLS"), "must be starttls, implicit or none", s.smtp_tls);
  }
  s.twilio_from = get("TWILIO_FROM");
  if (!s.twilio_sid.empty() && s.twilio_from.empty()) return bad("TWILIO_FROM", "is required with TWILIO_SID");
  s.twilio_base_url = get("TWILIO_BASE_URL");
  if (!s.twilio_base_url.starts_with("http://") && !s.twilio_base_url.starts_with("https://")) {
    return bad_value(spec_of("TWILIO_BASE_URL"), "must be an http:// or https:// URL", s.twilio_base_url);
  }
  while (s.twilio_base_url.ends_with('/')) s.twilio_base_url.pop_back();
  s.vapid_public_key = get("VAPID_PUBLIC_KEY");
  s.vapid_private_key = get("VAPID_PRIVATE_KEY");
  if (s.vapid_public_key.empty() != s.vapid_private_key.empty()) {
    return bad(s.vapid_public_key.empty() ? "VAPID_PUBLIC_KEY" : "VAPID_PRIVATE_KEY",
               "is required with the other VAPID key (a pair from `stocktracker vapid-keys`)");
  }
  s.vapid_subject = get("VAPID_SUBJECT");
  if (!s.vapid_subject.starts_with("mailto:") && !s.vapid_subject.starts_with("https://")) {
    return bad_value(spec_of("VAPID_SUBJECT"), "must be a mailto: or https: URL", s.vapid_subject);
  }
  const auto integer = [&](std::string_view env, std::int64_t min, std::int64_t max, std::int64_t& out) -> Status {
    const std::string text = get(env);
    if (!parse_number(std::string_view(text), out) || out < min || out > max) {
      return bad_value(spec_of(env), fmt::format("must be an integer from {} to {}", min, max), text);
    }
    return {};
  };
  if (auto st = integer("NOTIFY_MAX_ATTEMPTS", 1, 100, s.notify_max_attempts); !st) return st;
  if (auto st = integer("NOTIFY_RETRY_BASE_MS", 1, 86'400'000, s.notify_retry_base_ms); !st) return st;
  if (auto st = integer("NOTIFY_RETRY_MAX_MS", 1, 7 * 86'400'000LL, s.notify_retry_max_ms); !st) return st;
  if (auto st = integer("NOTIFY_CLAIM_LEASE_MS", 1000, 3'600'000, s.notify_claim_lease_ms); !st) return st;
  const std::string limit = get("NOTIFY_USER_RATE_LIMIT");
  auto limits = parse_rate_limits(limit);
  if (!limits || limits->size() != 1) {
    return bad_value(spec_of("NOTIFY_USER_RATE_LIMIT"), "must be one <count>/<second|minute|hour|day>", limit);
  }
  s.notify_user_rate_limit = limits->front();
  return {};
}

}  // namespace

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
  s.fred_api_key = get("FRED_API_KEY");
  s.smtp_host = get("SMTP_HOST");
  s.smtp_user = get("SMTP_USER");
  s.smtp_pass = get("SMTP_PASS");
  s.twilio_sid = get("TWILIO_SID");
  s.twilio_token = get("TWILIO_TOKEN");
  if (auto st = load_channel_settings(get, s); !st) return std::unexpected(st.error());

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
  const std::string cors_origins = get("CORS_ORIGINS");
  for (auto origin : split(cors_origins, ',')) {
    // Compared byte for byte with the browser's Origin header, which is
    // scheme://host[:port] in lower case without a path: anything else
    // would never match, so it is a configuration mistake.
    const std::string o(trim(origin));
    if (o.empty()) continue;
    const auto scheme_end = o.find("://");
    const bool scheme_ok = o.starts_with("http://") || o.starts_with("https://");
    const std::string_view rest =
        scheme_end == std::string::npos ? std::string_view{} : std::string_view(o).substr(scheme_end + 3);
    const bool shape_ok = !rest.empty() && rest.find_first_of("/?#@ *") == std::string_view::npos &&
                          std::none_of(o.begin(), o.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!scheme_ok || !shape_ok) {
      return bad_value(spec_of("CORS_ORIGINS"),
                       "each origin must be scheme://host[:port] in lower case, e.g. https://app.example.com", o);
    }
    s.cors_origins.push_back(o);
  }
  const std::string ws_origins = get("WS_ALLOWED_ORIGINS");
  for (auto origin : ws_origins.empty() ? std::vector<std::string_view>{} : split(ws_origins, ',')) {
    // An Origin header is scheme://host[:port], nothing after: compare exactly.
    const auto rest = origin.substr(origin.find("://") == std::string_view::npos ? 0 : origin.find("://") + 3);
    if ((!origin.starts_with("http://") && !origin.starts_with("https://")) || rest.empty() ||
        rest.find('/') != std::string_view::npos) {
      return bad_value(spec_of("WS_ALLOWED_ORIGINS"), "each origin must be http(s)://host[:port] without a path",
                       std::string(origin));
    }
    s.ws_allowed_origins.emplace_back(origin);
  }

  s.web_root = get("WEB_ROOT");
  if (s.web_root.empty()) return bad("WEB_ROOT", "must not be empty");

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
                          std::pair{"YAHOO_BASE_URL", &s.yahoo_base_url},
                          std::pair{"NEWS_API_BASE_URL", &s.news_api_base_url},
                          std::pair{"FRED_BASE_URL", &s.fred_base_url}}) {
    *url = get(env);
    if (!url->starts_with("http://") && !url->starts_with("https://")) {
      return bad_value(spec_of(env), "must be an http:// or https:// URL", *url);
    }
    while (url->ends_with('/')) url->pop_back();
  }
  for (auto [env, limits] : {std::pair{"ALPHA_VANTAGE_LIMITS", &s.alpha_vantage_limits},
                             std::pair{"YAHOO_LIMITS", &s.yahoo_limits},
                             std::pair{"NEWS_API_LIMITS", &s.news_api_limits},
                             std::pair{"FRED_LIMITS", &s.fred_limits}}) {
    const std::string text = get(env);
    auto parsed = parse_rate_limits(text);
    if (!parsed) return bad_value(spec_of(env), parsed.error().message, text);
    *limits = std::move(*parsed);
  }
  if (const std::string extended = get("INGEST_EXTENDED_HOURS"); extended == "on" || extended == "off") {
    s.ingest_extended_hours = extended == "on";
  } else {
    return bad_value(spec_of("INGEST_EXTENDED_HOURS"), "must be on or off", extended);
  }
  if (const std::string scrape = get("INGEST_SCRAPE_ARTICLES"); scrape == "on" || scrape == "off") {
    s.ingest_scrape_articles = scrape == "on";
  } else {
    return bad_value(spec_of("INGEST_SCRAPE_ARTICLES"), "must be on or off", scrape);
  }
  s.ingest_scrape_rules = get("INGEST_SCRAPE_RULES");  // read (and checked) by ingest
  {
    const std::string closed = get("INGEST_CLOSED_INTERVAL");
    std::int64_t seconds = 0;
    if (!parse_number(std::string_view(closed), seconds) || seconds < 0 || seconds > 86'400) {
      return bad_value(spec_of("INGEST_CLOSED_INTERVAL"), "must be whole seconds from 0 to 86400", closed);
    }
    s.ingest_closed_interval_ms = seconds * 1000;
  }
  {
    const std::string idle = get("PROCESS_IDLE_TIMEOUT");
    std::int64_t seconds = 0;
    if (!parse_number(std::string_view(idle), seconds) || seconds < 0 || seconds > 86'400) {
      return bad_value(spec_of("PROCESS_IDLE_TIMEOUT"), "must be whole seconds from 0 to 86400", idle);
    }
    s.process_idle_timeout_ms = seconds * 1000;
  }
  return s;
}

}  // namespace st::config
