#include "provider_ingest.hpp"

#include <algorithm>
#include <optional>
#include <random>

#include "company_metadata_store.hpp"
#include "provider_metrics.hpp"
#include "providers/alpha_vantage.hpp"
#include "providers/economic_series.hpp"
#include "providers/economy_poller.hpp"
#include "providers/failover.hpp"
#include "providers/metadata_poller.hpp"
#include "providers/news_poller.hpp"
#include "providers/poll_scheduler.hpp"
#include "providers/refresh_plan.hpp"
#include "providers/tick_dedup.hpp"
#include "providers/yahoo_finance.hpp"
#include "scraper/article_scraper.hpp"
#include "scraper/enrich_queue.hpp"
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
      case ProviderId::kNewsApi:
      case ProviderId::kFred:
        continue;  // news, not quotes: polled by the NewsPoller
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
    case ProviderId::kNewsApi:
    case ProviderId::kFred:
      break;  // never in the quote chain (build_gates)
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
    case ProviderId::kNewsApi:
    case ProviderId::kFred:
      break;
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

/// The companies whose news is polled: the tracked ones (most watched
/// first) and the configured symbols (by ticker alone when the companies
/// table does not know them); nullopt when the database cannot be read.
std::optional<std::vector<CompanyName>> load_companies(const std::string& database_url,
                                                       const std::vector<std::string>& symbols) {
  std::vector<CompanyName> companies;
  if (!database_url.empty()) {
    auto conn = pg::Connection::connect(database_url);
    if (!conn) {
      log::warn("companies for news not read", {{"error", conn.error().message}});
      return std::nullopt;
    }
    auto rows = conn->exec(
        "SELECT c.symbol, c.name FROM companies c LEFT JOIN user_companies uc ON uc.company_id = c.id "
        "GROUP BY c.id HAVING count(uc.user_id) > 0 OR c.symbol = ANY($1::text[]) "
        "ORDER BY count(uc.user_id) DESC, c.symbol",
        {symbols_array_literal(symbols)});
    if (!rows) {
      log::warn("companies for news not read", {{"error", rows.error().message}});
      return std::nullopt;
    }
    for (int i = 0; i < rows->size(); ++i) companies.push_back({std::string(rows->get(i, 0)), std::string(rows->get(i, 1))});
  }
  for (const auto& s : symbols) {
    if (std::none_of(companies.begin(), companies.end(), [&](const auto& c) { return c.symbol == s; })) {
      companies.push_back({s, ""});
    }
  }
  return companies;
}

/// Marks the articles stored in the last week as published, so a restart
/// does not publish them again.
void remember_stored_news(const std::string& database_url, NewsPoller& news) {
  if (database_url.empty()) return;
  auto conn = pg::Connection::connect(database_url);
  if (!conn) return;
  auto rows = conn->exec(
      "SELECT id FROM news_articles WHERE published_at > now() - interval '7 days' ORDER BY published_at LIMIT 20000");
  if (!rows) {
    log::warn("stored news ids not read", {{"error", rows.error().message}});
    return;
  }
  for (int i = 0; i < rows->size(); ++i) news.remember(std::string(rows->get(i, 0)));
}

/// Marks the indicator values stored in the last years as published, so a
/// restart does not publish them again (ids as economic_series.hpp makes them).
void remember_stored_indicators(const std::string& database_url, EconomyPoller& economy) {
  if (database_url.empty()) return;
  auto conn = pg::Connection::connect(database_url);
  if (!conn) return;
  auto rows = conn->exec(
      "SELECT DISTINCT indicator || ':' || to_char(period, 'YYYY-MM-DD') FROM economic_indicators "
      "WHERE period > now() - interval '3 years' LIMIT 5000");
  if (!rows) {
    log::warn("stored indicator ids not read", {{"error", rows.error().message}});
    return;
  }
  for (int i = 0; i < rows->size(); ++i) economy.remember(std::string(rows->get(i, 0)));
}

