// The `stocktracker` command: parses the command line and settings, then
// hands over to a service. Wiring only; no decisions live here.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "admin_listener.hpp"
#include "api_service.hpp"
#include "ingest_service.hpp"
#include "provider_ingest.hpp"
#include "progress.hpp"
#include "backfill/backfill_service.hpp"
#include "replay/replay_service.hpp"
#include "notify_service.hpp"
#include "web_push.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/base/stop.hpp"
#include "stocktracker/config/settings.hpp"
#include "stocktracker/http/http.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/topics.hpp"
#include "process_service.hpp"
#include "stocktracker/pg/migrations.hpp"
#include "store_service.hpp"

namespace {

using st::config::Need;

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

/// Registers every setting as a flag with its environment variable on `cmd`.
void add_settings(CLI::App& cmd, st::config::RawSettings& raw) {
  for (const auto& spec : st::config::all_settings()) {
    std::string help(spec.description);
    if (!spec.default_value.empty()) help += " [default: " + std::string(spec.default_value) + "]";
    // CLI11 reads the environment and runs option callbacks for every
    // subcommand, chosen or not: only the chosen one may write, or the
    // environment seen by a later subcommand would override a flag.
    auto* opt = cmd.add_option_function<std::string>(
        std::string(spec.flag),
        [&raw, &cmd, env = std::string(spec.env)](const std::string& v) {
          if (cmd.parsed()) raw[env] = v;
        },
        help);
    opt->envname(std::string(spec.env));
    opt->group("Settings (flag or environment variable)");
  }
}

/// Validates settings or exits 2 with one line naming the setting.
st::config::Settings settings_or_exit(const st::config::RawSettings& raw, std::uint8_t needs) {
  auto s = st::config::load(raw, needs);
  if (!s) {
    std::fprintf(stderr, "stocktracker: %s\n", s.error().message.c_str());
    std::exit(kExitUsage);
  }
  st::log::Level level{};
  st::log::parse_level(s->log_level, level);
  st::log::set_level(level);
  return *s;
}

int report(const st::Status& st, std::string_view what) {
  if (st) return 0;
  st::log::error(std::string(what) + " failed", {{"error", st.error().message}, {"code", st::to_string(st.error().code)}});
  return kExitFailure;
}

st::Status run_migrate(const st::config::Settings& s, const std::string& dir) {
  auto files = st::pg::load_migrations(dir);
  if (!files) return std::unexpected(files.error());
  auto conn = st::pg::Connection::connect(s.database_url);
  if (!conn) return std::unexpected(conn.error());
  auto result = st::pg::migrate(*conn, *files);
  if (!result) return std::unexpected(result.error());
  for (const auto& name : result->applied) st::log::info("migration applied", {{"name", name}});
  st::log::info("migrations up to date",
                {{"applied_now", static_cast<std::int64_t>(result->applied.size())},
                 {"applied_before", static_cast<std::int64_t>(result->already)}});
  return {};
}

st::Status run_topics(const st::config::Settings& s, int partitions) {
  auto admin = st::kafka::Admin::create(s.kafka_bootstrap_servers);
  if (!admin) return std::unexpected(admin.error());
  auto created = (*admin)->create_topics(st::model::all_topics(partitions), std::chrono::seconds(30));
  if (!created) return std::unexpected(created.error());
  for (const auto& name : *created) st::log::info("topic created", {{"topic", name}});
  st::log::info("topics up to date", {{"created_now", static_cast<std::int64_t>(created->size())}});
  return {};
}

st::ingest::IngestOptions ingest_options(const st::config::Settings& s) {
  st::ingest::IngestOptions o;
  o.bootstrap_servers = s.kafka_bootstrap_servers;
  o.seed = s.sim_seed;
  o.rate = s.sim_rate;
  o.symbols = s.symbols;
  return o;
}

st::ingest::ProviderIngestOptions provider_ingest_options(const st::config::Settings& s) {
  st::ingest::ProviderIngestOptions o;
  o.bootstrap_servers = s.kafka_bootstrap_servers;
  o.database_url = s.database_url;
  o.symbols = s.symbols;
  o.providers = s.ingest_providers;
  o.alpha_vantage_api_key = s.alpha_vantage_api_key;
  o.alpha_vantage_base_url = s.alpha_vantage_base_url;
  o.yahoo_base_url = s.yahoo_base_url;
  o.alpha_vantage_limits = s.alpha_vantage_limits;
  o.yahoo_limits = s.yahoo_limits;
  o.news_api_key = s.news_api_key;
  o.news_api_base_url = s.news_api_base_url;
  o.news_api_limits = s.news_api_limits;
  o.fred_api_key = s.fred_api_key;
  o.fred_base_url = s.fred_base_url;
  o.fred_limits = s.fred_limits;
  o.extended_hours = s.ingest_extended_hours;
  o.closed_interval_ms = s.ingest_closed_interval_ms;
  o.scrape_articles = s.ingest_scrape_articles;
  o.scrape_rules_path = s.ingest_scrape_rules;
  o.redis = {.host = s.redis.host, .port = s.redis.port, .db = s.redis_db, .password = s.redis_password};
  return o;
}

st::process::ProcessOptions process_options(const st::config::Settings& s) {
  st::process::ProcessOptions o;
  o.bootstrap_servers = s.kafka_bootstrap_servers;
  o.database_url = s.database_url;
  o.windows.idle_timeout_ms = s.process_idle_timeout_ms;
  return o;
}

st::store::StoreOptions store_options(const st::config::Settings& s) {
  st::store::StoreOptions o;
  o.bootstrap_servers = s.kafka_bootstrap_servers;
  o.database_url = s.database_url;
  return o;
}

st::notify::NotifyOptions notify_options(const st::config::Settings& s) {
  st::notify::NotifyOptions o;
  o.bootstrap_servers = s.kafka_bootstrap_servers;
  o.database_url = s.database_url;
  if (!s.smtp_host.empty()) {
    const auto tls = s.smtp_tls == "implicit" ? st::httpclient::SmtpTls::kImplicit
                     : s.smtp_tls == "none"   ? st::httpclient::SmtpTls::kNone
                                              : st::httpclient::SmtpTls::kStartTls;
    o.smtp = st::httpclient::SmtpServer{.host = s.smtp_host, .port = s.smtp_port, .user = s.smtp_user,
                                        .password = s.smtp_pass, .tls = tls};
    o.smtp_from = !s.smtp_from.empty()                            ? s.smtp_from
                  : s.smtp_user.find('@') != std::string::npos ? s.smtp_user
                                                                  : "alerts@" + s.smtp_host;
  }
  if (!s.twilio_sid.empty()) {
    o.twilio = st::notify::TwilioAccount{.base_url = s.twilio_base_url, .sid = s.twilio_sid,
                                         .token = s.twilio_token, .from = s.twilio_from};
  }
  if (!s.vapid_private_key.empty()) {
    o.vapid = st::notify::NotifyOptions::Vapid{s.vapid_private_key, s.vapid_public_key, s.vapid_subject};
  }
  o.retry = {.max_attempts = static_cast<int>(s.notify_max_attempts),
             .base = std::chrono::milliseconds(s.notify_retry_base_ms),
             .max = std::chrono::milliseconds(s.notify_retry_max_ms)};
  o.user_rate_limit_count = s.notify_user_rate_limit.count;
  o.user_rate_limit_window = std::chrono::milliseconds(s.notify_user_rate_limit.window_ms);
  o.claim_lease = std::chrono::milliseconds(s.notify_claim_lease_ms);
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Stock Tracker: a self-hosted real-time stock tracking pipeline.\n"
               "Each command is one service; `up` runs them all in one process.",
               "stocktracker"};
  app.require_subcommand(1);
  app.failure_message(CLI::FailureMessage::help);  // a usage error prints the usage
  app.set_version_flag("--version", "stocktracker 0.1.0");

