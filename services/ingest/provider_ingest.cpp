#include "provider_ingest.hpp"

#include <algorithm>
#include <optional>
#include <random>

#include "providers/alpha_vantage.hpp"
#include "providers/failover.hpp"
#include "providers/poll_scheduler.hpp"
#include "providers/refresh_plan.hpp"
#include "providers/tick_dedup.hpp"
#include "providers/yahoo_finance.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/base/stop.hpp"
#include "stocktracker/httpclient/client.hpp"
#include "stocktracker/kafka/dead_letter.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/codec.hpp"
#include "stocktracker/model/symbol.hpp"
#include "stocktracker/model/topics.hpp"
#include "stocktracker/pg/connection.hpp"

namespace st::ingest {
namespace {

using namespace providers;

/// Yahoo answers 429 to clients that do not look like a browser or a
/// well-known library; this names us and stays accepted.
constexpr const char* kUserAgent = "Mozilla/5.0 (compatible; stocktracker/0.1)";

std::vector<ProviderGate> build_gates(const ProviderIngestOptions& o, EpochMs now) {
  std::vector<ProviderGate> gates;
  for (const auto& name : o.providers) {
    const auto id = model::parse_enum<ProviderId>(name);
    if (!id) continue;  // config::load allows only known names
    switch (*id) {
      case ProviderId::kAlphaVantage:
        if (o.alpha_vantage_api_key.empty()) {
          log::warn("provider left out: ALPHA_VANTAGE_API_KEY is not set", {{"provider", name}});
          continue;
        }
        gates.emplace_back(*id, GateOptions{.limits = o.alpha_vantage_limits}, o.seed + gates.size(), now);
        break;
      case ProviderId::kYahoo:
        gates.emplace_back(*id, GateOptions{.limits = o.yahoo_limits}, o.seed + gates.size(), now);
        break;
    }
  }
  return gates;
}

httpclient::Request quote_request(ProviderId provider, const ProviderIngestOptions& o, const std::string& symbol) {
  httpclient::Request r;
  switch (provider) {
    case ProviderId::kAlphaVantage:
      r = alpha_vantage::quote_request(o.alpha_vantage_base_url, o.alpha_vantage_api_key, symbol);
      break;
    case ProviderId::kYahoo:
      r = yahoo::quote_request(o.yahoo_base_url, symbol);
      break;
  }
  r.timeout = o.http_timeout;
  r.connect_timeout = std::min(o.http_timeout, r.connect_timeout);
  return r;
}

FetchResult read_quote(ProviderId provider, const Result<httpclient::Response>& answer, const std::string& symbol,
                       EpochMs now) {
  if (!answer) return transport_failure(provider, answer.error());
  switch (provider) {
    case ProviderId::kAlphaVantage:
      return alpha_vantage::read_quote(*answer, symbol, now);
    case ProviderId::kYahoo:
      return yahoo::read_chart(*answer, symbol, now);
  }
  return transport_failure(provider, Error{Errc::kInternal, "unknown provider"});
}

/// Users per tracked symbol, from PostgreSQL; nullopt when it cannot be read.
std::optional<std::vector<WatchedSymbol>> load_tracked(const std::string& database_url) {
  if (database_url.empty()) return std::vector<WatchedSymbol>{};
  auto conn = pg::Connection::connect(database_url);
  if (!conn) {
    log::warn("tracked symbols not read", {{"error", conn.error().message}});
    return std::nullopt;
  }
  auto rows = conn->exec(
      "SELECT c.symbol, count(*) FROM user_companies uc JOIN companies c ON c.id = uc.company_id GROUP BY c.symbol");
  if (!rows) {
    log::warn("tracked symbols not read", {{"error", rows.error().message}});
    return std::nullopt;
  }
  std::vector<WatchedSymbol> tracked;
  for (int i = 0; i < rows->size(); ++i) {
    const std::string symbol(rows->get(i, 0));
    if (model::valid_symbol(symbol)) tracked.push_back({symbol, rows->get_int(i, 1)});
  }
  return tracked;
}

/// Publishes what one answer gave: its new ticks to stock-prices (at most
/// `max_ticks` in all, 0: no limit), its rejections to stock-prices.dlq.
class Publisher {
 public:
  Publisher(kafka::Producer& producer, std::uint64_t max_ticks, ProviderIngestReport& report)
      : producer_(producer), max_ticks_(max_ticks), report_(report) {}

  Status publish(ProviderId provider, const std::string& symbol, const FetchResult& result) {
    for (const auto& tick : result.ticks) {
      if (max_ticks_ != 0 && report_.ticks >= max_ticks_) break;
      if (!dedup_.first_time(tick)) {
        ++report_.duplicates;
        continue;
      }
      payload_.clear();
      model::encode_to(payload_, tick);
      if (auto st = producer_.produce(model::topic::kStockPrices, tick.symbol, payload_); !st) return st;
      ++report_.ticks;
    }
    for (const auto& rejection : result.rejected) {
      log::warn("provider answer rejected",
                {{"provider", model::to_string(provider)}, {"symbol", symbol}, {"reason", rejection.reason}});
      if (auto st = kafka::send_to_dlq(producer_, kOrigin, symbol, rejection.payload, rejection.reason); !st) return st;
      ++report_.dead_letters;
    }
    return {};
  }