/// Timeouts of ingest's settings on a provider request.
httpclient::Request with_timeouts(httpclient::Request r, const ProviderIngestOptions& o) {
  r.timeout = o.http_timeout;
  r.connect_timeout = std::min(o.http_timeout, r.connect_timeout);
  return r;
}

/// Publishes what one answer gave: its new ticks to stock-prices (at most
/// `max_ticks` in all, 0: no limit), its rejections to stock-prices.dlq.
class Publisher {
 public:
  Publisher(kafka::Producer& producer, std::uint64_t max_ticks, ProviderIngestReport& report)
      : producer_(producer), max_ticks_(max_ticks), report_(report) {}

  /// Where articles with only a snippet go to be scraped; null: nowhere.
  void set_enrich_queue(scraper::EnrichQueue* queue) { enrich_ = queue; }

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

  /// The new articles of a news answer to news-articles (keyed by id), its
  /// rejections to news-articles.dlq. Those with only a snippet go to the
  /// scraper's queue, which publishes them; when it is full, they go out now.
  Status publish_news(ProviderId provider, const FetchResult& result) {
    for (const auto& article : result.articles) {
      if (enrich_ != nullptr && scraper::needs_full_text(article)) {
        model::NewsArticle copy = article;
        if (enrich_->offer(copy)) continue;
        ++report_.articles_unscraped;
      }
      payload_ = model::encode(article);
      if (auto st = producer_.produce(model::topic::kNewsArticles, article.id, payload_); !st) return st;
      ++report_.articles;
    }
    return dead_letters(kNewsOrigin, provider, result);
  }

  /// The new values of an indicator answer to economic-indicators (keyed by
  /// id), its rejections to economic-indicators.dlq.
  Status publish_indicators(ProviderId provider, const FetchResult& result) {
    for (const auto& value : result.indicators) {
      payload_ = model::encode(value);
      if (auto st = producer_.produce(model::topic::kEconomicIndicators, value.id, payload_); !st) return st;
      ++report_.indicators;
    }
    return dead_letters(kIndicatorOrigin, provider, result);
  }

  /// A side answer's rejections (keyed by the provider's name).
  Status dead_letters(const kafka::DeadLetterOrigin& origin, ProviderId provider, const FetchResult& result) {
    const std::string_view name = model::to_string(provider);
    for (const auto& rejection : result.rejected) {
      log::warn("provider answer rejected", {{"provider", name}, {"reason", rejection.reason}});
      if (auto st = kafka::send_to_dlq(producer_, origin, name, rejection.payload, rejection.reason); !st) return st;
      ++report_.dead_letters;
    }
    return {};
  }

 private:
  static constexpr kafka::DeadLetterOrigin kOrigin{.topic = model::topic::kStockPrices, .service = "ingest"};
  static constexpr kafka::DeadLetterOrigin kNewsOrigin{.topic = model::topic::kNewsArticles, .service = "ingest"};
  static constexpr kafka::DeadLetterOrigin kIndicatorOrigin{.topic = model::topic::kEconomicIndicators,
                                                            .service = "ingest"};
  kafka::Producer& producer_;
  std::uint64_t max_ticks_;
  ProviderIngestReport& report_;
  scraper::EnrichQueue* enrich_ = nullptr;
  TickDedup dedup_;
  std::string payload_;
};

/// The scraper's thread and queue (null when scraping is off); it publishes
/// to news-articles through the shared producer (librdkafka's produce is
/// thread-safe and kafka::Producer's own counters are atomics).
Result<std::unique_ptr<scraper::EnrichQueue>> start_scraper(const ProviderIngestOptions& o, kafka::Producer& producer) {
  scraper::ScraperOptions options;
  if (!o.scrape_rules_path.empty()) {
    auto rules = scraper::load_site_rules(o.scrape_rules_path);
    if (!rules) return fail(Errc::kInvalidInput, "INGEST_SCRAPE_RULES: " + rules.error().message);
    options.rules = std::move(*rules);
  }
  auto created = scraper::ArticleScraper::create(std::move(options));
  if (!created) return std::unexpected(created.error());
  // Owned by the queue's closures; only the queue's thread calls it.
  std::shared_ptr<scraper::ArticleScraper> page_scraper = std::move(*created);
  auto enrich = [page_scraper](model::NewsArticle& a, std::stop_token stop) {
    log::set_thread_service("ingest");  // the queue's thread logs as ingest
    return page_scraper->enrich(a, stop);
  };
  auto publish = [&producer, payload = std::string()](const model::NewsArticle& a) mutable -> Status {
    payload = model::encode(a);
    return producer.produce(model::topic::kNewsArticles, a.id, payload);
  };
  return std::make_unique<scraper::EnrichQueue>(o.scrape_queue, std::move(enrich), std::move(publish));
}