  st::config::RawSettings raw;
  std::string migrations_dir = ST_DEFAULT_MIGRATIONS_DIR;
  int partitions = 6;
  std::uint64_t count = 0;
  double news_every = 10;
  double indicators_every = 60;
  std::size_t batch_size = 20000;
  std::string group = "stocktracker-store";
  std::string notify_group = "stocktracker-notify";
  std::uint16_t metrics_port = 0;  // ingest, store, process, notify: the admin listener (0: none)
  bool no_setup = false;

  auto* migrate = app.add_subcommand("migrate", "Apply the database migrations that are not applied yet");
  migrate->add_option("--dir", migrations_dir, "Directory of NNNN_name.sql files")->capture_default_str();

  auto* topics = app.add_subcommand("topics", "Create the Kafka topics that are missing (idempotent)");
  topics->add_option("--partitions", partitions, "Partitions of each data topic")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();

  auto* ingest = app.add_subcommand(
      "ingest", "Publish market data to Kafka: the built-in simulator, or real providers with --source providers");
  ingest->add_option("--count", count, "Stop after this many ticks (0: run until stopped)")->capture_default_str();
  st::EpochMs start_ts = 0;
  st::EpochMs step_ms = 100;
  ingest->add_option("--start-ts", start_ts,
                     "Simulated event time of the first tick, epoch ms (0: ticks carry the wall clock)")
      ->check(CLI::NonNegativeNumber);
  ingest->add_option("--step-ms", step_ms, "With --start-ts: event-time step between ticks (ms)")
      ->check(CLI::Range(1, 86400000))
      ->capture_default_str();
  ingest->add_option("--news-every", news_every, "Seconds between simulated headlines (0: none)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  double duration_s = 0;
  double min_interval_s = 60;
  double health_every_s = 60;
  double http_timeout_s = 10;
  double news_min_interval_s = 60;
  double metadata_interval_s = 3600;
  ingest->add_option("--duration", duration_s, "Providers: stop after this many seconds (0: run until stopped)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  ingest->add_option("--min-interval", min_interval_s, "Providers: shortest refresh interval of a symbol (s)")
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
  ingest->add_option("--health-every", health_every_s, "Providers: seconds between provider health log lines (0: none)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  ingest->add_option("--news-min-interval", news_min_interval_s,
                     "Providers: shortest time between two News API requests (s), whatever NEWS_API_LIMITS allows")
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
  ingest->add_option("--metadata-interval", metadata_interval_s,
                     "Providers: shortest time between two Alpha Vantage OVERVIEW (company metadata) requests (s)")
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
  ingest->add_option("--http-timeout", http_timeout_s, "Providers: timeout of one HTTP request (s)")
      ->check(CLI::Range(0.1, 300.0))
      ->capture_default_str();
  ingest->add_option("--indicators-every", indicators_every,
                     "Seconds between simulated economic releases (0: none)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();

  auto* store = app.add_subcommand("store", "Write Kafka topics to PostgreSQL (exactly once)");
  store->add_option("--batch-size", batch_size, "Messages per transaction")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  store->add_option("--group", group, "Kafka consumer group")->capture_default_str();

  auto* process = app.add_subcommand(
      "process", "Stream processing: 5-minute candles and alert rules, exactly once (Kafka transactions)");
  std::string instance_id = "0";
  std::int64_t lateness_s = 60;
  std::int64_t out_of_order_ms = 2000;
  std::string process_group = "stocktracker-process";
  process->add_option("--group", process_group,
                      "Consumer group: one deployment; its state is in its own changelog topic")
      ->capture_default_str();
  process->add_option("--instance-id", instance_id,
                      "Unique per running instance (the Kafka transactional id derives from it)")
      ->capture_default_str();
  process->add_option("--allowed-lateness", lateness_s, "Seconds a window accepts late ticks after it fires")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  process->add_option("--out-of-orderness", out_of_order_ms, "Bounded out-of-orderness of event times (ms)")
      ->check(CLI::Range(0, 600000))
      ->capture_default_str();
  std::int64_t commit_interval_ms = 100;
  process->add_option("--commit-interval", commit_interval_ms,
                      "Longest wait (ms) before a batch is committed: lower gives alerts sooner, higher more throughput")
      ->check(CLI::Range(1, 60000))
      ->capture_default_str();

  auto* notify =
      app.add_subcommand("notify", "Deliver alerts to users: in-app, e-mail, SMS and web push");
  notify->add_option("--group", notify_group, "Kafka consumer group")->capture_default_str();

  auto* vapid_keys = app.add_subcommand("vapid-keys", "Print a new VAPID key pair for web push (VAPID_* settings)");

  auto* api = app.add_subcommand("api", "Serve the REST API");

  auto* up =
      app.add_subcommand("up", "Run every service in one process (migrate, topics, then ingest, process, store, notify, api)");
  up->add_flag("--no-setup", no_setup, "Skip migrations and topic creation");

  auto* replay = app.add_subcommand("replay", "Replay a price CSV to stock-prices as ticks in event-time order");
  st::ingest::replay::ReplayOptions replay_o;
  std::string replay_speed = "60";
  std::string replay_zone = "new-york";
  replay->add_option("file", replay_o.file, "Date,Open,High,Low,Close,Volume (one symbol) or symbol,timestamp,price,volume")
      ->required();
  replay->add_option("--speed", replay_speed, "Event time per wall-clock time (60: a minute a second), or max")
      ->capture_default_str();
  replay->add_option("--symbol", replay_o.symbol, "Symbol of a per-symbol file [default: from the file name]");
  replay->add_option("--timezone", replay_zone, "Zone of times written without an offset: new-york, UTC or +HH:MM")
      ->capture_default_str();
  replay->add_option("--currency", replay_o.currency, "Currency when the file has no currency column")
      ->capture_default_str();
  replay->add_option("--tick-source", replay_o.source, "The ticks' source field")->capture_default_str();
  auto* backfill = app.add_subcommand("backfill", "Load daily price history from the providers into stock-prices (resumable)");
  st::ingest::backfill::BackfillOptions backfill_o;
  std::string backfill_providers;
  backfill->add_option("--from", backfill_o.from, "First day, YYYY-MM-DD")->required();
  backfill->add_option("--to", backfill_o.to, "Last day, YYYY-MM-DD [default: the last completed session]");
  backfill->add_option("--provider", backfill_providers, "Providers in failover order [default: INGEST_PROVIDERS]");
  backfill->add_option("--job", backfill_o.job, "Job name: a rerun of a job resumes it")->capture_default_str();
  for (auto* cmd : {migrate, topics, ingest, store, process, notify, api, up, replay, backfill}) add_settings(*cmd, raw);
  for (auto* cmd : {ingest, store, process, notify}) {
    cmd->add_option("--metrics-port", metrics_port, "Port of the /healthz, /readyz and /metrics listener (0: none)")
        ->capture_default_str();
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }

  st::install_signal_handlers();
  const auto stop = st::process_stop_token();
  // The admin listener of a service, on 127.0.0.1 like the servers; held
  // until the service returns. Null without --metrics-port.
  const auto admin = [&metrics_port](const char* service, const st::config::Settings& s, bool database)
      -> st::Result<std::unique_ptr<st::http::Server>> {
    if (metrics_port == 0) return nullptr;
    return st::admin::start_admin_listener({.service = service,
                                            .host = "127.0.0.1",
                                            .port = metrics_port,
                                            .database_url = database ? s.database_url : "",
                                            .kafka_bootstrap = s.kafka_bootstrap_servers});
  };

  if (*migrate) {
    st::log::set_thread_service("migrate");
    const auto s = settings_or_exit(raw, static_cast<std::uint8_t>(Need::kDatabase));
    return report(run_migrate(s, migrations_dir), "migrate");
  }
  if (*topics) {
    st::log::set_thread_service("topics");
    const auto s = settings_or_exit(raw, static_cast<std::uint8_t>(Need::kKafka));
    return report(run_topics(s, partitions), "topics");
  }
  if (*ingest) {
    st::log::set_thread_service("ingest");
    const auto s = settings_or_exit(raw, static_cast<std::uint8_t>(Need::kKafka));
    auto admin_server = admin("ingest", s, false);
    if (!admin_server) return report(std::unexpected(admin_server.error()), "ingest");
    if (s.ingest_source == "providers") {
      // Providers publish their health to Redis: REDIS_URL is read too.
      auto o = provider_ingest_options(settings_or_exit(raw, Need::kKafka | Need::kRedis));
      o.count = count;
      o.duration_s = duration_s;
      o.min_interval_ms = static_cast<st::EpochMs>(min_interval_s * 1000);
      o.health_every_s = health_every_s;
      o.http_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(http_timeout_s * 1000));
      o.news_min_interval_ms = static_cast<st::EpochMs>(news_min_interval_s * 1000);
      o.metadata_interval_ms = static_cast<st::EpochMs>(metadata_interval_s * 1000);
      auto r = st::ingest::run_provider_ingest(o, stop);
      return report(r ? st::Status{} : std::unexpected(r.error()), "ingest");
    }
    auto o = ingest_options(s);
    o.count = count;
    o.news_every_s = news_every;
    o.indicators_every_s = indicators_every;
    o.start_ts = start_ts;
    o.step_ms = step_ms;
    auto r = st::ingest::run_ingest(o, stop);
    return report(r ? st::Status{} : std::unexpected(r.error()), "ingest");
  }
  if (*store) {
    st::log::set_thread_service("store");
    const auto s = settings_or_exit(raw, Need::kDatabase | Need::kKafka);
    auto admin_server = admin("store", s, true);
    if (!admin_server) return report(std::unexpected(admin_server.error()), "store");
    auto o = store_options(s);
    o.batch_size = batch_size;
    o.group_id = group;
    auto r = st::store::run_store(o, stop);
    return report(r ? st::Status{} : std::unexpected(r.error()), "store");
  }
  if (*process) {
    st::log::set_thread_service("process");
    const auto s = settings_or_exit(raw, Need::kDatabase | Need::kKafka);
    auto admin_server = admin("process", s, false);
    if (!admin_server) return report(std::unexpected(admin_server.error()), "process");
    auto o = process_options(s);
    o.instance_id = instance_id;
    o.group_id = process_group;
    o.batch_wait = std::chrono::milliseconds(commit_interval_ms);
    o.windows = {.out_of_orderness_ms = out_of_order_ms,
                 .allowed_lateness_ms = lateness_s * 1000,
                 .idle_timeout_ms = s.process_idle_timeout_ms};
    auto r = st::process::run_process(o, stop);
    return report(r ? st::Status{} : std::unexpected(r.error()), "process");
  }
  if (*notify) {
    st::log::set_thread_service("notify");
    const auto s = settings_or_exit(raw, Need::kDatabase | Need::kKafka);
    auto admin_server = admin("notify", s, true);
    if (!admin_server) return report(std::unexpected(admin_server.error()), "notify");
    auto o = notify_options(s);
    o.group_id = notify_group;
    auto r = st::notify::run_notify(o, stop);
    return report(r ? st::Status{} : std::unexpected(r.error()), "notify");
  }
  if (*vapid_keys) {
    auto keys = st::notify::generate_vapid_keys();
    if (!keys) return report(std::unexpected(keys.error()), "vapid-keys");
    std::printf("VAPID_PUBLIC_KEY=%s\nVAPID_PRIVATE_KEY=%s\n", keys->public_key.c_str(), keys->private_key.c_str());
    return 0;
  }
  if (*replay) {
    st::log::set_thread_service("replay");
    const auto s = settings_or_exit(raw, static_cast<std::uint8_t>(Need::kKafka));
    const auto speed = st::ingest::replay::parse_speed(replay_speed);
    const auto zone = st::ingest::replay::parse_file_zone(replay_zone);
    if (!speed || !zone) {
      std::fprintf(stderr, "stocktracker: %s\n", !speed ? "--speed: must be a positive number or max"
                                                        : "--timezone: must be new-york, UTC or +HH:MM");
      return kExitUsage;
    }
    replay_o.bootstrap_servers = s.kafka_bootstrap_servers;
    replay_o.speed = *speed;
    replay_o.zone = *zone;
    replay_o.progress_bar = st::ingest::ProgressReporter::stderr_is_terminal();
    auto r = st::ingest::replay::run_replay(replay_o, stop);
    return report(r ? st::Status{} : std::unexpected(r.error()), "replay");
  }
  if (*backfill) {
    st::log::set_thread_service("backfill");
    if (!backfill_providers.empty()) raw["INGEST_PROVIDERS"] = backfill_providers;
    const auto s = settings_or_exit(raw, static_cast<std::uint8_t>(Need::kKafka));
    backfill_o.bootstrap_servers = s.kafka_bootstrap_servers;
    backfill_o.symbols = s.symbols;
    backfill_o.providers = s.ingest_providers;
    backfill_o.alpha_vantage_api_key = s.alpha_vantage_api_key;
    backfill_o.alpha_vantage_base_url = s.alpha_vantage_base_url;
    backfill_o.yahoo_base_url = s.yahoo_base_url;
    backfill_o.alpha_vantage_limits = s.alpha_vantage_limits;
    backfill_o.yahoo_limits = s.yahoo_limits;
    backfill_o.progress_bar = st::ingest::ProgressReporter::stderr_is_terminal();
    auto r = st::ingest::backfill::run_backfill(backfill_o, stop);
    if (r && r->symbols_failed > 0) return kExitFailure;
    return report(r ? st::Status{} : std::unexpected(r.error()), "backfill");
  }
  if (*api) {
    st::log::set_thread_service("api");
    const auto s = settings_or_exit(raw, Need::kDatabase | Need::kKafka | Need::kRedis | Need::kJwt);
    return report(st::api::run_api({s}, stop), "api");
  }

  // up: every service on its own thread, sharing nothing but the servers.
  st::log::set_thread_service("up");
  const auto s = settings_or_exit(raw, Need::kDatabase | Need::kKafka | Need::kRedis | Need::kJwt);
  if (!no_setup) {
    if (int rc = report(run_migrate(s, migrations_dir), "migrate"); rc != 0) return rc;
    if (int rc = report(run_topics(s, partitions), "topics"); rc != 0) return rc;
  }
  std::atomic<int> exit_code{0};
  auto guard = [&](std::string_view name, auto&& body) {
    return std::jthread([&exit_code, name = std::string(name), body = std::forward<decltype(body)>(body), stop] {
      st::log::set_thread_service(name);
      st::Status st = body(stop);
      if (!st) {
        st::log::error(name + " failed; stopping every service", {{"error", st.error().message}});
        exit_code = kExitFailure;
        st::request_process_stop();
      }
    });
  };
  std::vector<std::jthread> threads;
  threads.push_back(guard("store", [&s](std::stop_token t) -> st::Status {
    auto r = st::store::run_store(store_options(s), t);
    return r ? st::Status{} : std::unexpected(r.error());
  }));
  threads.push_back(guard("notify", [&s](std::stop_token t) -> st::Status {
    auto r = st::notify::run_notify(notify_options(s), t);
    return r ? st::Status{} : std::unexpected(r.error());
  }));
  threads.push_back(guard("process", [&s](std::stop_token t) -> st::Status {
    auto r = st::process::run_process(process_options(s), t);
    return r ? st::Status{} : std::unexpected(r.error());
  }));
  threads.push_back(guard("ingest", [&s](std::stop_token t) -> st::Status {
    if (s.ingest_source == "providers") {
      auto r = st::ingest::run_provider_ingest(provider_ingest_options(s), t);
      return r ? st::Status{} : std::unexpected(r.error());
    }
    auto r = st::ingest::run_ingest(ingest_options(s), t);
    return r ? st::Status{} : std::unexpected(r.error());
  }));
  threads.push_back(guard("api", [&s](std::stop_token t) -> st::Status {
    return st::api::run_api({s}, t, [&s](std::uint16_t port) {
      std::fprintf(stderr, "\nStock Tracker is running.\n  API:   http://%s:%u/api/companies\n  Ready: http://%s:%u/readyz\n  Stop:  Ctrl-C\n\n",
                   s.api_host.c_str(), port, s.api_host.c_str(), port);
    });
  }));
  threads.clear();  // joins
  return exit_code.load();
}