 private:
  static constexpr kafka::DeadLetterOrigin kOrigin{.topic = model::topic::kStockPrices, .service = "ingest"};
  kafka::Producer& producer_;
  std::uint64_t max_ticks_;
  ProviderIngestReport& report_;
  TickDedup dedup_;
  std::string payload_;
};

void log_health(const FailoverChain& chain, EpochMs now) {
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const ProviderHealth h = chain.gate(i).health(now);
    log::info("provider health", {{"provider", model::to_string(h.provider)},
                                  {"state", model::to_string(h.state)},
                                  {"quota_left", h.quota_left},
                                  {"quota", h.quota},
                                  {"backoff_until", h.backoff_until},
                                  {"last_success_ts", h.last_success_ts},
                                  {"last_error", h.last_error},
                                  {"requests", h.requests},
                                  {"failures", h.failures},
                                  {"rate_limited", h.rate_limited}});
  }
}

}  // namespace

Result<ProviderIngestReport> run_provider_ingest(const ProviderIngestOptions& options, std::stop_token stop) {
  ProviderIngestOptions o = options;
  if (o.seed == 0) o.seed = std::random_device{}();
  const Clock& clock = SystemClock::instance();
  FailoverChain chain(build_gates(o, clock.now_ms()));
  if (chain.size() == 0) {
    return fail(Errc::kInvalidInput,
                "INGEST_PROVIDERS: no usable provider (alphavantage needs ALPHA_VANTAGE_API_KEY)");
  }
  auto producer = kafka::Producer::create(o.bootstrap_servers);
  if (!producer) return std::unexpected(producer.error());
  auto client = httpclient::Client::create({.max_in_flight = o.max_in_flight, .user_agent = kUserAgent});
  if (!client) return std::unexpected(client.error());

  PollScheduler scheduler(chain);
  ProviderIngestReport report;
  Publisher publisher(**producer, o.count, report);
  std::vector<WatchedSymbol> tracked;
  const auto replan = [&](EpochMs now) {
    if (auto fresh = load_tracked(o.database_url)) tracked = std::move(*fresh);  // else: keep the last list
    std::vector<WatchedSymbol> watched = tracked;
    for (const auto& s : o.symbols) watched.push_back({s, 1});
    const double budget = chain.per_day() * o.budget_share;
    const auto plan = plan_refresh(
        watched, {.daily_budget = budget, .min_interval_ms = o.min_interval_ms, .max_interval_ms = o.max_interval_ms});
    scheduler.set_plan(plan, now);
    if (plan.empty()) log::warn("no symbols to poll: none tracked and STOCKTRACKER_SYMBOLS is empty");
    log::info("refresh plan", {{"symbols", plan.size()},
                               {"tracked", tracked.size()},
                               {"daily_budget", budget},
                               {"planned_per_day", planned_per_day(plan)}});
  };

  std::string providers_text;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    if (i > 0) providers_text += ',';
    providers_text += model::to_string(chain.gate(i).provider());
  }
  log::info("ingest started", {{"source", "providers"}, {"providers", providers_text}});
  replan(clock.now_ms());

  using Steady = std::chrono::steady_clock;
  const auto started = Steady::now();
  const auto deadline = o.duration_s > 0 ? std::optional(started + std::chrono::duration_cast<Steady::duration>(
                                                                         std::chrono::duration<double>(o.duration_s)))
                                         : std::nullopt;
  const auto health_every = static_cast<EpochMs>(o.health_every_s * 1000);
  EpochMs next_health = clock.now_ms() + health_every;
  EpochMs next_reload = clock.now_ms() + o.reload_every_ms;
  const auto done = [&] {
    return stop.stop_requested() || (o.count != 0 && report.ticks >= o.count) || (deadline && Steady::now() >= *deadline);
  };

  while (!done()) {
    EpochMs now = clock.now_ms();
    if (now >= next_reload) {
      replan(now);
      next_reload = now + o.reload_every_ms;
    }
    if (health_every > 0 && now >= next_health) {
      log_health(chain, now);
      next_health = now + health_every;
    }
    const auto attempts = scheduler.take_due(now, o.max_in_flight);
    if (attempts.empty()) {
      (*producer)->poll();
      EpochMs wake = std::min({scheduler.next_due(now), next_reload, health_every > 0 ? next_health : next_reload});
      auto wait = std::chrono::milliseconds(std::clamp<EpochMs>(wake - now, 1, 1'000));
      if (deadline) {
        wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Steady::now()) +
                                  std::chrono::milliseconds(1));
      }
      sleep_unless_stopped(std::max(wait, std::chrono::milliseconds(1)), stop);
      continue;
    }

    std::vector<httpclient::Request> requests;
    requests.reserve(attempts.size());
    for (const auto& a : attempts) requests.push_back(quote_request(chain.gate(a.provider).provider(), o, a.symbol));
    const auto answers = (*client)->get_all(requests, stop);
    if (stop.stop_requested()) break;  // answers cut short: not held against the providers
    report.requests += attempts.size();
    now = clock.now_ms();

    for (std::size_t i = 0; i < attempts.size(); ++i) {
      const PollAttempt& a = attempts[i];
      const ProviderId provider = chain.gate(a.provider).provider();
      const FetchResult result = read_quote(provider, answers[i], a.symbol, now);
      if (auto st = publisher.publish(provider, a.symbol, result); !st) return std::unexpected(st.error());
      if (result.outcome != Outcome::kOk) {
        log::info("provider request failed", {{"provider", model::to_string(provider)},
                                              {"symbol", a.symbol},
                                              {"outcome", model::to_string(result.outcome)},
                                              {"detail", result.detail}});
      }
      scheduler.complete(a, result, now);
    }
    (*producer)->poll();
  }

  if (auto st = (*producer)->flush(std::chrono::seconds(60)); !st) return std::unexpected(st.error());
  log_health(chain, clock.now_ms());
  log::info("ingest stopped", {{"ticks", report.ticks},
                               {"duplicates", report.duplicates},
                               {"dead_letters", report.dead_letters},
                               {"requests", report.requests}});
  return report;
}

}  // namespace st::ingest