void log_health(const ProviderHealth& h) {
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

/// What ingest polls besides quotes.
struct SidePollers {
  std::optional<NewsPoller> news;
  std::optional<EconomyPoller> economy;
  std::optional<MetadataPoller> metadata;
};

/// One entry per provider (health is kept per provider name): the quote
/// chain's gate first, then the side pollers' for providers not seen yet.
std::vector<ProviderHealth> all_health(const FailoverChain& chain, const SidePollers& side, EpochMs now) {
  std::vector<ProviderHealth> out;
  const auto add = [&](const ProviderHealth& h) {
    if (std::none_of(out.begin(), out.end(), [&](const auto& o) { return o.provider == h.provider; })) out.push_back(h);
  };
  for (std::size_t i = 0; i < chain.size(); ++i) add(chain.gate(i).health(now));
  if (side.news) {
    for (const auto& h : side.news->health_all(now)) add(h);
  }
  if (side.economy) {
    for (const auto& h : side.economy->health(now)) add(h);
  }
  if (side.metadata) add(side.metadata->health(now));
  return out;
}


/// A side poller's request in a batch, and what its answer is for.
struct SideRequest {
  enum class Kind { kNews, kEconomy, kMetadata } kind;
  EconomyPoller::Attempt attempt{};  // kEconomy
  std::string symbol{};              // kMetadata
  httpclient::Request request{};
};

/// The side requests due now (at most one per poller).
std::vector<SideRequest> take_side(SidePollers& side, const ProviderIngestOptions& o, EpochMs now) {
  std::vector<SideRequest> out;
  if (side.news) {
    if (auto r = side.news->take_due(now)) out.push_back({.kind = SideRequest::Kind::kNews, .request = with_timeouts(std::move(*r), o)});
  }
  if (side.economy) {
    if (auto due = side.economy->take_due(now)) {
      out.push_back({.kind = SideRequest::Kind::kEconomy, .attempt = due->attempt,
                     .request = with_timeouts(std::move(due->request), o)});
    }
  }
  if (side.metadata) {
    if (auto due = side.metadata->take_due(now)) {
      out.push_back({.kind = SideRequest::Kind::kMetadata, .symbol = due->symbol,
                     .request = with_timeouts(std::move(due->request), o)});
    }
  }
  return out;
}

EpochMs side_next_due(const SidePollers& side, EpochMs now, EpochMs otherwise) {
  EpochMs next = otherwise;
  if (side.news) next = std::min(next, side.news->next_due(now));
  if (side.economy) next = std::min(next, side.economy->next_due(now));
  if (side.metadata) next = std::min(next, side.metadata->next_due(now));
  return next;
}

void log_failure(ProviderId provider, std::string_view what, const FetchResult& result) {
  if (result.outcome == Outcome::kOk) return;
  log::info("provider request failed", {{"provider", model::to_string(provider)},
                                        {"outcome", model::to_string(result.outcome)},
                                        {"detail", result.detail},
                                        {"request", what}});
}

/// Hands a side answer to its poller and publishes or stores what it gave.
Status complete_side(SidePollers& side, const SideRequest& r, const Result<httpclient::Response>& answer, EpochMs now,
                     Publisher& publisher, const ProviderIngestOptions& o, ProviderIngestReport& report) {
  switch (r.kind) {
    case SideRequest::Kind::kNews: {
      const FetchResult result = side.news->complete(answer, now);
      const ProviderId provider = side.news->last_provider();
      log_failure(provider, "news", result);
      return publisher.publish_news(provider, result);
    }
    case SideRequest::Kind::kEconomy: {
      const FetchResult result = side.economy->complete(r.attempt, answer, now);
      const ProviderId provider = side.economy->provider(r.attempt);
      log_failure(provider, economic_series()[r.attempt.series].indicator, result);
      return publisher.publish_indicators(provider, result);
    }
    case SideRequest::Kind::kMetadata: {
      const auto result = side.metadata->complete(r.symbol, answer, now);
      log_failure(ProviderId::kAlphaVantage, "overview " + r.symbol, result.fetch);
      if (result.profile) {
        if (auto st = store_company_profile(o.database_url, *result.profile); !st) {
          log::warn("company metadata not stored", {{"symbol", r.symbol}, {"error", st.error().message}});
        } else {
          ++report.company_profiles;
          log::info("company metadata filled in", {{"symbol", r.symbol}});
        }
      }
      // No topic carries company metadata, so no dead-letter topic either: logged.
      for (const auto& rejection : result.fetch.rejected) {
        log::warn("provider answer rejected", {{"provider", "alphavantage"}, {"symbol", r.symbol}, {"reason", rejection.reason}});
      }
      return {};
    }
  }
  return {};
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

  std::optional<MarketHours> hours;
  if (o.closed_interval_ms > 0) hours = MarketHours{.extended_hours = o.extended_hours, .closed_interval_ms = o.closed_interval_ms};
  PollScheduler scheduler(chain, hours);
  ProviderIngestReport report;
  Publisher publisher(**producer, o.count, report);
  SidePollers side;
  auto& news = side.news;
  if (!o.news_api_key.empty()) {
    news.emplace(NewsPollerOptions{.base_url = o.news_api_base_url,
                                   .api_key = o.news_api_key,
                                   .limits = o.news_api_limits,
                                   .alpha_vantage_base_url = o.alpha_vantage_base_url,
                                   .alpha_vantage_api_key = o.alpha_vantage_api_key,
                                   .alpha_vantage_limits = o.alpha_vantage_side_limits,
                                   .budget_share = o.budget_share,
                                   .min_interval_ms = o.news_min_interval_ms},
                 o.seed + chain.size(), clock.now_ms());
    remember_stored_news(o.database_url, *news);
  }
  // After the producer, so that it outlives the queue's thread on every return.
  std::unique_ptr<scraper::EnrichQueue> enrich_queue;
  if (news && o.scrape_articles) {
    auto started_queue = start_scraper(o, **producer);
    if (!started_queue) return std::unexpected(started_queue.error());
    enrich_queue = std::move(*started_queue);
    publisher.set_enrich_queue(enrich_queue.get());
  }
  // FRED is the indicators' source; Alpha Vantage only stands in for it.
  if (!o.fred_api_key.empty()) {
    side.economy.emplace(EconomyPollerOptions{.fred_base_url = o.fred_base_url,
                                              .fred_api_key = o.fred_api_key,
                                              .fred_limits = o.fred_limits,
                                              .alpha_vantage_base_url = o.alpha_vantage_base_url,
                                              .alpha_vantage_api_key = o.alpha_vantage_api_key,
                                              .alpha_vantage_limits = o.alpha_vantage_side_limits},
                         o.seed + chain.size() + 2, clock.now_ms());
    remember_stored_indicators(o.database_url, *side.economy);
  }
  if (!o.alpha_vantage_api_key.empty() && !o.database_url.empty()) {
    side.metadata.emplace(MetadataPollerOptions{.base_url = o.alpha_vantage_base_url,
                                                .api_key = o.alpha_vantage_api_key,
                                                .limits = o.alpha_vantage_side_limits,
                                                .min_interval_ms = o.metadata_interval_ms},
                          o.seed + chain.size() + 4, clock.now_ms());
  }
  std::vector<WatchedSymbol> tracked;
  const auto replan = [&](EpochMs now) {
    if (auto fresh = load_tracked(o.database_url)) tracked = std::move(*fresh);  // else: keep the last list
    if (news) {
      if (auto companies = load_companies(o.database_url, o.symbols)) news->set_companies(*companies);
    }
    if (side.metadata) {
      if (auto wanted = load_incomplete_companies(o.database_url, o.symbols)) side.metadata->set_wanted(std::move(*wanted));
    }
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
  if (news) providers_text += ",newsapi";
  if (side.economy) providers_text += ",fred";
  const auto health_every = static_cast<EpochMs>(o.health_every_s * 1000);
  const EpochMs publish_every = health_every > 0 ? health_every : 60'000;
  HealthStore health_store(o.redis, std::chrono::seconds(std::max<EpochMs>(30'000, 3 * publish_every) / 1000));
  const auto first_health = all_health(chain, side, clock.now_ms());
  health_store.publish(first_health, clock.now_ms());
  export_provider_metrics(first_health, metrics::default_registry());
  log::info("ingest started", {{"source", "providers"},
                               {"providers", providers_text},
                               {"scrape_articles", enrich_queue != nullptr},
                               {"market", hours ? std::string(model::to_string(market_phase(clock.now_ms())))
                                                : std::string("calendar off")}});
  replan(clock.now_ms());

  using Steady = std::chrono::steady_clock;
  const auto started = Steady::now();
  const auto deadline = o.duration_s > 0 ? std::optional(started + std::chrono::duration_cast<Steady::duration>(
                                                                         std::chrono::duration<double>(o.duration_s)))
                                         : std::nullopt;
  EpochMs next_health = clock.now_ms() + publish_every;
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
    if (now >= next_health) {
      const auto health = all_health(chain, side, now);
      if (health_every > 0) {
        for (const auto& h : health) log_health(h);
      }
      health_store.publish(health, now);
      export_provider_metrics(health, metrics::default_registry());
      next_health = now + publish_every;
    }
    const auto attempts = scheduler.take_due(now, o.max_in_flight);
    const auto side_requests = take_side(side, o, now);
    if (attempts.empty() && side_requests.empty()) {
      (*producer)->poll();
      EpochMs wake = std::min({scheduler.next_due(now), next_reload, next_health, side_next_due(side, now, next_reload)});
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
    for (const auto& r : side_requests) requests.push_back(r.request);
    const auto answers = (*client)->get_all(requests, stop);
    if (stop.stop_requested()) break;  // answers cut short: not held against the providers
    report.requests += requests.size();
    now = clock.now_ms();

    for (std::size_t i = 0; i < side_requests.size(); ++i) {
      const auto& answer = answers[attempts.size() + i];
      if (auto st = complete_side(side, side_requests[i], answer, now, publisher, o, report); !st) {
        return std::unexpected(st.error());
      }
    }

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

  if (enrich_queue) {
    enrich_queue->stop();  // what is still queued goes out with its snippet
    const auto counts = enrich_queue->counts();
    report.articles += counts.published();
    report.articles_scraped = counts.enriched;
    report.articles_scrape_failed = counts.failed;
    report.articles_unscraped += counts.left;
  }
  if (auto st = (*producer)->flush(std::chrono::seconds(60)); !st) return std::unexpected(st.error());
  const auto final_health = all_health(chain, side, clock.now_ms());
  for (const auto& h : final_health) log_health(h);
  health_store.publish(final_health, clock.now_ms());
  if (news) report.article_duplicates = news->duplicates();
  if (side.economy) report.indicator_duplicates = side.economy->duplicates();
  log::info("ingest stopped", {{"ticks", report.ticks},
                               {"articles", report.articles},
                               {"article_duplicates", report.article_duplicates},
                               {"articles_scraped", report.articles_scraped},
                               {"articles_scrape_failed", report.articles_scrape_failed},
                               {"articles_unscraped", report.articles_unscraped},
                               {"indicators", report.indicators},
                               {"indicator_duplicates", report.indicator_duplicates},
                               {"company_profiles", report.company_profiles},
                               {"duplicates", report.duplicates},
                               {"dead_letters", report.dead_letters},
                               {"requests", report.requests}});
  return report;
}

}  // namespace st::ingest
