// The `stocktracker` command: parses the command line and settings, then
// hands over to a service. Wiring only; no decisions live here.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "api_service.hpp"
#include "ingest_service.hpp"
#include "provider_ingest.hpp"
#include "notify_service.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/base/stop.hpp"
#include "stocktracker/config/settings.hpp"
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
  return o;
}

st::process::ProcessOptions process_options(const st::config::Settings& s) {
  st::process::ProcessOptions o;
  o.bootstrap_servers = s.kafka_bootstrap_servers;
  o.database_url = s.database_url;
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
  ingest->add_option("--duration", duration_s, "Providers: stop after this many seconds (0: run until stopped)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  ingest->add_option("--min-interval", min_interval_s, "Providers: shortest refresh interval of a symbol (s)")
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
  ingest->add_option("--health-every", health_every_s, "Providers: seconds between provider health log lines (0: none)")
      ->check(CLI::NonNegativeNumber)
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

  auto* notify =
      app.add_subcommand("notify", "Deliver alerts to users: in-app notifications (e-mail, SMS, push: not yet)");
  notify->add_option("--group", notify_group, "Kafka consumer group")->capture_default_str();

  auto* api = app.add_subcommand("api", "Serve the REST API");

  auto* up =
      app.add_subcommand("up", "Run every service in one process (migrate, topics, then ingest, process, store, notify, api)");
  up->add_flag("--no-setup", no_setup, "Skip migrations and topic creation");

  for (auto* cmd : {migrate, topics, ingest, store, process, notify, api, up}) add_settings(*cmd, raw);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }

  st::install_signal_handlers();
  const auto stop = st::process_stop_token();

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
    if (s.ingest_source == "providers") {
      auto o = provider_ingest_options(s);
      o.count = count;
      o.duration_s = duration_s;
      o.min_interval_ms = static_cast<st::EpochMs>(min_interval_s * 1000);
      o.health_every_s = health_every_s;
      o.http_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(http_timeout_s * 1000));
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
    auto o = store_options(s);
    o.batch_size = batch_size;
    o.group_id = group;
    auto r = st::store::run_store(o, stop);
    return report(r ? st::Status{} : std::unexpected(r.error()), "store");
  }
  if (*process) {
    st::log::set_thread_service("process");
    const auto s = settings_or_exit(raw, Need::kDatabase | Need::kKafka);
    auto o = process_options(s);
    o.instance_id = instance_id;
    o.group_id = process_group;
    o.windows = {.out_of_orderness_ms = out_of_order_ms, .allowed_lateness_ms = lateness_s * 1000};
    auto r = st::process::run_process(o, stop);
    return report(r ? st::Status{} : std::unexpected(r.error()), "process");
  }
  if (*notify) {
    st::log::set_thread_service("notify");
    const auto s = settings_or_exit(raw, Need::kDatabase | Need::kKafka);
    auto o = notify_options(s);
    o.group_id = notify_group;
    auto r = st::notify::run_notify(o, stop);
    return report(r ? st::Status{} : std::unexpected(r.error()), "notify");
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
